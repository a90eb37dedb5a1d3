import type { Knex } from 'knex';
import { addDays } from '../../db/dates';
import { daysBetween } from '../../models/policy/dates';
import {
  backorderedLines,
  backorderSupply,
  replaceBackorderAllocations,
  type AllocationPieceRow,
  type BackorderAllocationRow,
  type OpenPurchaseLineRow,
} from '../../db/repositories/backorders';
import {
  allocateBackorders,
  latenessFromLeadTime,
  latenessShiftFromOrdersOut,
  purchaseOrderArrival,
  recommendationArrival,
  type ArrivalEstimate,
  type Delay,
  type IncomingSupply,
} from '../../models/policy/backorder-allocation';
import { DEFAULT_CREDIBILITY, type LeadTimeStats } from '../../models/policy/lead-time';
import { promiseChanges, type LinePromise, type PromiseChange } from '../../models/policy/promise-changes';
import { cancelledLines, lineReferences, openPromises, savePromiseChanges, type LineReference } from '../../db/repositories/backorder-promises';
import { writeOutboxEvents, type OutboxEvent } from '../../db/repositories/webhooks';
import { outboxEvent, salesOrderLineKey } from './webhook-service';
import type { Logger } from '../logger';
import type { RunStage } from './pipeline-service';
import { learnRunLeadTimes, leadTimeKey } from './planning/lead-times';

export interface BackorderStageDeps {
  db: Knex;
  /** Receipts from this many days before the as-of date teach lead times (as in planning). Default 730. */
  leadTimeHistoryDays?: number;
  /** The late-case ETA is the arrival this share of deliveries beats, if lead times are normal. Default 0.9. */
  lateCaseQuantile?: number;
  logger?: Logger;
  /** Called once the run's promise changes (and their webhook events) committed: starts their delivery. */
  onEventsWritten?: () => void;
  now?: () => Date;
}

/** Where an incoming unit came from, for the allocation's pieces. */
interface SupplyOrigin {
  reference: string | null;
  supplierId: number | null;
  promisedDate: string | null;
  latenessDays: number | null;
  estimate: ArrivalEstimate;
}

/**
 * The backorder stage of a run, after planning: allocates stock and incoming supply to every backordered sales-order
 * line (models/policy/backorder-allocation.ts) and writes one backorder_allocations row per line for the run, replacing
 * the run's earlier rows. Stock ships from the day after the as-of date; purchase orders arrive on their promise moved
 * by the supplier's learned lateness; approved recommendations not yet exported arrive a learned lead time after that
 * day. The run's own proposals are not supply: they only name what approving would cover.
 */
export function createBackorderStage(deps: BackorderStageDeps): RunStage {
  const { db } = deps;
  const lateCaseQuantile = deps.lateCaseQuantile ?? 0.9;

  return async (runId, asOfDate) => {
    const availableDate = addDays(asOfDate, 1);
    const lines = await backorderedLines(db);
    const supply = lines.length > 0 ? await backorderSupply(db, runId) : { stock: [], purchaseLines: [], approved: [], proposed: [] };
    const leadTimes = lines.length > 0 ? await learnRunLeadTimes(db, { since: addDays(asOfDate, -(deps.leadTimeHistoryDays ?? 730)), asOfDate, ordersOut: 'left-out' }) : new Map();
    const learned = (supplierId: number | null, itemId: number): LeadTimeStats | undefined =>
      supplierId === null ? undefined : leadTimes.get(leadTimeKey(supplierId, itemId));
    const shifts = ordersOutShifts(supply.purchaseLines, leadTimes, asOfDate);
    const shiftOf = (supplierId: number | null) => (supplierId === null ? 0 : (shifts.get(supplierId) ?? 0));
    /** The learned lateness and lead time, later by what the supplier's orders still out past their promise say. */
    const latenessOf = (supplierId: number | null, stats: LeadTimeStats): Delay => {
      const lateness = latenessFromLeadTime(stats);
      return { ...lateness, meanDays: lateness.meanDays + shiftOf(supplierId) };
    };
    const leadTimeOf = (supplierId: number | null, stats: LeadTimeStats): Delay => ({ meanDays: stats.plannedMeanDays + shiftOf(supplierId), stdDevDays: stats.plannedStdDevDays });

    const incoming: IncomingSupply[] = [];
    const origins = new Map<string, SupplyOrigin>();
    let undatedSupply = 0;

    for (const line of supply.purchaseLines) {
      const stats = learned(line.supplierId, line.itemId);
      const lateness: Delay = stats ? latenessOf(line.supplierId, stats) : { meanDays: 0, stdDevDays: 0 };
      const estimate = purchaseOrderArrival({
        promisedDate: line.promisedDate,
        expectedDate: line.expectedDate,
        orderDate: line.orderDate,
        lateness,
        leadTime: stats ? leadTimeOf(line.supplierId, stats) : null,
        earliestDate: availableDate,
        lateCaseQuantile,
      });
      if (!estimate) {
        undatedSupply += 1;
        continue;
      }
      incoming.push({ kind: 'purchase-order', sourceId: line.purchaseOrderLineId, itemId: line.itemId, locationId: line.locationId, quantity: line.quantity, ...dates(estimate) });
      origins.set(`purchase-order ${line.purchaseOrderLineId}`, {
        reference: referenceOf(line),
        supplierId: line.supplierId,
        promisedDate: line.promisedDate,
        latenessDays: stats ? lateness.meanDays : null,
        estimate,
      });
    }

    for (const recommendation of supply.approved) {
      const stats = learned(recommendation.supplierId, recommendation.itemId);
      if (!stats) {
        undatedSupply += 1;
        continue;
      }
      const estimate = recommendationArrival(availableDate, leadTimeOf(recommendation.supplierId, stats), lateCaseQuantile);
      incoming.push({ kind: 'approved-recommendation', sourceId: recommendation.recommendationId, itemId: recommendation.itemId, locationId: recommendation.locationId, quantity: recommendation.quantity, ...dates(estimate) });
      origins.set(`approved-recommendation ${recommendation.recommendationId}`, {
        reference: null,
        supplierId: recommendation.supplierId,
        promisedDate: null,
        latenessDays: null,
        estimate,
      });
    }

    const allocations = allocateBackorders({
      availableDate,
      lines,
      stock: supply.stock,
      incoming,
      pending: supply.proposed.map(({ itemId, locationId, quantity }) => ({ itemId, locationId, quantity })),
    });

    const salesOrderOf = new Map(lines.map((line) => [line.salesOrderLineId, line.salesOrderId]));
    const rows: BackorderAllocationRow[] = allocations.map((allocation) => ({
      ...allocation,
      salesOrderId: salesOrderOf.get(allocation.salesOrderLineId)!,
      pieces: allocation.pieces.map((piece): AllocationPieceRow => {
        const origin = piece.kind === 'on-hand' ? undefined : origins.get(`${piece.kind} ${piece.sourceId}`)!;
        return {
          kind: piece.kind,
          sourceId: piece.sourceId,
          reference: origin?.reference ?? null,
          supplierId: origin?.supplierId ?? null,
          quantity: piece.quantity,
          arrivalDate: piece.arrivalDate,
          lateCaseArrivalDate: piece.lateCaseArrivalDate,
          basis: origin?.estimate.basis ?? 'on-hand',
          promisedDate: origin?.promisedDate ?? null,
          latenessDays: origin?.latenessDays ?? null,
        };
      }),
    }));
    const promiseCounts = await db.transaction(async (trx) => {
      await replaceBackorderAllocations(trx, runId, rows);
      return recordPromises(trx, { runId, asOfDate, rows, openPurchaseLines: new Set(supply.purchaseLines.map((line) => line.purchaseOrderLineId)), now: deps.now?.() ?? new Date() });
    });
    if (promiseCounts.events > 0) deps.onEventsWritten?.();

    const counts = {
      backorderLines: rows.length,
      backorderLinesCovered: rows.filter((row) => row.status === 'covered').length,
      backorderLinesPartial: rows.filter((row) => row.status === 'partial').length,
      backorderLinesUncovered: rows.filter((row) => row.status === 'uncovered').length,
      backorderLinesAwaitingApproval: rows.filter((row) => row.uncoveredReason === 'awaiting-approval').length,
      backorderSupplyUndated: undatedSupply,
      backorderPromisesChanged: promiseCounts.changes,
      backorderEvents: promiseCounts.events,
    };
    if (undatedSupply > 0) deps.logger?.warn({ runId, undatedSupply }, 'incoming supply without any date or lead time left out of backorder allocation');
    return counts;
  };
}

/**
 * Per supplier, the days its open orders past their promise add to the lateness its receipts show
 * (latenessShiftFromOrdersOut): the supplier's receipts (all its items) count as their number + the credibility
 * constant, at the mean lateness and spread learned for the items of those orders.
 */
function ordersOutShifts(purchaseLines: OpenPurchaseLineRow[], leadTimes: Map<string, LeadTimeStats>, asOfDate: string): Map<number, number> {
  const bySupplier = new Map<number, Array<{ overdueDays: number; stats: LeadTimeStats }>>();
  for (const line of purchaseLines) {
    const stats = line.supplierId === null ? undefined : leadTimes.get(leadTimeKey(line.supplierId, line.itemId));
    if (line.supplierId === null || line.promisedDate === null || !stats) continue;
    const overdueDays = daysBetween(line.promisedDate, asOfDate);
    if (overdueDays < 0) continue;
    const orders = bySupplier.get(line.supplierId) ?? [];
    orders.push({ overdueDays, stats });
    bySupplier.set(line.supplierId, orders);
  }
  const receiptsOf = new Map<string, number>();
  if (bySupplier.size > 0) for (const stats of leadTimes.values()) receiptsOf.set(stats.supplierId, (receiptsOf.get(stats.supplierId) ?? 0) + stats.observed.receiptCount);
  const shifts = new Map<number, number>();
  for (const [supplierId, orders] of bySupplier) {
    const receipts = receiptsOf.get(String(supplierId)) ?? 0;
    const mean = orders.reduce((sum, { stats }) => sum + latenessFromLeadTime(stats).meanDays, 0) / orders.length;
    const sd = Math.sqrt(orders.reduce((sum, { stats }) => sum + stats.plannedStdDevDays ** 2, 0) / orders.length);
    shifts.set(supplierId, latenessShiftFromOrdersOut({ lateness: { meanDays: mean, stdDevDays: sd }, weight: receipts + DEFAULT_CREDIBILITY, overdueDays: orders.map((order) => order.overdueDays) }));
  }
  return shifts;
}

const dates = (estimate: ArrivalEstimate) => ({ arrivalDate: estimate.arrivalDate, lateCaseArrivalDate: estimate.lateCaseArrivalDate });
const referenceOf = (line: OpenPurchaseLineRow) => `${line.purchaseOrderReference} / ${line.lineReference}`;

const supplyKeys = (row: BackorderAllocationRow) => [...new Set(row.pieces.map((piece) => `${piece.kind}:${piece.sourceId ?? 0}`))];

/**
 * Compares the run's allocation with each line's promise so far (models/policy/promise-changes.ts), keeps the changes
 * with their causes, and writes the webhook events they call for to the outbox, all in the run's transaction.
 */
async function recordPromises(
  trx: Knex.Transaction,
  input: { runId: number; asOfDate: string; rows: BackorderAllocationRow[]; openPurchaseLines: Set<number>; now: Date },
): Promise<{ changes: number; events: number }> {
  const previous = await openPromises(trx);
  const current = new Map<number, LinePromise>(
    input.rows.map((row) => [row.salesOrderLineId, { status: row.status, eta: row.eta, etaLateCase: row.etaLateCase, supply: supplyKeys(row) }]),
  );
  const gone = [...previous.keys()].filter((id) => !current.has(id));
  const changes = promiseChanges(previous, current, { openPurchaseLines: input.openPurchaseLines, cancelledLines: await cancelledLines(trx, gone) });
  const quantities = new Map(input.rows.map((row) => [row.salesOrderLineId, row.quantityBackordered]));
  await savePromiseChanges(trx, { runId: input.runId, asOfDate: input.asOfDate, changes, quantities });
  const references = await lineReferences(trx, changes.map((change) => change.salesOrderLineId));
  const events = changes.flatMap((change) => promiseEvents(change, references.get(change.salesOrderLineId)!, input.runId));
  await writeOutboxEvents(trx, events, input.now);
  return { changes: changes.length, events: events.length };
}

/** The events a change calls for: covered, uncovered (no longer, or not yet, dated), or a dated line's dates moved. */
function promiseEvents(change: PromiseChange, line: LineReference, runId: number): OutboxEvent[] {
  const { previous, next } = change;
  if (next.status === 'shipped' || next.status === 'cancelled') return [];
  const data = {
    ...line,
    status: next.status,
    eta: next.eta,
    etaLateCase: next.etaLateCase,
    previousEta: previous?.eta ?? null,
    previousEtaLateCase: previous?.etaLateCase ?? null,
    cause: change.cause,
    runId,
  };
  const key = salesOrderLineKey(line.salesOrderLineId);
  const wasCovered = previous?.status === 'covered';
  if (next.status === 'covered' && !wasCovered) return [outboxEvent('backorder.covered', data, key)];
  if (next.status !== 'covered' && (wasCovered || previous === null)) return [outboxEvent('backorder.uncovered', data, key)];
  if (next.status === 'covered' && previous && (previous.eta !== next.eta || previous.etaLateCase !== next.etaLateCase)) return [outboxEvent('backorder.eta_changed', data, key)];
  return [];
}
