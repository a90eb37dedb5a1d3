import type { Knex } from 'knex';
import { etaAccuracy, promiseHistory, type AccuracyRow, type PromiseHistoryEntry } from '../../db/repositories/backorder-promises';
import {
  customerBackorderTotals,
  type CustomerBackorderTotals,
  findBackorderAllocation,
  listBackorderAllocations,
  type BackorderAllocation,
  type BackorderAllocationDetail,
  type BackorderFilters,
} from '../../db/repositories/backorders';
import { findRun, latestSucceededRunId } from '../../db/repositories/runs';
import { uncoveredMessages } from '../../models/policy/backorder-allocation';
import { NotFoundError } from '../errors';
import { PIPELINE_RUN_KIND } from './pipeline-service';

export interface BackorderPage {
  runId: number | null;
  data: Array<BackorderAllocation & { uncoveredMessage: string | null }>;
  /** Sort key of the last row when the page is full (there may be more); null at the end. */
  lastKey: [string, number] | null;
  /** With a customer filter: that customer's totals over all its lines in the run (not only this page). */
  customerTotals?: CustomerBackorderTotals;
}

/** ETA accuracy of the lines that shipped: all suppliers, then per supplier. */
export interface EtaAccuracy {
  overall: AccuracyRow;
  suppliers: AccuracyRow[];
}

export interface BackorderService {
  /** Backordered lines of a run (default: the latest succeeded) with their ETA, earliest first, lines without one last. */
  list(query: Omit<BackorderFilters, 'runId'> & { runId?: number; after?: [string, number]; limit: number }): Promise<BackorderPage>;
  /** One line's allocation: which stock, purchase orders and approved recommendations its ETA rests on. */
  get(salesOrderLineId: number, options: { runId?: number }): Promise<BackorderAllocationDetail & { uncoveredMessage: string | null; history: PromiseHistoryEntry[] }>;
  /**
   * For every backordered line that shipped (in the date range), the ship date against the first ETA given and the
   * last before shipping, by eta and etaLateCase: share on time (lines and units) and mean days late. The replay
   * calls this for its figure; GET /backorders/accuracy and the metric show it.
   */
  accuracy(range: { from?: string; to?: string }): Promise<EtaAccuracy>;
}

const withMessage = <T extends BackorderAllocation>(allocation: T) => ({
  ...allocation,
  uncoveredMessage: allocation.uncoveredReason ? uncoveredMessages[allocation.uncoveredReason] : null,
});

export function createBackorderService(db: Knex): BackorderService {
  const runIdOrLatest = async (runId?: number) => runId ?? (await latestSucceededRunId(db, PIPELINE_RUN_KIND));

  return {
    async list({ runId: requestedRunId, after, limit, ...filters }) {
      const runId = await runIdOrLatest(requestedRunId);
      if (runId === undefined) return { runId: null, data: [], lastKey: null };
      const rows = await listBackorderAllocations(db, { filters: { ...filters, runId }, after, limit });
      // An empty page of a run asked for by id: there may be no such run.
      if (rows.length === 0 && requestedRunId !== undefined && !(await findRun(db, requestedRunId))) throw new NotFoundError(`run ${requestedRunId}`);
      return {
        runId,
        data: rows.map((row) => withMessage(row.allocation)),
        lastKey: rows.length === limit ? rows[rows.length - 1].sortKey : null,
        ...(filters.customerRef !== undefined && { customerTotals: await customerBackorderTotals(db, runId, filters.customerRef) }),
      };
    },

    async get(salesOrderLineId, options) {
      const runId = await runIdOrLatest(options.runId);
      const allocation = runId === undefined ? undefined : await findBackorderAllocation(db, runId, salesOrderLineId);
      if (!allocation) throw new NotFoundError(`backordered sales-order line ${salesOrderLineId}${runId === undefined ? '' : ` in run ${runId}`}`);
      return { ...withMessage(allocation), history: await promiseHistory(db, salesOrderLineId) };
    },

    async accuracy(range) {
      const rows = await etaAccuracy(db, range);
      const strip = ({ all: _all, ...row }: AccuracyRow & { all: boolean }): AccuracyRow => row;
      return { overall: strip(rows.find((row) => row.all)!), suppliers: rows.filter((row) => !row.all).map(strip) };
    },
  };
}
