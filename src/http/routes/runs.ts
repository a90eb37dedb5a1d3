import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service';
import type { PipelineService } from '../../services/pipeline-service';
import { requirePermission } from '../auth';

const runIdParams = z.strictObject({ id: z.coerce.number().int().positive() });
const listQuery = z.strictObject({
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const startBody = z.strictObject({ trigger: z.string().min(1).max(64).default('api') }).default({ trigger: 'api' });

/** Pipeline runs: progress while running, counts per stage, errors. Starting one is for admins. */
export function runRoutes(pipeline: PipelineService, apiKeys: ApiKeyService): Router {
  const router = Router();
  router.get('/runs', requirePermission(apiKeys, 'read'), async (req, res) => {
    const query = listQuery.parse(req.query);
    const runs = await pipeline.listRuns({ beforeId: query.before, limit: query.limit });
    const nextCursor = runs.length === query.limit ? runs[runs.length - 1].id : null;
    res.json({ data: runs, nextCursor });
  });
  router.get('/runs/:id', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { id } = runIdParams.parse(req.params);
    res.json(await pipeline.getRun(id));
  });
  router.post('/runs', requirePermission(apiKeys, 'admin'), async (req, res) => {
    const { trigger } = startBody.parse(req.body ?? undefined);
    const started = await pipeline.startRun(trigger);
    res.status(202).location(`/runs/${started.runId}`).json(started);
  });
  return router;
}
