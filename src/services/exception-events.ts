import type { Knex } from 'knex';
import { planErrorsBefore, writeOutboxEvents, type OutboxEvent } from '../../db/repositories/webhooks';
import type { PlanError, PlanErrorStage } from '../../db/repositories/plan-errors';
import { recordExceptions, type ExceptionKind, type FoundException } from '../../db/repositories/exceptions';

/**
 * exception.opened for each SKU × location a run could not forecast or plan (`stage`: the stage whose error it is)
 * that the run before it could: one event per pair and run, whose id is made of both, so a retried chunk writes none
 * twice (a pair whose forecast failed is left out of the plan, so the two stages never name the same pair in a run).
 */
export async function writeExceptionEvents(trx: Knex.Transaction, runId: number, itemIds: number[], errors: PlanError[], now: Date, stage: PlanErrorStage = 'plan'): Promise<number> {
  if (errors.length === 0) return 0;
  const before = await planErrorsBefore(trx, runId, itemIds);
  const opened = errors.filter((error) => !before.has(`${error.itemId}:${error.locationId}`));
  const events: OutboxEvent[] = opened.map((error) => ({
    id: `evt_exception_${runId}_${error.itemId}_${error.locationId}`,
    type: 'exception.opened',
    orderingKey: null,
    data: { kind: 'plan-error', stage, runId, itemId: error.itemId, locationId: error.locationId, reason: error.reason },
  }));
  await writeOutboxEvents(trx, events, now);
  return events.length;
}

/**
 * Records what a producer found (see recordExceptions) and, in the same transaction, an exception.opened event for
 * each exception it opened, whose id is the exception's: a refreshed exception, or a retried chunk, sends none again.
 */
export async function recordExceptionsWithEvents(
  trx: Knex.Transaction,
  scope: { runId: number; kinds: readonly ExceptionKind[]; itemIds: number[] },
  found: FoundException[],
  now: Date,
): Promise<number> {
  const opened = await recordExceptions(trx, scope, found);
  await writeOutboxEvents(
    trx,
    opened.map((exception) => ({
      id: `evt_exception_demand_${exception.id}`,
      type: 'exception.opened',
      orderingKey: null,
      data: { kind: exception.kind, exceptionId: exception.id, runId: scope.runId, itemId: exception.itemId, locationId: exception.locationId, subject: exception.subject, details: exception.details, action: exception.action },
    })),
    now,
  );
  return opened.length;
}
