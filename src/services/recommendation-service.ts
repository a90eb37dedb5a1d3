import type { Knex } from 'knex';
import {
  approveDraftOrder,
  findRecommendation,
  insertRecommendationEvents,
  listRecommendationEvents,
  listRecommendations,
  updateRecommendationDecision,
  type Recommendation,
  type RecommendationDetail,
  type RecommendationEvent,
  type RecommendationFilters,
  type RecommendationSort,
  type RecommendationStatus,
} from '../../db/repositories/recommendations';
import { findRun, latestSucceededRunId } from '../../db/repositories/runs';
import { lockSupplierLocation, stampPurchaseOrderChanges, syncPurchaseOrderLines } from '../../db/repositories/suggested-purchase-orders';
import { roundOrderQuantity } from '../../models/policy/order-quantity';
import { ConflictError, NotFoundError, PreconditionFailedError, UnprocessableError } from '../errors';
import { PIPELINE_RUN_KIND } from './pipeline-service';

export type RecommendationChange =
  | { action: 'approve' }
  | { action: 'reject'; reasonCode: string; note?: string }
  | { action: 'set-quantity'; quantity: number };

export interface RecommendationPage {
  runId: number | null;
  data: Recommendation[];
  /** Sort key of the last row when the page is full (there may be more); null at the end. */
  lastKey: Array<string | number> | null;
}

export interface DecisionResult {
  recommendation: RecommendationDetail & { events: RecommendationEvent[] };
  warnings: string[];
}

export interface RecommendationService {
  list(query: RecommendationFilters & { sort: RecommendationSort; after?: Array<string | number>; limit: number }): Promise<RecommendationPage>;
  get(id: number): Promise<RecommendationDetail & { events: RecommendationEvent[] }>;
  /** Applies one buyer decision if the recommendation is still at `expectedVersion` (from If-Match); else 412. */
  decide(id: number, input: { expectedVersion: number; actor: string; change: RecommendationChange }): Promise<DecisionResult>;
  /** Approves every proposed line of one supplier × location draft order of a run, in one transaction. */
  approveDraftOrder(input: { supplierId: number; locationId: number; runId?: number; actor: string }): Promise<{
    runId: number;
    approvedIds: number[];
  }>;
}

/** Which decisions each status allows; exported lines belong to the ERP now. */
const allowedFrom: Record<RecommendationChange['action'], RecommendationStatus[]> = {
  approve: ['proposed', 'rejected'],
  reject: ['proposed', 'approved'],
  'set-quantity': ['proposed', 'approved'],
};

const snapshot = (r: { status: string; quantity: number; reasonCode: string | null; version: number }) => ({
  status: r.status,
  quantity: r.quantity,
  reasonCode: r.reasonCode,
  version: r.version,
});

export function createRecommendationService(db: Knex): RecommendationService {
  /** The run asked for (404 when there is no such run), else the latest succeeded one, if any. */
  async function runIdOrLatest(runId?: number): Promise<number | undefined> {
    if (runId === undefined) return latestSucceededRunId(db, PIPELINE_RUN_KIND);
    if (!(await findRun(db, runId))) throw new NotFoundError(`run ${runId}`);
    return runId;
  }

  async function detail(id: number) {
    const [recommendation, events] = await Promise.all([findRecommendation(db, id), listRecommendationEvents(db, id)]);
    if (!recommendation) throw new NotFoundError(`recommendation ${id}`);
    return { ...recommendation, events };
  }

  return {
    async list(query) {
      const rows = await listRecommendations(db, {
        filters: query,
        runKind: PIPELINE_RUN_KIND,
        sort: query.sort,
        after: query.after,
        limit: query.limit,
      });
      // The page names its run; an empty one (nothing matches, or no run yet) needs the look-up on its own.
      const runId = rows[0]?.recommendation.runId ?? (await runIdOrLatest(query.runId)) ?? null;
      return {
        runId,
        data: rows.map((row) => row.recommendation),
        lastKey: rows.length === query.limit ? rows[rows.length - 1].sortKey : null,
      };
    },

    get: detail,

    async decide(id, { expectedVersion, actor, change }) {
      const warnings = await db.transaction(async (trx) => {
        const current = await findRecommendation(trx, id);
        if (!current) throw new NotFoundError(`recommendation ${id}`);
        // Its order's lock before any row lock; a decision committed between the read and the lock fails the version check below.
        await lockSupplierLocation(trx, current.supplierId, current.locationId);
        if (current.version !== expectedVersion) {
          throw new PreconditionFailedError('recommendation changed since it was read', { currentVersion: current.version });
        }
        if (!allowedFrom[change.action].includes(current.status)) {
          throw new ConflictError(`cannot ${change.action} a recommendation that is ${current.status}`, { status: current.status });
        }
        const warnings: string[] = [];
        let { status, quantity, reasonCode } = current;
        if (change.action === 'approve') {
          if (current.supplierId === null) throw new UnprocessableError('recommendation has no supplier: choose one in the ERP first');
          if (!(current.quantity > 0)) throw new UnprocessableError('recommendation has nothing to order: set a quantity first');
          status = 'approved';
          reasonCode = null;
        } else if (change.action === 'reject') {
          status = 'rejected';
          reasonCode = change.reasonCode;
        } else {
          // Up to the order multiple only: the buyer chose the quantity, so a quantity below the MOQ stays, with a warning.
          quantity = roundOrderQuantity(change.quantity, { orderMultiple: current.orderMultiple ?? 0 }).orderQuantity;
          if (quantity !== change.quantity) warnings.push(`quantity rounded up from ${change.quantity} to ${quantity}, a multiple of ${current.orderMultiple}`);
          if (current.moq !== null && quantity < current.moq) warnings.push(`quantity ${quantity} is below the supplier's minimum order quantity ${current.moq}`);
        }
        // The version check in the UPDATE is what makes a concurrent decision on the same recommendation a 412.
        const updated = await updateRecommendationDecision(trx, id, expectedVersion, { status, quantity, reasonCode, decidedBy: actor });
        if (!updated) throw new PreconditionFailedError('recommendation changed since it was read');
        const after = { status, quantity, reasonCode, version: expectedVersion + 1 };
        await insertRecommendationEvents(trx, [
          {
            recommendationId: id,
            actor,
            action: change.action,
            before: snapshot(current),
            after,
            reason: change.action === 'reject' ? [change.reasonCode, change.note].filter(Boolean).join(': ') : null,
          },
        ]);
        const changedOrders = await syncPurchaseOrderLines(trx, [
          {
            recommendationId: id,
            status,
            supplierId: current.supplierId,
            locationId: current.locationId,
            itemId: current.itemId,
            quantity,
            unitCost: current.unitCost,
            needByDate: current.needByDate,
          },
        ]);
        await stampPurchaseOrderChanges(trx, changedOrders);
        return warnings;
      });
      return { recommendation: await detail(id), warnings };
    },

    async approveDraftOrder({ supplierId, locationId, runId: requestedRunId, actor }) {
      const runId = await runIdOrLatest(requestedRunId);
      if (runId === undefined) throw new NotFoundError('succeeded pipeline run');
      const approved = await db.transaction(async (trx) => {
        await lockSupplierLocation(trx, supplierId, locationId);
        const rows = await approveDraftOrder(trx, { runId, supplierId, locationId, decidedBy: actor });
        await insertRecommendationEvents(
          trx,
          rows.map((row) => ({
            recommendationId: row.recommendationId,
            actor,
            action: 'approve',
            before: { status: 'proposed', quantity: row.quantity, version: row.version - 1 },
            after: { status: 'approved', quantity: row.quantity, reasonCode: null, version: row.version },
            reason: 'bulk approval of the draft purchase order',
          })),
        );
        await stampPurchaseOrderChanges(trx, await syncPurchaseOrderLines(trx, rows));
        return rows;
      });
      return { runId, approvedIds: approved.map((row) => row.recommendationId) };
    },
  };
}
