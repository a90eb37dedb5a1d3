import type { Knex } from 'knex';
import type { Db } from '../connection';
import { itemCondition } from './search';

export type RecommendationStatus = 'proposed' | 'approved' | 'rejected' | 'exported';
export type Urgency = 'critical' | 'high' | 'normal' | 'low';
export type RecommendationSort = 'urgency' | 'value' | 'stockout' | 'decided';

export interface Recommendation {
  id: number;
  runId: number;
  itemId: number;
  sku: string;
  description: string;
  locationId: number;
  locationCode: string;
  supplierId: number | null;
  supplierName: string | null;
  /** The supplier's currency, of unitCost and lineValue; null when unsourced. */
  currency: string | null;
  status: RecommendationStatus;
  quantity: number;
  suggestedQuantity: number;
  unitCost: number | null;
  /** quantity × unit cost; null without a unit cost. */
  lineValue: number | null;
  needByDate: string | null;
  projectedStockoutDate: string | null;
  urgency: Urgency;
  abcClass: string | null;
  /** The stock position the planner saw (its explanation); null on rows planned without one. */
  onHand: number | null;
  onOrder: number | null;
  backordered: number | null;
  daysOfCover: number | null;
  /** When an order placed on the plan date would arrive: plan date + the chosen supplier's lead time, rounded up. */
  expectedArrivalDate: string | null;
  /** Days from the projected stock-out to that arrival: > 0 days without stock, ≤ 0 days to spare; null without a stock-out. */
  daysShort: number | null;
  noteCount: number;
  version: number;
  decidedBy: string | null;
  decidedAt: string | null;
  reasonCode: string | null;
  updatedAt: string;
  /** The decided line of the same run and pair this line tops up (a sense run raised the need after the decision); null: the pair's own line. */
  topUpOf: number | null;
}

export interface RecommendationDetail extends Recommendation {
  /** The chosen supplier item's constraints; null when unsourced. */
  moq: number | null;
  orderMultiple: number | null;
  supplierSku: string | null;
  explanation: Record<string, unknown>;
  createdAt: string;
}

export interface RecommendationEvent {
  id: number;
  actor: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
  createdAt: string;
}

export interface RecommendationFilters {
  /** Unset: the latest succeeded run of the kind listRecommendations is given. */
  runId?: number;
  supplierId?: number;
  locationId?: number;
  urgency?: Urgency;
  /** decided: any line a buyer decided on (approved, rejected, exported or edited), of every run unless runId is given. */
  status?: RecommendationStatus | 'decided';
  abcClass?: 'A' | 'B' | 'C';
  /** A substring of the SKU, the description or a supplier SKU (any case). */
  q?: string;
}

/** What a purchase-order line needs from an approved (or no longer approved) recommendation. */
export interface RecommendationLineSource {
  recommendationId: number;
  status: RecommendationStatus;
  supplierId: number | null;
  locationId: number;
  itemId: number;
  quantity: number;
  unitCost: number | null;
  needByDate: string | null;
}

const infinity = `'infinity'::date`;
/**
 * Each sort as key expressions (then id), all ascending or all descending: a keyset cursor compares the row tuple with
 * the last row's. `text` is how a key travels in a cursor (exact for float8, dates, 'infinity' and timestamps).
 */
const sortKeys: Record<RecommendationSort, { descending?: boolean; keys: Array<{ expression: string; type: string }> }> = {
  urgency: {
    keys: [
      { expression: `case r.urgency when 'critical' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`, type: 'int' },
      { expression: `coalesce(r.projected_stockout_date, ${infinity})`, type: 'date' },
    ],
  },
  value: { keys: [{ expression: `(-(r.quantity * coalesce(r.unit_cost, 0)))::float8`, type: 'float8' }] },
  stockout: { keys: [{ expression: `coalesce(r.projected_stockout_date, ${infinity})`, type: 'date' }] },
  // Latest decision first (undecided lines last), on the index recommendations_decided for status=decided.
  decided: { descending: true, keys: [{ expression: `coalesce(r.decided_at, '-infinity'::timestamptz)`, type: 'timestamptz' }] },
};

/**
 * The same as a filter of the page query, without joining items (a join made the planner hash all 100k items rather
 * than read a page in index order). The planner's class (the column kept from the explanation), and the override by
 * a hashed list that is built only if a row has no class: a per-row subquery costed so high (600,000 for one page)
 * that PostgreSQL JIT-compiled it, 120 ms a call.
 */
const abcClassFilter = `(r.abc_class = ?::text
  or (r.abc_class is null and r.item_id in (select i.id from items i where i.abc_class_override = ?)))`;
const urgencyRank: Record<Urgency, number> = { critical: 0, high: 1, normal: 2, low: 3 };

/**
 * The columns of a Recommendation from `r` (recommendations, or a page of its rows) joined to items i, locations l
 * and suppliers s. The ABC class is the one the planner wrote into the explanation, else the item's override. The
 * explanation's figures a line shows are columns generated from it on write (migration 260): reading them from the
 * jsonb on every list page (jsonb_to_record, a function scan per row) was a third of the page's database time.
 */
const summaryColumns = `r.id, r.run_id, r.item_id, i.sku, i.description, r.location_id, l.code as location_code,
  r.supplier_id, s.name as supplier_name, s.currency, r.status, r.quantity::float8 as quantity,
  r.suggested_quantity::float8 as suggested_quantity, r.unit_cost::float8 as unit_cost,
  (r.quantity * r.unit_cost)::float8 as line_value, r.need_by_date, r.projected_stockout_date, r.urgency,
  coalesce(r.abc_class, i.abc_class_override::text) as abc_class, r.on_hand, r.on_order, r.backordered, r.days_of_cover,
  r.expected_arrival_date, r.expected_arrival_date - r.projected_stockout_date as days_short,
  coalesce(n.note_count, 0) as note_count,
  r.version, r.decided_by, r.decided_at, r.reason_code, r.updated_at, r.top_up_of`;

/**
 * The notes of the recommendations `which` selects (a condition on recommendation_id), counted in one grouped pass,
 * as `n.note_count`: one index range per row shown, instead of a subquery per row.
 */
const noteCounts = (which: string) => `left join (
    select recommendation_id, count(*)::int as note_count from recommendation_events
     where action = 'note' and ${which} group by recommendation_id
  ) n on n.recommendation_id = r.id`;

const joins = `from recommendations r
  join items i on i.id = r.item_id
  join locations l on l.id = r.location_id
  left join suppliers s on s.id = r.supplier_id`;

const timestamp = (value: unknown) => (value === null || value === undefined ? null : new Date(value as string).toISOString());
const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value);

function toRecommendation(row: Record<string, unknown>): Recommendation {
  return {
    id: Number(row.id),
    runId: Number(row.run_id),
    itemId: row.item_id as number,
    sku: row.sku as string,
    description: row.description as string,
    locationId: row.location_id as number,
    locationCode: row.location_code as string,
    supplierId: (row.supplier_id as number | null) ?? null,
    supplierName: (row.supplier_name as string | null) ?? null,
    currency: typeof row.currency === 'string' ? row.currency.trim() : null,
    status: row.status as RecommendationStatus,
    quantity: row.quantity as number,
    suggestedQuantity: row.suggested_quantity as number,
    unitCost: (row.unit_cost as number | null) ?? null,
    lineValue: (row.line_value as number | null) ?? null,
    needByDate: (row.need_by_date as string | null) ?? null,
    projectedStockoutDate: (row.projected_stockout_date as string | null) ?? null,
    urgency: row.urgency as Urgency,
    abcClass: (row.abc_class as string | null) ?? null,
    onHand: (row.on_hand as number | null) ?? null,
    onOrder: (row.on_order as number | null) ?? null,
    backordered: (row.backordered as number | null) ?? null,
    daysOfCover: (row.days_of_cover as number | null) ?? null,
    expectedArrivalDate: (row.expected_arrival_date as string | null) ?? null,
    daysShort: (row.days_short as number | null) ?? null,
    noteCount: row.note_count as number,
    version: row.version as number,
    decidedBy: (row.decided_by as string | null) ?? null,
    decidedAt: timestamp(row.decided_at),
    reasonCode: (row.reason_code as string | null) ?? null,
    updatedAt: timestamp(row.updated_at)!,
    topUpOf: row.top_up_of === null || row.top_up_of === undefined ? null : Number(row.top_up_of),
  };
}

/**
 * A Recommendation as one JSON object PostgreSQL builds from the same joined row as summaryColumns (row_to_json of
 * these aliases, in the interface's key order: compact, as JSON.stringify writes it), so that a list page travels as
 * one text value instead of 30 columns × 100 rows parsed and stringified again in the API process. Every value is
 * what toRecommendation makes of summaryColumns: numerics as float8, dates as 'YYYY-MM-DD', timestamps as
 * toISOString writes them (UTC, milliseconds truncated), the currency trimmed. test/integration/db/recommendation-json.test.ts
 * checks both give the same JSON on both engines.
 */
const summaryJsonColumns = `r.id as "id", r.run_id as "runId", r.item_id as "itemId", i.sku as "sku", i.description as "description",
  r.location_id as "locationId", l.code as "locationCode", r.supplier_id as "supplierId", s.name as "supplierName",
  btrim(s.currency) as "currency", r.status as "status", r.quantity::float8 as "quantity",
  r.suggested_quantity::float8 as "suggestedQuantity", r.unit_cost::float8 as "unitCost",
  (r.quantity * r.unit_cost)::float8 as "lineValue", r.need_by_date as "needByDate",
  r.projected_stockout_date as "projectedStockoutDate", r.urgency as "urgency",
  coalesce(r.abc_class, i.abc_class_override::text) as "abcClass", r.on_hand as "onHand", r.on_order as "onOrder",
  r.backordered as "backordered", r.days_of_cover as "daysOfCover", r.expected_arrival_date as "expectedArrivalDate",
  r.expected_arrival_date - r.projected_stockout_date as "daysShort", coalesce(n.note_count, 0) as "noteCount",
  r.version as "version", r.decided_by as "decidedBy", ${isoInstant('r.decided_at')} as "decidedAt",
  r.reason_code as "reasonCode", ${isoInstant('r.updated_at')} as "updatedAt", r.top_up_of as "topUpOf"`;

/** A timestamptz as Date#toISOString writes it: UTC, three decimals (truncated, as node-postgres and PGlite read it). */
function isoInstant(column: string): string {
  return `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** A page of the list as PostgreSQL wrote it: `data` is the JSON array of its Recommendations, in order. */
export interface RecommendationPageJson {
  /** How many lines the page holds. */
  count: number;
  /** The run of its first line; null for an empty page. */
  firstRunId: number | null;
  /** The JSON text of Recommendation[], compact, as JSON.stringify of the objects would write it. */
  data: string;
  /** The sort key of its last line (the cursor of the next page); null for an empty page. */
  lastKey: Array<string | number> | null;
}

/**
 * One page of a run's recommendations (by default the latest succeeded run of `runKind`, looked up in the same
 * statement; with status 'decided' and no run, the decided lines of every run), filtered and sorted, after the row
 * whose sort key is `after` (the `sortKey` of the last row of the previous page), as the JSON text of its lines.
 */
export async function listRecommendationsJson(
  db: Db,
  options: { filters: RecommendationFilters; runKind: string; sort: RecommendationSort; after?: Array<string | number>; limit: number },
): Promise<RecommendationPageJson> {
  const { filters } = options;
  const { keys, descending } = sortKeys[options.sort];
  const conditions: string[] = [];
  const bindings: Knex.RawBinding[] = [];
  if (filters.status === 'decided') {
    conditions.push('r.decided_at is not null');
    if (filters.runId !== undefined) {
      conditions.push('r.run_id = ?');
      bindings.push(filters.runId);
    }
  } else {
    // An uncorrelated subquery: planned once as an InitPlan, so run_id stays an index bound.
    conditions.push(`r.run_id = coalesce(?::bigint, (select id from forecast_runs where kind = ? and status = 'succeeded' order by id desc limit 1))`);
    bindings.push(filters.runId ?? null, options.runKind);
  }
  const filterColumns: Array<[Knex.RawBinding | undefined, string]> = [
    [filters.supplierId, 'r.supplier_id'],
    [filters.locationId, 'r.location_id'],
    [filters.urgency, 'r.urgency'],
    [filters.status === 'decided' ? undefined : filters.status, 'r.status'],
  ];
  for (const [value, column] of filterColumns) {
    if (value === undefined) continue;
    conditions.push(`${column} = ?`);
    bindings.push(value);
  }
  if (filters.abcClass !== undefined) {
    conditions.push(abcClassFilter);
    bindings.push(filters.abcClass, filters.abcClass);
  }
  if (filters.q !== undefined) {
    const search = await itemCondition(db, 'r.item_id', filters.q);
    conditions.push(search.sql);
    bindings.push(...search.bindings);
  }
  // The urgency again as its sort rank: the urgency-sorted indexes lead with that expression, so the filter
  // becomes an index range instead of a walk past every more urgent line.
  if (filters.urgency !== undefined) {
    conditions.push(`${sortKeys.urgency.keys[0].expression} = ?`);
    bindings.push(urgencyRank[filters.urgency]);
  }
  if (options.after) {
    const comparison = descending ? '<' : '>';
    conditions.push(`(${keys.map((key) => key.expression).join(', ')}, r.id) ${comparison} (${keys.map((key) => `?::${key.type}`).join(', ')}, ?::bigint)`);
    bindings.push(...options.after);
  }
  const direction = descending ? ' desc' : '';
  const order = (expressions: string[]) => [...expressions, 'r.id'].map((expression) => `${expression}${direction}`).join(', ');
  const pageOrder = order(keys.map((_, index) => `r.sort_key_${index}`));
  // The page is chosen on recommendations alone, then joined for display: sorting a run's rows before the joins
  // costs a top-N sort (or an index range) instead of joining every row. The page carries the columns shown (from
  // the heap rows its scan already read), so it is not read again by id. Its lines are joined into one JSON array
  // with string_agg (json_agg would put ", \n " between them); the last line's sort key is the next page's cursor.
  const { rows } = await db.raw(
    `with page as (
       select r.id, r.run_id, r.item_id, r.location_id, r.supplier_id, r.status, r.quantity, r.suggested_quantity, r.unit_cost,
              r.need_by_date, r.projected_stockout_date, r.urgency, r.abc_class, r.on_hand, r.on_order, r.backordered,
              r.days_of_cover, r.expected_arrival_date, r.version, r.decided_by, r.decided_at, r.reason_code, r.updated_at, r.top_up_of,
              ${keys.map((key, index) => `${key.expression} as sort_key_${index}`).join(', ')}
         from recommendations r
        where ${conditions.join(' and ')}
        order by ${order(keys.map((key) => key.expression))}
        limit ?
     )
     select count(*)::int as count,
            '[' || coalesce(string_agg(row_to_json(j)::text, ',' order by ${pageOrder}), '') || ']' as data,
            (array_agg(r.run_id order by ${pageOrder}))[1] as first_run_id,
            ${keys.map((_, index) => `(array_agg(r.sort_key_${index}::text order by ${pageOrder}))[count(*)::int] as last_key_${index}`).join(', ')},
            (array_agg(r.id order by ${pageOrder}))[count(*)::int] as last_id
       from page r
       join items i on i.id = r.item_id
       join locations l on l.id = r.location_id
       left join suppliers s on s.id = r.supplier_id
       ${noteCounts('recommendation_id in (select id from page)')}
       cross join lateral (select ${summaryJsonColumns}) j`,
    [...bindings, options.limit],
  );
  const row = rows[0] as Record<string, unknown>;
  const count = row.count as number;
  return {
    count,
    firstRunId: count === 0 ? null : Number(row.first_run_id),
    data: row.data as string,
    // Keys travel as text; the id closes the tuple.
    lastKey: count === 0 ? null : [...keys.map((_, index) => row[`last_key_${index}`] as string), Number(row.last_id)],
  };
}

/** The same page as objects (a spreadsheet export reads the list this way), with the last line's sort key. */
export async function listRecommendations(
  db: Db,
  options: { filters: RecommendationFilters; runKind: string; sort: RecommendationSort; after?: Array<string | number>; limit: number },
): Promise<{ recommendations: Recommendation[]; lastKey: Array<string | number> | null }> {
  const page = await listRecommendationsJson(db, options);
  return { recommendations: JSON.parse(page.data) as Recommendation[], lastKey: page.lastKey };
}

/** One recommendation with its explanation and its supplier item's MOQ and multiple; `forUpdate` locks the row. */
export async function findRecommendation(db: Db, id: number, options: { forUpdate?: boolean } = {}): Promise<RecommendationDetail | undefined> {
  const { rows } = await db.raw(
    `select ${summaryColumns}, r.explanation, r.created_at, si.moq::float8 as moq, si.order_multiple::float8 as order_multiple,
            si.supplier_sku
       ${joins}
       left join supplier_items si on si.supplier_id = r.supplier_id and si.item_id = r.item_id
       ${noteCounts('recommendation_id = ?')}
      where r.id = ?
      ${options.forUpdate ? 'for update of r' : ''}`,
    [id, id],
  );
  if (!rows[0]) return undefined;
  const row = rows[0];
  return {
    ...toRecommendation(row),
    moq: row.moq ?? null,
    orderMultiple: row.order_multiple ?? null,
    supplierSku: row.supplier_sku ?? null,
    explanation: json(row.explanation) as Record<string, unknown>,
    createdAt: timestamp(row.created_at)!,
  };
}

/**
 * Writes a buyer's decision if the row is still at `expectedVersion`, bumping the version.
 * Returns false when another writer got there first (0 rows updated): the caller answers 412.
 */
export async function updateRecommendationDecision(
  db: Db,
  id: number,
  expectedVersion: number,
  decision: { status: RecommendationStatus; quantity: number; reasonCode: string | null; decidedBy: string },
): Promise<boolean> {
  const { rows } = await db.raw(
    `update recommendations
        set status = ?, quantity = ?, reason_code = ?, decided_by = ?, decided_at = now(), updated_at = now(), version = version + 1
      where id = ? and version = ?
      returning id`,
    [decision.status, decision.quantity, decision.reasonCode, decision.decidedBy, id, expectedVersion],
  );
  return rows.length === 1;
}

/**
 * Approves every proposed recommendation of a run for one supplier × location (a draft purchase order) in one
 * statement; lines with nothing to order stay proposed. Returns the approved rows as they now are.
 */
export async function approveDraftOrder(
  db: Db,
  input: { runId: number; supplierId: number; locationId: number; decidedBy: string },
): Promise<Array<RecommendationLineSource & { version: number }>> {
  const { rows } = await db.raw(
    `update recommendations
        set status = 'approved', reason_code = null, decided_by = ?, decided_at = now(), updated_at = now(), version = version + 1
      where run_id = ? and supplier_id = ? and location_id = ? and status = 'proposed' and quantity > 0
      returning id, status, supplier_id, location_id, item_id, quantity::float8 as quantity, unit_cost::float8 as unit_cost,
                need_by_date, version`,
    [input.decidedBy, input.runId, input.supplierId, input.locationId],
  );
  return rows
    .map((row: Record<string, unknown>) => ({
      recommendationId: Number(row.id),
      status: row.status as RecommendationStatus,
      supplierId: row.supplier_id as number,
      locationId: row.location_id as number,
      itemId: row.item_id as number,
      quantity: row.quantity as number,
      unitCost: (row.unit_cost as number | null) ?? null,
      needByDate: (row.need_by_date as string | null) ?? null,
      version: row.version as number,
    }))
    .sort((a: { recommendationId: number }, b: { recommendationId: number }) => a.recommendationId - b.recommendationId);
}

/** Appends audit events in one statement. */
export async function insertRecommendationEvents(
  db: Db,
  events: Array<{ recommendationId: number; actor: string; action: string; before: unknown; after: unknown; reason: string | null }>,
): Promise<void> {
  if (events.length === 0) return;
  await db.raw(
    `insert into recommendation_events (recommendation_id, actor, action, before, after, reason)
     select recommendation_id, actor, action, before, after, reason
       from jsonb_to_recordset(?::jsonb) as e(recommendation_id bigint, actor text, action text, before jsonb, after jsonb, reason text)`,
    [
      JSON.stringify(
        events.map((event) => ({
          recommendation_id: event.recommendationId,
          actor: event.actor,
          action: event.action,
          before: event.before ?? null,
          after: event.after ?? null,
          reason: event.reason,
        })),
      ),
    ],
  );
}

/** A recommendation's history, oldest first. */
export async function listRecommendationEvents(db: Db, recommendationId: number): Promise<RecommendationEvent[]> {
  const { rows } = await db.raw(
    `select id, actor, action, before, after, reason, created_at from recommendation_events where recommendation_id = ? order by id`,
    [recommendationId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    id: Number(row.id),
    actor: row.actor as string,
    action: row.action as string,
    before: json(row.before) ?? null,
    after: json(row.after) ?? null,
    reason: (row.reason as string | null) ?? null,
    createdAt: timestamp(row.created_at)!,
  }));
}

/** Marks recommendations exported (the ERP took them), bumping versions; returns id and new version of each. */
export async function markRecommendationsExported(db: Db, recommendationIds: number[], decidedBy: string): Promise<Array<{ id: number; version: number }>> {
  if (recommendationIds.length === 0) return [];
  const { rows } = await db.raw(
    `update recommendations set status = 'exported', decided_by = ?, updated_at = now(), version = version + 1
      where id = any(?::bigint[]) and status = 'approved'
      returning id, version`,
    [decidedBy, recommendationIds],
  );
  return rows.map((row: Record<string, unknown>) => ({ id: Number(row.id), version: row.version as number }));
}

/** Recommendations of the latest succeeded pipeline run by status (every status present, zero when none). */
export async function countRecommendationsByStatus(db: Db): Promise<Record<RecommendationStatus, number>> {
  const { rows } = await db.raw(
    `select s.status, count(r.id)::int as count
       from unnest(array['proposed', 'approved', 'rejected', 'exported']) as s(status)
       left join recommendations r
         on r.status = s.status
        and r.run_id = (select max(id) from forecast_runs where kind = 'pipeline' and status = 'succeeded')
      group by s.status`,
  );
  return Object.fromEntries(rows.map((row: { status: string; count: number }) => [row.status, row.count])) as Record<RecommendationStatus, number>;
}

/** What a decision on a line checks and what its purchase-order line needs. */
export interface DecisionState extends RecommendationLineSource {
  version: number;
  reasonCode: string | null;
}

/** The decision state of several recommendations (absent ids are left out). */
export async function findDecisionStates(db: Db, ids: number[]): Promise<DecisionState[]> {
  if (ids.length === 0) return [];
  const { rows } = await db.raw(
    `select id, status, supplier_id, location_id, item_id, quantity::float8 as quantity, unit_cost::float8 as unit_cost, need_by_date,
            version, reason_code
       from recommendations where id = any(?::bigint[]) order by id`,
    [ids],
  );
  return rows.map((row: Record<string, unknown>) => ({
    recommendationId: Number(row.id),
    status: row.status as RecommendationStatus,
    supplierId: (row.supplier_id as number | null) ?? null,
    locationId: row.location_id as number,
    itemId: row.item_id as number,
    quantity: row.quantity as number,
    unitCost: (row.unit_cost as number | null) ?? null,
    needByDate: (row.need_by_date as string | null) ?? null,
    version: row.version as number,
    reasonCode: (row.reason_code as string | null) ?? null,
  }));
}

/**
 * One status for several recommendations in one statement, each only if still at the version given for it; bumps
 * versions. Returns the ids written with their new versions.
 */
export async function updateDecisions(
  db: Db,
  lines: Array<{ id: number; version: number }>,
  decision: { status: RecommendationStatus; reasonCode: string | null; decidedBy: string },
): Promise<Array<{ id: number; version: number }>> {
  if (lines.length === 0) return [];
  const { rows } = await db.raw(
    `update recommendations r
        set status = ?, reason_code = ?, decided_by = ?, decided_at = now(), updated_at = now(), version = r.version + 1
       from jsonb_to_recordset(?::jsonb) as line(id bigint, version int)
      where r.id = line.id and r.version = line.version
      returning r.id, r.version`,
    [decision.status, decision.reasonCode, decision.decidedBy, JSON.stringify(lines)],
  );
  return rows.map((row: Record<string, unknown>) => ({ id: Number(row.id), version: row.version as number }));
}

/** Adds a note to a recommendation's history (not a decision: the version stays). Returns the event. */
export async function insertRecommendationNote(db: Db, recommendationId: number, actor: string, text: string): Promise<RecommendationEvent> {
  const { rows } = await db.raw(
    `insert into recommendation_events (recommendation_id, actor, action, reason) values (?, ?, 'note', ?)
     returning id, actor, action, before, after, reason, created_at`,
    [recommendationId, actor, text],
  );
  const row = rows[0] as Record<string, unknown>;
  return { id: Number(row.id), actor: row.actor as string, action: 'note', before: null, after: null, reason: row.reason as string, createdAt: timestamp(row.created_at)! };
}

/** The run's forecast of a line's item at its location, mean demand per period in step order (the planner's input). */
export async function forecastMeans(db: Db, runId: number, itemId: number, locationId: number): Promise<number[]> {
  const { rows } = await db.raw(`select mean from forecasts where run_id = ? and item_id = ? and location_id = ? order by step`, [runId, itemId, locationId]);
  return rows.map((row: { mean: number }) => row.mean);
}
