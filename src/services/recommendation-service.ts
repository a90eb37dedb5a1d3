import type { Knex } from 'knex';
import {
  approveDraftOrder,
  findDecisionStates,
  findRecommendation,
  forecastMeans,
  insertRecommendationNote,
  insertRecommendationEvents,
  listRecommendationEvents,
  listRecommendations,
  listRecommendationsJson,
  updateDecisions,
  updateRecommendationDecision,
  type DecisionState,
  type Recommendation,
  type RecommendationDetail,
  type RecommendationEvent,
  type RecommendationFilters,
  type RecommendationSort,
  type RecommendationStatus,
} from '../../db/repositories/recommendations';
import { findRun, latestSucceededRunId } from '../../db/repositories/runs';
import { lockSupplierLocation, stampPurchaseOrderChanges, syncPurchaseOrderLines } from '../../db/repositories/suggested-purchase-orders';
import { addDays, daysBetween } from '../../models/policy/dates';
import { roundOrderQuantity, type ScheduledReceipt } from '../../models/policy/order-quantity';
import { projectedStock } from '../../models/policy/projected-stock';
import { protectionDemandInterval, type ProtectionDemandInterval, type ProtectionDemandRecord } from '../../models/policy/protection-demand';
import { ConflictError, NotFoundError, PreconditionFailedError, UnprocessableError } from '../errors';
import { PIPELINE_RUN_KIND } from './pipeline-service';
import { approvedRecommendationData, writeOutboxEvents } from '../../db/repositories/webhooks';
import { outboxEvent } from './webhook-service';

/** recommendation.approved for each approved one, in the deciding transaction (the outbox). */
async function writeApprovalEvents(trx: Knex.Transaction, recommendationIds: number[], now: Date): Promise<number> {
  const approved = await approvedRecommendationData(trx, recommendationIds);
  await writeOutboxEvents(trx, approved.map((data) => outboxEvent('recommendation.approved', data)), now);
  return approved.length;
}

export type RecommendationChange =
  | { action: 'approve' }
  | { action: 'reject'; reasonCode: string; note?: string }
  | { action: 'undo' }
  | { action: 'set-quantity'; quantity: number; reason?: string };

/** A decision on several lines at once, each named with the version the buyer saw. */
export type BulkChange = { action: 'approve' } | { action: 'reject'; reasonCode: string; note?: string } | { action: 'undo' };

/** Why a line of a bulk decision was left as it was. */
export type SkipReason = 'not-found' | 'stale' | 'not-allowed' | 'no-supplier' | 'nothing-to-order';

export interface BulkDecisionResult {
  applied: Array<{ id: number; status: RecommendationStatus; version: number }>;
  skipped: Array<{ id: number; reason: SkipReason; status: RecommendationStatus | null }>;
}

/** The most lines one export holds (a run of 100,000 SKUs at one location); past it, narrow the filters. */
export const EXPORT_MAX_LINES = 100_000;
const EXPORT_PAGE = 2_000;

/** A quantity more than this many times the suggestion needs a reason, as one below the supplier's MOQ does. */
export const QUANTITY_REASON_ABOVE_SUGGESTION = 3;

export interface RecommendationPage {
  runId: number | null;
  /**
   * The JSON text of the page's Recommendation[] as PostgreSQL wrote it (what JSON.stringify of the objects gives):
   * the API sends it as it is, without parsing rows into objects and stringifying them again.
   */
  dataJson: string;
  /** Sort key of the last row when the page is full (there may be more); null at the end. */
  lastKey: Array<string | number> | null;
}

/**
 * The stock the planner projected for a line over its protection interval (and until its order lands, if later):
 * without the order and with it arriving on its date, against the levels the order is meant to keep.
 */
export interface StockProjection {
  startDate: string;
  points: Array<{ date: string; withoutOrder: number; withOrder: number }>;
  orderArrivalDate: string | null;
  orderQuantity: number;
  reorderPoint: number | null;
  safetyStock: number | null;
  orderUpTo: number | null;
  protectionEndDate: string;
}

export type RecommendationView = RecommendationDetail & {
  events: RecommendationEvent[];
  projection: StockProjection | null;
  protectionDemand: ProtectionDemandInterval | null;
};

export interface DecisionResult {
  recommendation: RecommendationView;
  warnings: string[];
}

export interface RecommendationService {
  list(query: RecommendationFilters & { sort: RecommendationSort; after?: Array<string | number>; limit: number }): Promise<RecommendationPage>;
  /** Every line of the list (its filters and sort; no paging), up to EXPORT_MAX_LINES: a spreadsheet's worth. */
  exportList(query: RecommendationFilters & { sort: RecommendationSort }): Promise<{ runId: number | null; data: Recommendation[] }>;
  get(id: number): Promise<RecommendationView>;
  /** Applies one buyer decision if the recommendation is still at `expectedVersion` (from If-Match); else 412. */
  decide(id: number, input: { expectedVersion: number; actor: string; change: RecommendationChange }): Promise<DecisionResult>;
  /**
   * One decision on several lines in one transaction: each line is changed only if still at the version given and its
   * status allows it; the others are reported with the reason they were left.
   */
  decideMany(input: { change: BulkChange; lines: Array<{ id: number; version: number }>; actor: string }): Promise<BulkDecisionResult>;
  /** A note on a line, in its history; any status, no version needed. */
  addNote(id: number, input: { actor: string; text: string }): Promise<RecommendationEvent>;
  /** Approves every proposed line of one supplier × location draft order of a run, in one transaction. */
  approveDraftOrder(input: { supplierId: number; locationId: number; runId?: number; actor: string }): Promise<{
    runId: number;
    approvedIds: number[];
  }>;
}

/** Which decisions each status allows; exported lines belong to the ERP now. Undo takes a decided line back to proposed. */
const allowedFrom: Record<RecommendationChange['action'], RecommendationStatus[]> = {
  approve: ['proposed', 'rejected'],
  reject: ['proposed', 'approved'],
  undo: ['approved', 'rejected'],
  'set-quantity': ['proposed', 'approved'],
};

const statusAfter: Record<BulkChange['action'], RecommendationStatus> = { approve: 'approved', reject: 'rejected', undo: 'proposed' };

/** Why `change` cannot be made to a line in this state, or null when it can. */
function skipReason(change: BulkChange, line: DecisionState): SkipReason | null {
  if (!allowedFrom[change.action].includes(line.status)) return 'not-allowed';
  if (change.action === 'approve' && line.supplierId === null) return 'no-supplier';
  if (change.action === 'approve' && !(line.quantity > 0)) return 'nothing-to-order';
  return null;
}

const eventReason = (change: RecommendationChange): string | null =>
  change.action === 'reject' ? [change.reasonCode, change.note].filter(Boolean).join(': ') : change.action === 'set-quantity' ? (change.reason ?? null) : null;

const snapshot = (r: { status: string; quantity: number; reasonCode: string | null; version: number }) => ({
  status: r.status,
  quantity: r.quantity,
  reasonCode: r.reasonCode,
  version: r.version,
});

const numberIn = (explanation: Record<string, unknown>, name: string) => {
  const value = explanation[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

/**
 * The planner's projection of a line (models/policy/projected-stock, the line projectStockout reads the stock-out
 * from), from its explanation and the run's forecast: null when the explanation lacks the stock or the dates.
 */
function projectionOf(recommendation: RecommendationDetail, forecastMean: number[]): StockProjection | null {
  const { explanation } = recommendation;
  const planDate = typeof explanation.planDate === 'string' ? explanation.planDate : null;
  const available = numberIn(explanation, 'availableOnHand');
  const periodDays = numberIn(explanation, 'periodDays');
  const protectionPeriods = numberIn(explanation, 'protectionPeriods');
  if (!planDate || available === null || !periodDays || protectionPeriods === null || forecastMean.length === 0) return null;
  const receipts = (Array.isArray(explanation.scheduledReceipts) ? explanation.scheduledReceipts : []) as ScheduledReceipt[];
  const demand = forecastMean.map((mean) => Math.max(0, mean));
  const arrival = recommendation.expectedArrivalDate;
  const protectionDays = Math.ceil(protectionPeriods * periodDays);
  const horizonDays = Math.max(protectionDays, arrival ? daysBetween(planDate, arrival) + periodDays : 0);
  const orderDay = arrival ? Math.max(0, daysBetween(planDate, arrival)) : null;
  const withOrder = projectedStock(available, demand, planDate, periodDays, arrival ? [...receipts, { date: arrival, quantity: recommendation.quantity }] : receipts, horizonDays);
  // The line without the order is the same less the order from its day on (after the step on that day: the second point).
  let pointsOnOrderDay = 0;
  const points = withOrder.map((point) => {
    const onOrderDay = point.day === orderDay && ++pointsOnOrderDay;
    const landed = orderDay !== null && (point.day > orderDay || (onOrderDay !== false && (orderDay === 0 || onOrderDay === 2)));
    return { date: addDays(planDate, point.day), withoutOrder: point.stock - (landed ? recommendation.quantity : 0), withOrder: point.stock };
  });
  return {
    startDate: planDate,
    points,
    orderArrivalDate: arrival,
    orderQuantity: recommendation.quantity,
    reorderPoint: numberIn(explanation, 'reorderPoint'),
    safetyStock: numberIn(explanation, 'safetyStock'),
    orderUpTo: numberIn(explanation, 'orderUpTo'),
    protectionEndDate: addDays(planDate, protectionDays),
  };
}

/**
 * The planner's interval of demand over the protection interval, from the record its safety stock was the quantile of
 * (the explanation's protectionDemand, models/policy/protection-demand): null for lines planned before it was kept.
 */
function protectionDemandOf(explanation: Record<string, unknown>): ProtectionDemandInterval | null {
  const record = explanation.protectionDemand as ProtectionDemandRecord | undefined;
  const level = numberIn(explanation, 'serviceLevel');
  if (!record || !['forecast-errors', 'normal', 'samples'].includes(record.kind) || level === null) return null;
  return protectionDemandInterval(record, { measure: String(explanation.serviceMeasure), level });
}

export function createRecommendationService(db: Knex, options: { onEventsWritten?: () => void; now?: () => Date } = {}): RecommendationService {
  const now = options.now ?? (() => new Date());
  const eventsWritten = (count: number) => {
    if (count > 0) options.onEventsWritten?.();
  };
  /** The run asked for (404 when there is no such run), else the latest succeeded one, if any. */
  async function runIdOrLatest(runId?: number): Promise<number | undefined> {
    if (runId === undefined) return latestSucceededRunId(db, PIPELINE_RUN_KIND);
    if (!(await findRun(db, runId))) throw new NotFoundError(`run ${runId}`);
    return runId;
  }

  async function detail(id: number): Promise<RecommendationView> {
    const [recommendation, events] = await Promise.all([findRecommendation(db, id), listRecommendationEvents(db, id)]);
    if (!recommendation) throw new NotFoundError(`recommendation ${id}`);
    const means = await forecastMeans(db, recommendation.runId, recommendation.itemId, recommendation.locationId);
    return { ...recommendation, events, projection: projectionOf(recommendation, means), protectionDemand: protectionDemandOf(recommendation.explanation) };
  }

  return {
    async list(query) {
      const page = await listRecommendationsJson(db, {
        filters: query,
        runKind: PIPELINE_RUN_KIND,
        sort: query.sort,
        after: query.after,
        limit: query.limit,
      });
      // The page names its run; an empty one (nothing matches, or no run yet) needs the look-up on its own.
      const runId = page.firstRunId ?? (await runIdOrLatest(query.runId)) ?? null;
      return { runId, dataJson: page.data, lastKey: page.count === query.limit ? page.lastKey : null };
    },

    async exportList(query) {
      const data: Recommendation[] = [];
      let after: Array<string | number> | undefined;
      // Keyset pages, as a buyer paging through would read them: the same rows in the same order, in bounded statements.
      while (data.length < EXPORT_MAX_LINES) {
        const limit = Math.min(EXPORT_PAGE, EXPORT_MAX_LINES - data.length);
        const page = await listRecommendations(db, { filters: query, runKind: PIPELINE_RUN_KIND, sort: query.sort, after, limit });
        data.push(...page.recommendations);
        if (page.recommendations.length < EXPORT_PAGE || !page.lastKey) break;
        after = page.lastKey;
      }
      const runId = query.status === 'decided' && query.runId === undefined ? null : (data[0]?.runId ?? (await runIdOrLatest(query.runId)) ?? null);
      return { runId, data };
    },

    get: detail,

    async decide(id, { expectedVersion, actor, change }) {
      let approvals = 0;
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
        } else if (change.action === 'undo') {
          status = 'proposed';
          reasonCode = null;
        } else {
          // Up to the order multiple only: the buyer chose the quantity, so a quantity below the MOQ stays, with a warning.
          quantity = roundOrderQuantity(change.quantity, { orderMultiple: current.orderMultiple ?? 0 }).orderQuantity;
          const belowMoq = current.moq !== null && quantity < current.moq;
          const farAbove = quantity > QUANTITY_REASON_ABOVE_SUGGESTION * current.suggestedQuantity;
          if ((belowMoq || farAbove) && !change.reason?.trim()) {
            throw new UnprocessableError(
              belowMoq
                ? `quantity ${quantity} is below the supplier's minimum order quantity ${current.moq}: give a reason`
                : `quantity ${quantity} is more than ${QUANTITY_REASON_ABOVE_SUGGESTION} times the suggested ${current.suggestedQuantity}: give a reason`,
              { rule: belowMoq ? 'below-moq' : 'above-suggestion', quantity, moq: current.moq, suggestedQuantity: current.suggestedQuantity },
            );
          }
          if (quantity !== change.quantity) warnings.push(`quantity rounded up from ${change.quantity} to ${quantity}, a multiple of ${current.orderMultiple}`);
          if (belowMoq) warnings.push(`quantity ${quantity} is below the supplier's minimum order quantity ${current.moq}`);
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
            reason: eventReason(change),
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
        if (status === 'approved' && current.status !== 'approved') approvals = await writeApprovalEvents(trx, [id], now());
        return warnings;
      });
      eventsWritten(approvals);
      return { recommendation: await detail(id), warnings };
    },

    async decideMany({ change, lines, actor }) {
      const requested = new Map(lines.map((line) => [line.id, line.version]));
      const ids = [...requested.keys()];
      let approvals = 0;
      const result = await db.transaction(async (trx) => {
        // Each order's lock (in one order, so two bulk decisions never deadlock), then the lines as they now are.
        const pairs = new Set((await findDecisionStates(trx, ids)).map((line) => `${line.supplierId ?? 0}:${line.locationId}`));
        for (const pair of [...pairs].sort()) {
          const [supplierId, locationId] = pair.split(':').map(Number);
          await lockSupplierLocation(trx, supplierId || null, locationId);
        }
        const current = new Map((await findDecisionStates(trx, ids)).map((line) => [line.recommendationId, line]));
        const skipped: BulkDecisionResult['skipped'] = [];
        const changing: DecisionState[] = [];
        for (const id of ids) {
          const line = current.get(id);
          const reason = !line ? 'not-found' : line.version !== requested.get(id) ? 'stale' : skipReason(change, line);
          if (reason) skipped.push({ id, reason, status: line?.status ?? null });
          else changing.push(line!);
        }
        const status = statusAfter[change.action];
        const reasonCode = change.action === 'reject' ? change.reasonCode : null;
        const written = await updateDecisions(trx, changing.map((line) => ({ id: line.recommendationId, version: line.version })), { status, reasonCode, decidedBy: actor });
        const versions = new Map(written.map((row) => [row.id, row.version]));
        const applied = changing.filter((line) => versions.has(line.recommendationId));
        await insertRecommendationEvents(
          trx,
          applied.map((line) => ({
            recommendationId: line.recommendationId,
            actor,
            action: change.action,
            before: snapshot(line),
            after: { status, quantity: line.quantity, reasonCode, version: versions.get(line.recommendationId) },
            reason: eventReason(change),
          })),
        );
        await stampPurchaseOrderChanges(trx, await syncPurchaseOrderLines(trx, applied.map((line) => ({ ...line, status }))));
        if (status === 'approved') approvals = await writeApprovalEvents(trx, applied.map((line) => line.recommendationId), now());
        return {
          applied: applied.map((line) => ({ id: line.recommendationId, status, version: versions.get(line.recommendationId)! })),
          skipped,
        };
      });
      eventsWritten(approvals);
      return result;
    },

    async addNote(id, { actor, text }) {
      if ((await findDecisionStates(db, [id])).length === 0) throw new NotFoundError(`recommendation ${id}`);
      return insertRecommendationNote(db, id, actor, text);
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
        await writeApprovalEvents(trx, rows.map((row) => row.recommendationId), now());
        return rows;
      });
      eventsWritten(approved.length);
      return { runId, approvedIds: approved.map((row) => row.recommendationId) };
    },
  };
}
