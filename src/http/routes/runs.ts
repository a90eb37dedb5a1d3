import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service';
import type { PipelineService } from '../../services/pipeline-service';
import type { SenseService } from '../../services/sense-service';
import { requirePermission } from '../auth';
import { decimalInteger } from '../schemas';

/** Request and response schemas of /runs: the handlers parse with them and src/http/openapi.ts documents them. */
const runId = decimalInteger(z.number().int().positive().max(Number.MAX_SAFE_INTEGER));
export const runIdParams = z.strictObject({ id: runId });
export const runListQuery = z.strictObject({
  before: runId.optional().describe('A run id: list the runs before it (nextCursor of the previous page).'),
  limit: decimalInteger(z.number().int().min(1).max(200).default(50)),
});
export const startRunBody = z
  .strictObject({
    trigger: z.string().min(1).max(64).default('api'),
    kind: z
      .enum(['pipeline', 'sense'])
      .default('pipeline')
      .describe('pipeline: forecast and plan every SKU; sense: recent daily sales against the forecast, flagged SKUs re-planned now.'),
  })
  .default({ trigger: 'api', kind: 'pipeline' });

export const runResponse = z.strictObject({
  id: z.number().int(),
  kind: z.string(),
  trigger: z.string(),
  status: z.enum(['running', 'succeeded', 'failed']),
  asOfDate: z.string().nullable().describe('Last day of history the run used.'),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  counts: z.record(z.string(), z.number()).describe('Progress and counts per stage: chunks, chunksDone, items, plannedItems, recommendations, …'),
  error: z.string().nullable(),
  prunedAt: z
    .string()
    .nullable()
    .describe("When housekeeping removed the run's forecasts, drafts and untouched recommendations: its counts then describe rows that are gone. Null while whole."),
});
export const runDetailResponse = runResponse.extend({
  planErrors: z
    .array(
      z.strictObject({
        itemId: z.number().int(),
        sku: z.string(),
        locationId: z.number().int(),
        locationCode: z.string(),
        reason: z.string(),
        stage: z.enum(['forecast', 'plan']).describe('forecast: its model threw, so it had no forecast to plan from; plan: planning it failed'),
      }),
    )
    .describe('The first 100 SKU × locations the run could not plan (counts.planErrors and counts.forecastErrors have how many), each with the reason; the others were planned.'),
});
export const runPageResponse = z.strictObject({ data: z.array(runResponse), nextCursor: z.number().int().nullable() });
export const startedRunResponse = z.strictObject({
  runId: z.number().int(),
  chunks: z.number().int().optional().describe('Forecast chunks of a pipeline run; absent for a sense run.'),
});
export const resumedRunResponse = z.strictObject({
  runId: z.number().int(),
  chunks: z.number().int().describe('Chunks dispatched again: those with no finished record.'),
  dispatch: z.number().int().describe('How many times the run has now been dispatched.'),
});

/** Pipeline and sense runs: progress while running, counts per stage, errors. Starting one is for admins. */
export function runRoutes(pipeline: PipelineService, apiKeys: ApiKeyService, sense: SenseService): Router {
  const router = Router();
  router.get('/runs', requirePermission(apiKeys, 'read'), async (req, res) => {
    const query = runListQuery.parse(req.query);
    const runs = await pipeline.listRuns({ beforeId: query.before, limit: query.limit });
    const nextCursor = runs.length === query.limit ? runs[runs.length - 1].id : null;
    res.json({ data: runs, nextCursor });
  });
  router.get('/runs/:id', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { id } = runIdParams.parse(req.params);
    res.json(await pipeline.getRunDetail(id));
  });
  router.post('/runs', requirePermission(apiKeys, 'admin'), async (req, res) => {
    const { trigger, kind } = startRunBody.parse(req.body ?? undefined);
    const started = kind === 'sense' ? await sense.startRun(trigger) : await pipeline.startRun(trigger);
    res.status(202).location(`/runs/${started.runId}`).json(started);
  });
  router.post('/runs/:id/cancel', requirePermission(apiKeys, 'admin'), async (req, res) => {
    const { id } = runIdParams.parse(req.params);
    res.json(await pipeline.cancelRun(id));
  });
  router.post('/runs/:id/resume', requirePermission(apiKeys, 'admin'), async (req, res) => {
    const { id } = runIdParams.parse(req.params);
    const resumed = await pipeline.resumeRun(id);
    res.status(202).location(`/runs/${id}`).json(resumed);
  });
  return router;
}
