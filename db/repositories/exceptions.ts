import type { Db } from '../connection';

/** As the check constraint of demand_exceptions.kind (migration 070). */
export const exceptionKinds = ['spike', 'drop', 'bias', 'outlier-cleaned', 'new', 'dying', 'forecast-jump', 'order-value-jump'] as const;
export type ExceptionKind = (typeof exceptionKinds)[number];

/** What a producer found about one item × location. */
export interface FoundException {
  itemId: number;
  locationId: number;
  kind: ExceptionKind;
  /** Tells apart two exceptions of one kind on one pair (the week of a cleaned outlier); '' otherwise. */
  subject?: string;
  /** The numbers behind it. */
  details: Record<string, unknown>;
  /** What replen did about it, in words. */
  action: string;
}

export interface DemandException {
  id: number;
  itemId: number;
  sku: string;
  locationId: number;
  locationCode: string;
  kind: ExceptionKind;
  subject: string;
  runId: number | null;
  /** The as-of date of the run that last found it: the data's day (a simulated one in the demo), null without the run. */
  asOfDate: string | null;
  details: Record<string, unknown>;
  action: string;
  detectedAt: string;
  lastSeenAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

/** An exception a call of recordExceptions opened (not one it refreshed). */
export interface OpenedException extends Required<FoundException> {
  id: number;
}

/**
 * Records what a producer found on a set of items, in two statements: the found exceptions are opened or, while one
 * of the same item × location × kind × subject is unresolved, refreshed (details, action, run, last seen); the
 * unresolved exceptions of the producer's `kinds` on those items that this run did not find are resolved. A retried
 * chunk does the same again. Returns the exceptions opened by this call.
 */
export async function recordExceptions(
  db: Db,
  scope: { runId: number; kinds: readonly ExceptionKind[]; itemIds: number[] },
  found: FoundException[],
): Promise<OpenedException[]> {
  let opened: OpenedException[] = [];
  if (found.length > 0) {
    const { rows } = await db.raw(
      `insert into demand_exceptions (item_id, location_id, kind, subject, run_id, details, action)
       select f.item_id, f.location_id, f.kind, f.subject, ?, f.details, f.action
         from jsonb_to_recordset(?::jsonb) as f(item_id int, location_id int, kind text, subject text, details jsonb, action text)
       on conflict (item_id, location_id, kind, subject) where resolved_at is null
       do update set details = excluded.details, action = excluded.action, run_id = excluded.run_id, last_seen_at = now(),
                     version = demand_exceptions.version + 1
       -- xmax is 0 only on a row this statement inserted (an updated row carries the updating transaction's id).
       returning id, item_id, location_id, kind, subject, details, action, (xmax = 0) as inserted`,
      [
        scope.runId,
        JSON.stringify(
          found.map((row) => ({
            item_id: row.itemId,
            location_id: row.locationId,
            kind: row.kind,
            subject: row.subject ?? '',
            details: row.details,
            action: row.action,
          })),
        ),
      ],
    );
    opened = (rows as Array<Record<string, unknown>>)
      .filter((row) => row.inserted)
      .map((row) => ({
        id: Number(row.id),
        itemId: Number(row.item_id),
        locationId: Number(row.location_id),
        kind: row.kind as ExceptionKind,
        subject: row.subject as string,
        details: row.details as Record<string, unknown>,
        action: row.action as string,
      }));
  }
  await db.raw(
    `update demand_exceptions set resolved_at = now()
      where resolved_at is null and kind = any(?::text[]) and item_id = any(?::int[]) and run_id is distinct from ?`,
    [[...scope.kinds], scope.itemIds, scope.runId],
  );
  return opened;
}

const selectColumns = `e.id, e.item_id, i.sku, e.location_id, l.code as location_code, e.kind, e.subject, e.run_id,
  (select fr.as_of_date from forecast_runs fr where fr.id = e.run_id) as as_of_date, e.details, e.action,
  e.detected_at, e.last_seen_at, e.acknowledged_at, e.acknowledged_by`;

function toException(row: Record<string, unknown>): DemandException {
  const instant = (value: unknown) => (value === null ? null : new Date(value as string).toISOString());
  return {
    id: Number(row.id),
    itemId: Number(row.item_id),
    sku: row.sku as string,
    locationId: Number(row.location_id),
    locationCode: row.location_code as string,
    kind: row.kind as ExceptionKind,
    subject: row.subject as string,
    runId: row.run_id === null ? null : Number(row.run_id),
    asOfDate: (row.as_of_date as string | null) ?? null,
    details: row.details as Record<string, unknown>,
    action: row.action as string,
    detectedAt: instant(row.detected_at)!,
    lastSeenAt: instant(row.last_seen_at)!,
    acknowledgedAt: instant(row.acknowledged_at),
    acknowledgedBy: (row.acknowledged_by as string | null) ?? null,
  };
}

/**
 * Unresolved exceptions, newest first (by id, which grows with detection; the keyset `afterId`): open ones unless
 * `acknowledged` is true, which lists the acknowledged ones instead.
 */
export async function listExceptions(
  db: Db,
  filter: { kind?: ExceptionKind; locationId?: number; sku?: string; acknowledged?: boolean; limit: number; afterId?: number },
): Promise<DemandException[]> {
  const conditions = ['e.resolved_at is null', filter.acknowledged ? 'e.acknowledged_at is not null' : 'e.acknowledged_at is null'];
  const bindings: Array<string | number> = [];
  if (filter.kind) {
    conditions.push('e.kind = ?');
    bindings.push(filter.kind);
  }
  if (filter.locationId) {
    conditions.push('e.location_id = ?');
    bindings.push(filter.locationId);
  }
  if (filter.sku) {
    conditions.push('i.sku = ?');
    bindings.push(filter.sku);
  }
  if (filter.afterId) {
    conditions.push('e.id < ?');
    bindings.push(filter.afterId);
  }
  const { rows } = await db.raw(
    `select ${selectColumns}
       from demand_exceptions e join items i on i.id = e.item_id join locations l on l.id = e.location_id
      where ${conditions.join(' and ')}
      order by e.id desc
      limit ?`,
    [...bindings, filter.limit],
  );
  return rows.map(toException);
}

/** Marks an unresolved exception acknowledged by `by` (once: acknowledging again keeps the first); null when there is none. */
export async function acknowledgeException(db: Db, id: number, by: string): Promise<DemandException | null> {
  const { rows } = await db.raw(
    `with updated as (
       update demand_exceptions set acknowledged_at = coalesce(acknowledged_at, now()), acknowledged_by = coalesce(acknowledged_by, ?),
              version = version + case when acknowledged_at is null then 1 else 0 end
        where id = ? and resolved_at is null
        returning *)
     select ${selectColumns} from updated e join items i on i.id = e.item_id join locations l on l.id = e.location_id`,
    [by, id],
  );
  return rows.length === 0 ? null : toException(rows[0]);
}

/** Open (unresolved, unacknowledged) exceptions per kind, every kind present (0 when none): the metric's values. */
export async function countOpenExceptionsByKind(db: Db): Promise<Record<ExceptionKind, number>> {
  const { rows } = await db.raw(
    `select kind, count(*)::int as open from demand_exceptions where resolved_at is null and acknowledged_at is null group by kind`,
  );
  const counts = Object.fromEntries(exceptionKinds.map((kind) => [kind, 0])) as Record<ExceptionKind, number>;
  for (const row of rows as Array<{ kind: ExceptionKind; open: number }>) counts[row.kind] = Number(row.open);
  return counts;
}
