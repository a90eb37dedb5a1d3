import type { Knex } from 'knex';
import { draftOrderLines, pullForwardCandidates, type DraftOrderFilter, type DraftOrderLine } from '../../db/repositories/draft-orders';
import type { PullForwardEntry } from '../../db/repositories/planning';
import { latestSucceededRunId } from '../../db/repositories/runs';
import { NotFoundError } from '../errors';
import { PIPELINE_RUN_KIND } from './pipeline-service';
import { buildDraftPurchaseOrders } from './planning/draft-orders';

/** One supplier × location draft purchase order of a run, as its lines stand now (buyers' edits and approvals included). */
export interface DraftOrderSummary {
  supplierId: number;
  supplierName: string;
  currency: string;
  locationId: number;
  locationCode: string;
  lineCount: number;
  proposedCount: number;
  approvedCount: number;
  /** Σ quantity × unit cost of the lines, in the supplier's currency. */
  orderValue: number;
  minimumOrderValue: number | null;
  shortfall: number;
  /** Items not due yet that the plan stage offered to fill the order, ranked again against the order as it stands. */
  pullForward: PullForwardEntry[];
}

export interface DraftOrder extends DraftOrderSummary {
  lines: Array<Omit<DraftOrderLine, 'supplierId' | 'supplierName' | 'locationId' | 'locationCode' | 'currency' | 'minimumOrderValue'> & { lineValue: number }>;
}

export interface DraftOrderService {
  list(options: { runId?: number; supplierId?: number; locationId?: number }): Promise<{ runId: number | null; data: DraftOrderSummary[] }>;
  get(supplierId: number, locationId: number, options: { runId?: number }): Promise<{ runId: number } & DraftOrder>;
}

/**
 * Draft purchase orders as they stand: the run's lines grouped and checked against the supplier's minimum order value
 * by the plan stage's own buildDraftPurchaseOrders, with the pull-forward candidates the plan stage kept, so a
 * buyer's edit moves the value and shortfall at once and the figures are the planner's.
 */
export function createDraftOrderService(db: Knex): DraftOrderService {
  async function orders(runId: number, filter: DraftOrderFilter): Promise<DraftOrder[]> {
    const [lines, { candidates, skus }] = await Promise.all([draftOrderLines(db, runId, filter), pullForwardCandidates(db, runId, filter)]);
    const byOrder = new Map<string, DraftOrderLine[]>();
    for (const line of lines) {
      const key = `${line.supplierId}/${line.locationId}`;
      const group = byOrder.get(key);
      if (group) group.push(line);
      else byOrder.set(key, [line]);
    }
    return buildDraftPurchaseOrders(lines, candidates, skus).map((order) => {
      const own = byOrder.get(`${order.supplierId}/${order.locationId}`)!;
      return {
        supplierId: order.supplierId,
        supplierName: own[0].supplierName,
        currency: order.currency,
        locationId: order.locationId,
        locationCode: own[0].locationCode,
        lineCount: own.length,
        proposedCount: own.filter((line) => line.status === 'proposed').length,
        approvedCount: own.filter((line) => line.status === 'approved').length,
        orderValue: order.orderValue,
        minimumOrderValue: order.minimumOrderValue,
        shortfall: order.shortfall,
        pullForward: order.pullForward,
        lines: own.map(({ supplierId: _s, supplierName: _n, locationId: _l, locationCode: _c, currency: _m, minimumOrderValue: _v, ...line }) => ({
          ...line,
          lineValue: line.quantity * line.unitCost,
        })),
      };
    });
  }

  async function runIdOrLatest(runId?: number): Promise<number | undefined> {
    return runId ?? (await latestSucceededRunId(db, PIPELINE_RUN_KIND));
  }

  return {
    async list({ runId: requested, ...filter }) {
      const runId = await runIdOrLatest(requested);
      if (runId === undefined) return { runId: null, data: [] };
      return { runId, data: (await orders(runId, filter)).map(({ lines: _, ...summary }) => summary) };
    },

    async get(supplierId, locationId, { runId: requested }) {
      const runId = await runIdOrLatest(requested);
      if (runId === undefined) throw new NotFoundError('succeeded pipeline run');
      const [order] = await orders(runId, { supplierId, locationId });
      if (!order) throw new NotFoundError(`draft order of supplier ${supplierId} at location ${locationId} in run ${runId}`);
      return { runId, ...order };
    },
  };
}
