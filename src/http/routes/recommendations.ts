import { Router, type Request } from 'express';
import { z } from 'zod';
import { AppError, PreconditionFailedError } from '../../errors';
import type { ApiKeyService } from '../../services/api-key-service';
import type { Recommendation } from '../../../db/repositories/recommendations';
import type { RecommendationService } from '../../services/recommendation-service';
import { requirePermission } from '../auth';
import { exportFormat, sendSpreadsheet, type SheetColumn } from '../spreadsheet';
import {
  bulkApproveBody,
  bulkDecisionBody,
  noteBody,
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
  decided: z.tuple([cursorParts.instant, cursorParts.bigId]),
};

/** The columns of the list as a spreadsheet (GET /recommendations?format=csv|xlsx), in the order the page shows them. */
export const recommendationSheetColumns: Array<SheetColumn<Recommendation>> = [
  { name: 'id', value: (r) => r.id },
  { name: 'run_id', value: (r) => r.runId },
  { name: 'urgency', value: (r) => r.urgency },
  { name: 'days_short', value: (r) => r.daysShort },
  { name: 'sku', value: (r) => r.sku },
  { name: 'description', value: (r) => r.description },
  { name: 'location', value: (r) => r.locationCode },
  { name: 'supplier', value: (r) => r.supplierName },
  { name: 'on_hand', value: (r) => r.onHand },
  { name: 'on_order', value: (r) => r.onOrder },
  { name: 'backordered', value: (r) => r.backordered },
  { name: 'days_of_cover', value: (r) => r.daysOfCover },
  { name: 'projected_stockout', value: (r) => r.projectedStockoutDate },
  { name: 'expected_arrival', value: (r) => r.expectedArrivalDate },
  { name: 'quantity', value: (r) => r.quantity },
  { name: 'suggested_quantity', value: (r) => r.suggestedQuantity },
  { name: 'currency', value: (r) => r.currency },
  { name: 'unit_cost', value: (r) => r.unitCost },
  { name: 'line_value', value: (r) => r.lineValue },
  { name: 'abc_class', value: (r) => r.abcClass },
  { name: 'status', value: (r) => r.status },
  { name: 'decided_by', value: (r) => r.decidedBy },
  { name: 'decided_at', value: (r) => r.decidedAt },
  { name: 'reason_code', value: (r) => r.reasonCode },
  { name: 'top_up_of', value: (r) => r.topUpOf },
];

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
    const { format: requested, ...query } = recommendationListQuery.parse(req.query);
    const format = exportFormat(req, requested);
    if (format !== 'json') {
      const { runId, data } = await recommendations.exportList(query);
      const name = query.status === 'decided' && query.runId === undefined ? 'recommendations-decided' : `recommendations-run-${runId ?? 'none'}`;
      return sendSpreadsheet(res, format, name, recommendationSheetColumns, data);
    }
    const tag = `recommendations:${query.sort}`;
    const after: CursorKey | undefined = query.cursor ? decodeCursor(tag, query.cursor, cursorKeys[query.sort] as z.ZodType<CursorKey>) : undefined;
    const page = await recommendations.list({ ...query, after });
    // The page's lines arrive as JSON text from the database (the same bytes JSON.stringify of them would give): the
    // answer is that text within the page's envelope, as res.json would write it (same headers, ETag included).
    const nextCursor = page.lastKey ? encodeCursor(tag, page.lastKey) : null;
    res.type('application/json').send(`{"runId":${JSON.stringify(page.runId)},"data":${page.dataJson},"nextCursor":${JSON.stringify(nextCursor)}}`);
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

  router.post('/recommendations/decisions', requirePermission(apiKeys, 'decide'), async (req, res) => {
    const { lines, ...change } = bulkDecisionBody.parse(req.body);
    res.json(await recommendations.decideMany({ change, lines, actor: req.apiKey!.name }));
  });

  router.post('/recommendations/:id/notes', requirePermission(apiKeys, 'decide'), async (req, res) => {
    const { id } = idParams.parse(req.params);
    const { text } = noteBody.parse(req.body);
    res.status(201).json(await recommendations.addNote(id, { actor: req.apiKey!.name, text }));
  });

  router.post('/recommendations/approve', requirePermission(apiKeys, 'decide'), async (req, res) => {
    const body = bulkApproveBody.parse(req.body);
    res.json(await recommendations.approveDraftOrder({ ...body, actor: req.apiKey!.name }));
  });

  return router;
}
