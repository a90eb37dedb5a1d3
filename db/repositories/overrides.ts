import type { Db } from '../connection';

export interface ForecastOverride {
  id: number;
  itemId: number;
  sku: string;
  locationId: number;
  locationCode: string;
  startDate: string;
  endDate: string;
  mode: 'absolute' | 'percent';
  value: number;
  reason: string;
  note: string;
  expiresOn: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  cancelledBy: string | null;
  version: number;
}

export type OverrideFields = Pick<ForecastOverride, 'startDate' | 'endDate' | 'mode' | 'value' | 'reason' | 'note' | 'expiresOn'>;

export interface OverrideAuditEntry {
  id: number;
  overrideId: number;
  action: 'created' | 'updated' | 'cancelled';
  actor: string;
  at: string;
  before: ForecastOverride | null;
  after: ForecastOverride | null;
  /** The weeks it covers in the latest succeeded pipeline run: the statistical forecast and the forecast planned. */
  forecast: Array<{ periodStart: string; statistical: number; planned: number }>;
}

const selectOverride = `select o.id, o.item_id, i.sku, o.location_id, l.code as location_code, o.start_date::text as start_date,
         o.end_date::text as end_date, o.mode, o.value::float8 as value, o.reason, o.note, o.expires_on::text as expires_on,
         o.created_by, o.created_at, o.updated_at, o.cancelled_at, o.cancelled_by, o.version
    from forecast_overrides o join items i on i.id = o.item_id join locations l on l.id = o.location_id`;

const iso = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());

function toOverride(row: Record<string, unknown>): ForecastOverride {
  return {
    id: row.id as number,
    itemId: row.item_id as number,
    sku: row.sku as string,
    locationId: row.location_id as number,
    locationCode: row.location_code as string,
    startDate: row.start_date as string,
    endDate: row.end_date as string,
    mode: row.mode as ForecastOverride['mode'],
    value: row.value as number,
    reason: row.reason as string,
    note: row.note as string,
    expiresOn: row.expires_on as string,
    createdBy: row.created_by as string,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    cancelledAt: iso(row.cancelled_at),
    cancelledBy: (row.cancelled_by as string | null) ?? null,
    version: row.version as number,
  };
}

/**
 * The item and location of a SKU × location code that replen plans: both exist and the item has sales or stock
 * there (weeklySales lists such pairs). Null otherwise.
 */
export async function plannedPair(db: Db, sku: string, locationCode: string): Promise<{ itemId: number; locationId: number } | null> {
  const { rows } = await db.raw(
    `select i.id as item_id, l.id as location_id from items i, locations l
      where i.sku = ? and l.code = ?
        and (exists (select 1 from weekly_sales w where w.item_id = i.id and w.location_id = l.id)
             or exists (select 1 from on_hand_snapshots s where s.item_id = i.id and s.location_id = l.id))`,
    [sku, locationCode],
  );
  return rows[0] ? { itemId: rows[0].item_id, locationId: rows[0].location_id } : null;
}

export async function insertOverride(db: Db, pair: { itemId: number; locationId: number }, fields: OverrideFields, actor: string): Promise<ForecastOverride> {
  const { rows } = await db.raw(
    `insert into forecast_overrides (item_id, location_id, start_date, end_date, mode, value, reason, note, expires_on, created_by)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
    [pair.itemId, pair.locationId, fields.startDate, fields.endDate, fields.mode, fields.value, fields.reason, fields.note, fields.expiresOn, actor],
  );
  return (await getOverride(db, rows[0].id))!;
}

export async function getOverride(db: Db, id: number, options: { forUpdate?: boolean } = {}): Promise<ForecastOverride | null> {
  const { rows } = await db.raw(`${selectOverride} where o.id = ?${options.forUpdate ? ' for update of o' : ''}`, [id]);
  return rows[0] ? toOverride(rows[0]) : null;
}

/** Writes the override's fields (or its cancellation), one version further. */
export async function writeOverride(db: Db, id: number, fields: OverrideFields, cancelledBy?: string): Promise<ForecastOverride> {
  await db.raw(
    `update forecast_overrides
        set start_date = ?, end_date = ?, mode = ?, value = ?, reason = ?, note = ?, expires_on = ?, updated_at = now(),
            version = version + 1, cancelled_at = case when ?::text is null then cancelled_at else now() end,
            cancelled_by = coalesce(?::text, cancelled_by)
      where id = ?`,
    [fields.startDate, fields.endDate, fields.mode, fields.value, fields.reason, fields.note, fields.expiresOn, cancelledBy ?? null, cancelledBy ?? null, id],
  );
  return (await getOverride(db, id))!;
}

/** Overrides by SKU and location, newest first; with `activeOn` only those not cancelled and not expired that day. */
export async function listOverrides(db: Db, query: { sku?: string; locationCode?: string; activeOn?: string; limit: number; beforeId?: number }): Promise<ForecastOverride[]> {
  const conditions: string[] = [];
  const bindings: Array<string | number> = [];
  if (query.sku !== undefined) conditions.push('i.sku = ?') && bindings.push(query.sku);
  if (query.locationCode !== undefined) conditions.push('l.code = ?') && bindings.push(query.locationCode);
  if (query.activeOn !== undefined) conditions.push('o.cancelled_at is null and o.expires_on >= ?::date') && bindings.push(query.activeOn);
  if (query.beforeId !== undefined) conditions.push('o.id < ?') && bindings.push(query.beforeId);
  const where = conditions.length > 0 ? ` where ${conditions.join(' and ')}` : '';
  const { rows } = await db.raw(`${selectOverride}${where} order by o.id desc limit ?`, [...bindings, query.limit]);
  return rows.map(toOverride);
}

export async function insertAudit(db: Db, entry: Omit<OverrideAuditEntry, 'id' | 'at'>): Promise<void> {
  await db.raw(`insert into forecast_override_audit (override_id, action, actor, before, after, forecast) values (?, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb)`, [
    entry.overrideId,
    entry.action,
    entry.actor,
    entry.before === null ? null : JSON.stringify(entry.before),
    entry.after === null ? null : JSON.stringify(entry.after),
    JSON.stringify(entry.forecast),
  ]);
}

const json = <T>(value: unknown): T => (typeof value === 'string' ? JSON.parse(value) : value) as T;

export async function overrideAudit(db: Db, overrideId: number): Promise<OverrideAuditEntry[]> {
  const { rows } = await db.raw(`select id, override_id, action, actor, at, before, after, forecast from forecast_override_audit where override_id = ? order by id`, [overrideId]);
  return rows.map((row: Record<string, unknown>) => ({
    id: Number(row.id),
    overrideId: row.override_id as number,
    action: row.action as OverrideAuditEntry['action'],
    actor: row.actor as string,
    at: iso(row.at)!,
    before: json<ForecastOverride | null>(row.before),
    after: json<ForecastOverride | null>(row.after),
    forecast: json<OverrideAuditEntry['forecast']>(row.forecast),
  }));
}

/** The weekly means of one pair's forecast in the latest succeeded pipeline run, for the weeks starting in [from, to]. */
export async function latestForecastWeeks(db: Db, pair: { itemId: number; locationId: number }, range: { from: string; to: string }): Promise<Array<{ periodStart: string; mean: number }>> {
  const { rows } = await db.raw(
    `select f.period_start::text as period_start, f.mean::float8 as mean from forecasts f
      where f.item_id = ? and f.location_id = ? and f.period_start between ?::date and ?::date
        and f.run_id = (select id from forecast_runs where kind = 'pipeline' and status = 'succeeded' order by as_of_date desc, id desc limit 1)
      order by f.period_start`,
    [pair.itemId, pair.locationId, range.from, range.to],
  );
  return rows.map((row: Record<string, unknown>) => ({ periodStart: row.period_start as string, mean: row.mean as number }));
}

/** Overrides in force for planning on `planDate` (not cancelled, not expired), of the given items, oldest first. */
export async function overridesInForce(db: Db, itemIds: number[], planDate: string): Promise<ForecastOverride[]> {
  if (itemIds.length === 0) return [];
  const { rows } = await db.raw(`${selectOverride} where o.item_id = any(?::int[]) and o.cancelled_at is null and o.expires_on >= ?::date order by o.id`, [
    itemIds,
    planDate,
  ]);
  return rows.map(toOverride);
}

/** One overridden week whose demand is known: what was forecast, what the buyer said, what sold. */
export interface OverriddenWeek {
  overrideId: number;
  createdBy: string;
  reason: string;
  mode: 'absolute' | 'percent';
  value: number;
  weekStart: string;
  actual: number;
  statistical: number;
}

/**
 * Every complete week (ending before `today`) an override that was not cancelled covered, with its actual demand
 * (weekly sales; a week without sales is 0) and the statistical forecast made for it before it began (the latest
 * succeeded pipeline run as of an earlier day that forecast that week). Weeks without such a forecast are left out.
 */
export async function overriddenWeeksWithActuals(db: Db, today: string): Promise<OverriddenWeek[]> {
  const { rows } = await db.raw(
    `with weeks as (
       select o.id, o.item_id, o.location_id, o.created_by, o.reason, o.mode, o.value, gs::date as week_start
         from forecast_overrides o
         cross join lateral generate_series(replen_week_start(o.start_date), o.end_date, interval '7 days') gs
        where o.cancelled_at is null
     )
     select w.id, w.created_by, w.reason, w.mode, w.value::float8 as value, w.week_start::text as week_start,
            coalesce(ws.quantity, 0)::float8 as actual, f.mean::float8 as statistical
       from weeks w
       left join weekly_sales ws on ws.item_id = w.item_id and ws.location_id = w.location_id and ws.week_start = w.week_start
       join lateral (
         select f.mean from forecasts f join forecast_runs r on r.id = f.run_id
          where f.item_id = w.item_id and f.location_id = w.location_id and f.period_start = w.week_start
            and r.kind = 'pipeline' and r.status = 'succeeded' and r.as_of_date < w.week_start
          order by r.as_of_date desc, r.id desc limit 1
       ) f on true
      where w.week_start + 6 < ?::date
      order by w.id, w.week_start`,
    [today],
  );
  return rows.map((row: Record<string, unknown>) => ({
    overrideId: row.id as number,
    createdBy: row.created_by as string,
    reason: row.reason as string,
    mode: row.mode as OverriddenWeek['mode'],
    value: row.value as number,
    weekStart: row.week_start as string,
    actual: row.actual as number,
    statistical: row.statistical as number,
  }));
}
