import type { Knex } from 'knex';
import type { Db } from '../connection';

/** A registered endpoint as admins see it: never its secret, which is shown once, when it is created. */
export interface WebhookEndpoint {
  id: number;
  url: string;
  description: string;
  events: string[];
  enabled: boolean;
  /** Why replen disabled it (every delivery failing for days); null when enabled or disabled by an admin. */
  disabledReason: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const endpointColumns = `id, url, description, events, enabled, disabled_reason, disabled_at, created_at, updated_at`;

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

function toEndpoint(row: Record<string, unknown>): WebhookEndpoint {
  return {
    id: row.id as number,
    url: row.url as string,
    description: row.description as string,
    events: row.events as string[],
    enabled: row.enabled as boolean,
    disabledReason: (row.disabled_reason as string | null) ?? null,
    disabledAt: iso(row.disabled_at),
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
  };
}

export async function insertWebhookEndpoint(
  db: Db,
  input: { url: string; description: string; events: string[]; secret: string },
): Promise<WebhookEndpoint> {
  const { rows } = await db.raw(
    `insert into webhook_endpoints (url, description, events, secret) values (?, ?, ?::text[], ?) returning ${endpointColumns}`,
    [input.url, input.description, input.events, input.secret],
  );
  return toEndpoint(rows[0]);
}

export async function listWebhookEndpoints(db: Db): Promise<WebhookEndpoint[]> {
  const { rows } = await db.raw(`select ${endpointColumns} from webhook_endpoints order by id`);
  return rows.map(toEndpoint);
}

export async function findWebhookEndpoint(db: Db, id: number): Promise<WebhookEndpoint | undefined> {
  const { rows } = await db.raw(`select ${endpointColumns} from webhook_endpoints where id = ?`, [id]);
  return rows[0] ? toEndpoint(rows[0]) : undefined;
}

/** Changes the given fields; enabling clears the reason it was disabled for. */
export async function updateWebhookEndpoint(
  db: Db,
  id: number,
  patch: { url?: string; description?: string; events?: string[]; enabled?: boolean },
): Promise<WebhookEndpoint | undefined> {
  const { rows } = await db.raw(
    `update webhook_endpoints
        set url = coalesce(?, url), description = coalesce(?, description), events = coalesce(?::text[], events),
            enabled = coalesce(?, enabled),
            disabled_reason = case when ? then null else disabled_reason end,
            disabled_at = case when ? then null when ? then coalesce(disabled_at, now()) else disabled_at end,
            updated_at = now()
      where id = ?
      returning ${endpointColumns}`,
    [
      patch.url ?? null,
      patch.description ?? null,
      patch.events ?? null,
      patch.enabled ?? null,
      patch.enabled === true,
      patch.enabled === true,
      patch.enabled === false,
      id,
    ],
  );
  return rows[0] ? toEndpoint(rows[0]) : undefined;
}

export async function deleteWebhookEndpoint(db: Db, id: number): Promise<boolean> {
  const { rows } = await db.raw(`delete from webhook_endpoints where id = ? returning id`, [id]);
  return rows.length > 0;
}

/** An event bound for the outbox: its public id, type, the key its order is kept within, and its data. */
export interface OutboxEvent {
  id: string;
  type: string;
  /** Events of one key reach each endpoint in the order written ('sales-order-line:12'); null: no order. */
  orderingKey: string | null;
  data: unknown;
}

/**
 * Writes events to the outbox and one pending delivery per endpoint subscribed to each event's type, in two
 * statements. Call it with the transaction that makes the change the events tell of, so both commit or neither.
 * A disabled endpoint's deliveries wait until it is enabled again. `onlyEndpointId` sends to that endpoint alone,
 * whatever it subscribes to (the test event).
 */
export async function writeOutboxEvents(db: Db, events: OutboxEvent[], createdAt: Date, onlyEndpointId?: number): Promise<void> {
  if (events.length === 0) return;
  // An event id written before (a retried job's deterministic id) is not written, nor delivered, again.
  const { rows } = await db.raw(
    `insert into webhook_events (id, type, ordering_key, data, created_at)
     select e.id, e.type, e.ordering_key, e.data::jsonb, ?
       from unnest(?::text[], ?::text[], ?::text[], ?::text[]) with ordinality as e(id, type, ordering_key, data, position)
      order by e.position
     on conflict (id) do nothing
     returning sequence`,
    [createdAt, events.map((event) => event.id), events.map((event) => event.type), events.map((event) => event.orderingKey), events.map((event) => JSON.stringify(event.data))] as unknown as Knex.RawBinding[],
  );
  await db.raw(
    `insert into webhook_deliveries (endpoint_id, event_sequence, ordering_key, next_attempt_at, created_at)
     select w.id, e.sequence, e.ordering_key, ?, ?
       from webhook_events e
       join webhook_endpoints w on (e.type = any(w.events) and ?::int is null) or w.id = ?::int
      where e.sequence = any(?::bigint[])
      order by e.sequence, w.id`,
    [createdAt, createdAt, onlyEndpointId ?? null, onlyEndpointId ?? null, rows.map((row: { sequence: string | number }) => String(row.sequence))],
  );
}

/** Of these SKU × locations, those the run before `runId` (the latest succeeded pipeline run before it) could not plan either. */
export async function planErrorsBefore(db: Db, runId: number, itemIds: number[]): Promise<Set<string>> {
  if (itemIds.length === 0) return new Set();
  const { rows } = await db.raw(
    `select e.item_id, e.location_id from plan_errors e
      where e.item_id = any(?::int[])
        and e.run_id = (select max(id) from forecast_runs where kind = 'pipeline' and status = 'succeeded' and id < ?)`,
    [itemIds, runId],
  );
  return new Set(rows.map((row: { item_id: number; location_id: number }) => `${row.item_id}:${row.location_id}`));
}

/** A delivery taken by a worker to send: the event as it goes out and where. */
export interface ClaimedDelivery {
  deliveryId: number;
  endpointId: number;
  url: string;
  secret: string;
  eventId: string;
  type: string;
  eventCreatedAt: string;
  data: unknown;
  attempts: number;
  createdAt: string;
}

/**
 * Takes up to `limit` deliveries that are due, to enabled endpoints, and first of their ordering key (no earlier event
 * of the same key is pending for the endpoint), leasing them until `leaseUntil` so that no other worker sends them
 * meanwhile. SKIP LOCKED lets workers claim side by side. A worker that dies leaves the lease to run out.
 */
export async function claimDueDeliveries(
  db: Db,
  options: { now: Date; leaseUntil: Date; limit: number; /** Already tried in this sweep: left for the next. */ exceptIds: number[] },
): Promise<ClaimedDelivery[]> {
  const { rows } = await db.raw(
    `with due as (
       select d.id
         from webhook_deliveries d
         join webhook_endpoints w on w.id = d.endpoint_id and w.enabled
        where d.status = 'pending' and d.next_attempt_at <= ? and (d.leased_until is null or d.leased_until <= ?)
          and not (d.id = any(?::bigint[]))
          and not exists (
            select 1 from webhook_deliveries earlier
             where earlier.endpoint_id = d.endpoint_id and earlier.ordering_key = d.ordering_key
               and earlier.status = 'pending' and earlier.event_sequence < d.event_sequence)
        order by d.event_sequence
        limit ?
        for update of d skip locked
     ),
     leased as (
       update webhook_deliveries d set leased_until = ? from due where d.id = due.id
       returning d.id, d.endpoint_id, d.event_sequence, d.attempts, d.created_at
     )
     select l.id as delivery_id, l.endpoint_id, w.url, w.secret, e.id as event_id, e.type, e.created_at as event_created_at,
            e.data, l.attempts, l.created_at
       from leased l
       join webhook_endpoints w on w.id = l.endpoint_id
       join webhook_events e on e.sequence = l.event_sequence
      order by l.event_sequence`,
    [options.now, options.now, options.exceptIds.map(String), options.limit, options.leaseUntil],
  );
  return rows.map((row: Record<string, unknown>) => ({
    deliveryId: Number(row.delivery_id),
    endpointId: row.endpoint_id as number,
    url: row.url as string,
    secret: row.secret as string,
    eventId: row.event_id as string,
    type: row.type as string,
    eventCreatedAt: iso(row.event_created_at)!,
    data: typeof row.data === 'string' ? JSON.parse(row.data) : row.data,
    attempts: row.attempts as number,
    createdAt: iso(row.created_at)!,
  }));
}

/** What one attempt found, and what becomes of the delivery: done, failed for good, or tried again at `nextAttemptAt`. */
export interface AttemptOutcome {
  deliveryId: number;
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  status: 'succeeded' | 'failed' | 'pending';
  nextAttemptAt: Date | null;
}

/** Records a batch of attempts and moves their deliveries on, releasing the leases: two statements for the batch. */
export async function recordDeliveryAttempts(db: Db, outcomes: AttemptOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  const column = <T>(pick: (outcome: AttemptOutcome) => T) => outcomes.map(pick);
  // Arrays with nulls in them bind as PostgreSQL arrays; knex's types allow no nulls in an array.
  const bindings = [
    column((o) => String(o.deliveryId)),
    column((o) => o.attemptedAt.toISOString()),
    column((o) => o.durationMs),
    column((o) => o.statusCode),
    column((o) => o.error),
    column((o) => o.status),
    column((o) => o.nextAttemptAt?.toISOString() ?? null),
  ] as unknown as Knex.RawBinding[];
  const outcomeRows = `unnest(?::bigint[], ?::timestamptz[], ?::int[], ?::int[], ?::text[], ?::text[], ?::timestamptz[])
    as o(delivery_id, attempted_at, duration_ms, status_code, error, status, next_attempt_at)`;
  await db.raw(
    `insert into webhook_delivery_attempts (delivery_id, attempted_at, duration_ms, status_code, error, succeeded)
     select o.delivery_id, o.attempted_at, o.duration_ms, o.status_code, o.error, o.status = 'succeeded' from ${outcomeRows}`,
    bindings,
  );
  await db.raw(
    `update webhook_deliveries d
        set status = o.status, attempts = d.attempts + 1, last_status_code = o.status_code, last_error = o.error,
            next_attempt_at = coalesce(o.next_attempt_at, d.next_attempt_at), leased_until = null,
            completed_at = case when o.status = 'pending' then null else o.attempted_at end
       from ${outcomeRows}
      where d.id = o.delivery_id`,
    bindings,
  );
}

/**
 * Disables the endpoints among `endpointIds` whose every attempt since `since` failed, with at least one failed
 * attempt before `since` and none succeeding after it (failing for the whole span); returns those disabled.
 */
export async function disableFailingEndpoints(db: Db, endpointIds: number[], options: { since: Date; now: Date; reason: (firstFailure: string) => string }): Promise<WebhookEndpoint[]> {
  if (endpointIds.length === 0) return [];
  const { rows } = await db.raw(
    `with streak as (
       select d.endpoint_id,
              min(a.attempted_at) filter (where not a.succeeded and a.attempted_at > coalesce(s.last_success, '-infinity')) as first_failure
         from webhook_deliveries d
         join webhook_delivery_attempts a on a.delivery_id = d.id
         left join lateral (
           select max(a2.attempted_at) as last_success
             from webhook_deliveries d2 join webhook_delivery_attempts a2 on a2.delivery_id = d2.id
            where d2.endpoint_id = d.endpoint_id and a2.succeeded
         ) s on true
        where d.endpoint_id = any(?::int[])
        group by d.endpoint_id
     )
     select w.id, s.first_failure from webhook_endpoints w join streak s on s.endpoint_id = w.id
      where w.enabled and s.first_failure <= ?`,
    [endpointIds, options.since],
  );
  const disabled: WebhookEndpoint[] = [];
  for (const row of rows as Array<{ id: number; first_failure: string }>) {
    const { rows: updated } = await db.raw(
      `update webhook_endpoints set enabled = false, disabled_reason = ?, disabled_at = ?, updated_at = ? where id = ? and enabled
       returning ${endpointColumns}`,
      [options.reason(iso(row.first_failure)!), options.now, options.now, row.id],
    );
    if (updated[0]) disabled.push(toEndpoint(updated[0]));
  }
  return disabled;
}

export interface DeliveryAttempt {
  attemptedAt: string;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  succeeded: boolean;
}

export interface WebhookDelivery {
  id: number;
  endpointId: number;
  eventId: string;
  eventType: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  nextAttemptAt: string | null;
  lastStatusCode: number | null;
  lastError: string | null;
  createdAt: string;
  completedAt: string | null;
  attemptLog: DeliveryAttempt[];
}

const deliveryColumns = `d.id, d.endpoint_id, e.id as event_id, e.type as event_type, d.status, d.attempts, d.next_attempt_at,
  d.last_status_code, d.last_error, d.created_at, d.completed_at,
  coalesce((select json_agg(json_build_object('attemptedAt', a.attempted_at, 'durationMs', a.duration_ms, 'statusCode', a.status_code,
    'error', a.error, 'succeeded', a.succeeded) order by a.id) from webhook_delivery_attempts a where a.delivery_id = d.id), '[]'::json) as attempt_log`;

function toDelivery(row: Record<string, unknown>): WebhookDelivery {
  const log = (typeof row.attempt_log === 'string' ? JSON.parse(row.attempt_log) : row.attempt_log) as Array<Record<string, unknown>>;
  return {
    id: Number(row.id),
    endpointId: row.endpoint_id as number,
    eventId: row.event_id as string,
    eventType: row.event_type as string,
    status: row.status as WebhookDelivery['status'],
    attempts: row.attempts as number,
    nextAttemptAt: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    lastStatusCode: (row.last_status_code as number | null) ?? null,
    lastError: (row.last_error as string | null) ?? null,
    createdAt: iso(row.created_at)!,
    completedAt: iso(row.completed_at),
    attemptLog: log.map((attempt) => ({
      attemptedAt: iso(attempt.attemptedAt)!,
      durationMs: attempt.durationMs as number,
      statusCode: (attempt.statusCode as number | null) ?? null,
      error: (attempt.error as string | null) ?? null,
      succeeded: attempt.succeeded as boolean,
    })),
  };
}

/** An endpoint's deliveries, newest first, before the delivery id `before` (the cursor). */
export async function listWebhookDeliveries(db: Db, endpointId: number, options: { before?: number; limit: number }): Promise<WebhookDelivery[]> {
  const { rows } = await db.raw(
    `select ${deliveryColumns}
       from webhook_deliveries d join webhook_events e on e.sequence = d.event_sequence
      where d.endpoint_id = ? and (?::bigint is null or d.id < ?::bigint)
      order by d.id desc
      limit ?`,
    [endpointId, options.before ?? null, options.before ?? null, options.limit],
  );
  return rows.map(toDelivery);
}

export async function findWebhookDelivery(db: Db, endpointId: number, deliveryId: number): Promise<WebhookDelivery | undefined> {
  const { rows } = await db.raw(
    `select ${deliveryColumns} from webhook_deliveries d join webhook_events e on e.sequence = d.event_sequence
      where d.endpoint_id = ? and d.id = ?`,
    [endpointId, deliveryId],
  );
  return rows[0] ? toDelivery(rows[0]) : undefined;
}

/**
 * Puts a delivery back in the queue, due at once. Its retry window still runs from its creation: past it, a failed
 * manual retry is failed again at once, not retried for another day.
 */
export async function requeueWebhookDelivery(db: Db, endpointId: number, deliveryId: number, now: Date): Promise<boolean> {
  const { rows } = await db.raw(
    `update webhook_deliveries set status = 'pending', next_attempt_at = ?, leased_until = null, completed_at = null
      where endpoint_id = ? and id = ? returning id`,
    [now, endpointId, deliveryId],
  );
  return rows.length > 0;
}

/** What a recommendation.approved event tells of each approved recommendation. */
export interface ApprovedRecommendationData {
  recommendationId: number;
  runId: number;
  sku: string;
  location: string;
  supplierId: number | null;
  quantity: number;
  needByDate: string | null;
  decidedBy: string | null;
}

export async function approvedRecommendationData(db: Db, recommendationIds: number[]): Promise<ApprovedRecommendationData[]> {
  if (recommendationIds.length === 0) return [];
  const { rows } = await db.raw(
    `select r.id, r.run_id, i.sku, l.code as location, r.supplier_id, r.quantity::float8 as quantity, r.need_by_date, r.decided_by
       from recommendations r join items i on i.id = r.item_id join locations l on l.id = r.location_id
      where r.id = any(?::bigint[]) order by r.id`,
    [recommendationIds.map(String)],
  );
  return rows.map((row: Record<string, unknown>) => ({
    recommendationId: Number(row.id),
    runId: Number(row.run_id),
    sku: row.sku as string,
    location: row.location as string,
    supplierId: (row.supplier_id as number | null) ?? null,
    quantity: row.quantity as number,
    needByDate: (row.need_by_date as string | null) ?? null,
    decidedBy: (row.decided_by as string | null) ?? null,
  }));
}
