import type { Knex } from 'knex';
import { planErrorsBefore, writeOutboxEvents, type OutboxEvent } from '../../db/repositories/webhooks';
import type { PlanError } from '../../db/repositories/plan-errors';

/**
 * exception.opened for each SKU × location a run could not plan that the run before it could: one event per pair
 * and run, whose id is made of both, so a retried chunk writes none twice.
 */
export async function writeExceptionEvents(trx: Knex.Transaction, runId: number, itemIds: number[], errors: PlanError[], now: Date): Promise<number> {
  if (errors.length === 0) return 0;
  const before = await planErrorsBefore(trx, runId, itemIds);
  const opened = errors.filter((error) => !before.has(`${error.itemId}:${error.locationId}`));
  const events: OutboxEvent[] = opened.map((error) => ({
    id: `evt_exception_${runId}_${error.itemId}_${error.locationId}`,
    type: 'exception.opened',
    orderingKey: null,
    data: { kind: 'plan-error', runId, itemId: error.itemId, locationId: error.locationId, reason: error.reason },
  }));
  await writeOutboxEvents(trx, events, now);
  return events.length;
}
