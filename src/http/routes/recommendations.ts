import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError, PreconditionFailedError } from '../../errors';
import type { ApiKeyService } from '../../services/api-key-service';
import type { RecommendationService } from '../../services/recommendation-service';
import { requirePermission } from '../auth';
import {
  bulkApproveBody,
  cursorParts,
  decodeCursor,
  encodeCursor,
  idParams,
  recommendationListQuery,
  recommendationPatchBody,
  type CursorKey,
} from '../schemas';

/** Sort keys of each order (see db/repositories/recommendations.ts), then the id. */
const cursorKeys = {
  urgency: z.tuple([cursorParts.integer, cursorParts.date, cursorParts.bigId]),
  value: z.tuple([cursorParts.float, cursorParts.bigId]),
  stockout: z.tuple([cursorParts.date, cursorParts.bigId]),
};

export const etagOf = (recommendation: { id: number; version: number }) => `W/"${recommendation.id}-${recommendation.version}"`;

/**
 * The version a write is based on, from If-Match (the ETag of a GET). Missing: 428, so that no client can
 * overwrite a decision it never saw. Present but not this recommendation's ETag form: 412.
 */
function expectedVersion(req: Request, id: number): number {
  const header = req.headers['if-match'];
  if (!header) throw new AppError(428, 'precondition_required', 'If-Match with the ETag of the recommendation is required');
  const match = /^(?:W\/)?"(\d+)-(\d+)"$/.exec(header.trim());
  if (!match || Number(match[1]) !== id) throw new PreconditionFailedError('If-Match does not name this recommendation');
  return Number(match[2]);
}

/** Buyers' review: list and read recommendations, approve, reject or change quantities, approve a whole draft order. */
export function recommendationRoutes(recommendations: RecommendationService, apiKeys: ApiKeyService): Router {
  const router = Router();

  router.get('/recommendations', requirePermission(apiKeys, 'read'), async (req, res) => {
    const query = recommendationListQuery.parse(req.query);
    const tag = `recommendations:${query.sort}`;
    const after: CursorKey | undefined = query.cursor ? decodeCursor(tag, query.cursor, cursorKeys[query.sort] as z.ZodType<CursorKey>) : undefined;
    const page = await recommendations.list({ ...query, after });
    res.json({ runId: page.runId, data: page.data, nextCursor: page.lastKey ? encodeCursor(tag, page.lastKey) : null });
  });

  router.get('/recommendations/:id', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { id } = idParams.parse(req.params);
    const recommendation = await recommendations.get(id);
    res.setHeader('ETag', etagOf(recommendation)).json(recommendation);
  });

  router.patch('/recommendations/:id', requirePermission(apiKeys, 'decide'), async (req, res) => {
    const { id } = idParams.parse(req.params);
    const change = recommendationPatchBody.parse(req.body);
    const version = expectedVersion(req, id);
    const { recommendation, warnings } = await recommendations.decide(id, { expectedVersion: version, actor: req.apiKey!.name, change });
    res.setHeader('ETag', etagOf(recommendation)).json({ ...recommendation, warnings });
  });

  router.post('/recommendations/approve', requirePermission(apiKeys, 'decide'), async (req, res) => {
    const body = bulkApproveBody.parse(req.body);
    res.json(await recommendations.approveDraftOrder({ ...body, actor: req.apiKey!.name }));
  });

  return router;
}
