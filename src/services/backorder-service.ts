import type { Knex } from 'knex';
import {
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
}

export interface BackorderService {
  /** Backordered lines of a run (default: the latest succeeded) with their ETA, earliest first, lines without one last. */
  list(query: Omit<BackorderFilters, 'runId'> & { runId?: number; after?: [string, number]; limit: number }): Promise<BackorderPage>;
  /** One line's allocation: which stock, purchase orders and approved recommendations its ETA rests on. */
  get(salesOrderLineId: number, options: { runId?: number }): Promise<BackorderAllocationDetail & { uncoveredMessage: string | null }>;
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
      };
    },

    async get(salesOrderLineId, options) {
      const runId = await runIdOrLatest(options.runId);
      const allocation = runId === undefined ? undefined : await findBackorderAllocation(db, runId, salesOrderLineId);
      if (!allocation) throw new NotFoundError(`backordered sales-order line ${salesOrderLineId}${runId === undefined ? '' : ` in run ${runId}`}`);
      return withMessage(allocation);
    },
  };
}
