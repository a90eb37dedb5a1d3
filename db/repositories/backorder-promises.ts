import type { Knex } from 'knex';
import type { ChangeCause, LinePromise, PromiseChange } from '../../models/policy/promise-changes';
import type { Db } from '../connection';

/** The promise each open backordered line has now (not shipped, not cancelled), by sales-order line id. */
export async function openPromises(db: Db): Promise<Map<number, LinePromise>> {
  const { rows } = await db.raw(`select sales_order_line_id, status, eta, eta_late_case, supply from backorder_promises where status not in ('shipped', 'cancelled')`);
  return new Map(
    rows.map((row: Record<string, unknown>) => [
      row.sales_order_line_id as number,
      { status: row.status, eta: row.eta ?? null, etaLateCase: row.eta_late_case ?? null, supply: row.supply as string[] } as LinePromise,
    ]),
  );
}

/** Of these lines, those whose sales order is cancelled. */
export async function cancelledLines(db: Db, salesOrderLineIds: number[]): Promise<Set<number>> {
  if (salesOrderLineIds.length === 0) return new Set();
  const { rows } = await db.raw(
    `select sol.id from sales_order_lines sol join sales_orders so on so.id = sol.sales_order_id
      where sol.id = any(?::int[]) and so.status = 'cancelled'`,
    [salesOrderLineIds],
  );
  return new Set(rows.map((row: { id: number }) => row.id));
}

/** What events and the history name a line by. */
export interface LineReference {
  salesOrderLineId: number;
  salesOrderLine: string;
  salesOrder: string;
  customerRef: string;
  sku: string;
  location: string;
}

export async function lineReferences(db: Db, salesOrderLineIds: number[]): Promise<Map<number, LineReference>> {
  if (salesOrderLineIds.length === 0) return new Map();
  const { rows } = await db.raw(
    `select sol.id, sol.external_id as line, so.external_id as sales_order, so.customer_ref, i.sku, l.code as location
       from sales_order_lines sol join sales_orders so on so.id = sol.sales_order_id
       join items i on i.id = sol.item_id join locations l on l.id = so.location_id
      where sol.id = any(?::int[])`,
    [salesOrderLineIds],
  );
  return new Map(
    rows.map((row: Record<string, string & number>) => [
      row.id,
      { salesOrderLineId: row.id, salesOrderLine: row.line, salesOrder: row.sales_order, customerRef: row.customer_ref, sku: row.sku, location: row.location },
    ]),
  );
}

/**
 * The day a line that is no longer backordered shipped, as of the run at `asOf` (a date parameter): the ERP's shipped
 * date, else the received date of the receipt last allocated to it, else the run's as-of date; a date not after the
 * run that first found the line backordered (a shipment from before its backorder) or after this run does not count.
 */
const shippedOnSql = (line: string, firstBackorderedOn: string, asOf: string) => `coalesce(
  (select sol.shipped_date from sales_order_lines sol
    where sol.id = ${line} and sol.shipped_date > ${firstBackorderedOn} and sol.shipped_date <= ${asOf}),
  (select max(r.received_date) from receipt_allocations ra join receipts r on r.id = ra.receipt_id
    where ra.sales_order_line_id = ${line} and r.received_date > ${firstBackorderedOn} and r.received_date <= ${asOf}),
  ${asOf})`;

/**
 * Writes the run's promise changes: the current promise per line (first ETAs kept from the first that had one, the
 * ship date set for a line that shipped) and one history row per change, a receipt or shipped change naming the
 * receipt last allocated to the line. Two statements for the whole run.
 */
export async function savePromiseChanges(
  db: Db,
  options: { runId: number; asOfDate: string; changes: PromiseChange[]; quantities: Map<number, number> },
): Promise<void> {
  const { changes } = options;
  if (changes.length === 0) return;
  const column = <T>(pick: (change: PromiseChange) => T) => changes.map(pick);
  const supplyText = (supply: string[]) => `{${supply.map((key) => `"${key}"`).join(',')}}`;
  await db.raw(
    `insert into backorder_promises as p (sales_order_line_id, status, eta, eta_late_case, supply, first_eta, first_eta_late_case,
                                          quantity_backordered, first_backordered_on, shipped_on, run_id, updated_at)
     select c.line, c.status, c.eta, c.eta_late_case, c.supply::text[], c.eta, c.eta_late_case, coalesce(c.quantity, 0), ?::date,
            case when c.status = 'shipped' then ?::date end, ?, now()
       from unnest(?::int[], ?::text[], ?::date[], ?::date[], ?::text[], ?::numeric[]) as c(line, status, eta, eta_late_case, supply, quantity)
     on conflict (sales_order_line_id) do update
        set status = excluded.status, eta = excluded.eta, eta_late_case = excluded.eta_late_case, supply = excluded.supply,
            first_eta = coalesce(p.first_eta, excluded.eta), first_eta_late_case = coalesce(p.first_eta_late_case, excluded.eta_late_case),
            quantity_backordered = case when excluded.status in ('shipped', 'cancelled') then p.quantity_backordered else excluded.quantity_backordered end,
            shipped_on = case when excluded.status = 'shipped' then ${shippedOnSql('p.sales_order_line_id', 'p.first_backordered_on', 'excluded.shipped_on')} end,
            run_id = excluded.run_id, updated_at = now()`,
    [
      options.asOfDate,
      options.asOfDate,
      options.runId,
      column((change) => change.salesOrderLineId),
      column((change) => change.next.status),
      column((change) => change.next.eta),
      column((change) => change.next.etaLateCase),
      column((change) => supplyText(change.next.supply)),
      column((change) => options.quantities.get(change.salesOrderLineId) ?? null),
    ] as unknown as Knex.RawBinding[],
  );
  await db.raw(
    `insert into backorder_promise_changes (sales_order_line_id, cause, old_status, new_status, old_eta, new_eta, old_eta_late_case,
                                            new_eta_late_case, old_supply, new_supply, run_id, changed_on, receipt_id)
     select c.line, c.cause, c.old_status, c.new_status, c.old_eta, c.new_eta, c.old_late, c.new_late, c.old_supply::text[], c.new_supply::text[], ?, ?::date,
            case when c.cause in ('receipt', 'shipped') then
              (select ra.receipt_id from receipt_allocations ra join receipts r on r.id = ra.receipt_id
                where ra.sales_order_line_id = c.line and r.received_date <= ?::date
                order by r.received_date desc, r.id desc limit 1) end
       from unnest(?::int[], ?::text[], ?::text[], ?::text[], ?::date[], ?::date[], ?::date[], ?::date[], ?::text[], ?::text[])
            with ordinality as c(line, cause, old_status, new_status, old_eta, new_eta, old_late, new_late, old_supply, new_supply, position)
      order by c.position`,
    [
      options.runId,
      options.asOfDate,
      options.asOfDate,
      column((change) => change.salesOrderLineId),
      column((change) => change.cause),
      column((change) => change.previous?.status ?? null),
      column((change) => change.next.status),
      column((change) => change.previous?.eta ?? null),
      column((change) => change.next.eta),
      column((change) => change.previous?.etaLateCase ?? null),
      column((change) => change.next.etaLateCase),
      column((change) => (change.previous ? supplyText(change.previous.supply) : null)),
      column((change) => supplyText(change.next.supply)),
    ] as unknown as Knex.RawBinding[],
  );
}

/** One change of a line's promise, as GET /backorders/:salesOrderLineId shows it. */
export interface PromiseHistoryEntry {
  changedOn: string;
  cause: ChangeCause;
  runId: number | null;
  oldStatus: string | null;
  newStatus: string;
  oldEta: string | null;
  newEta: string | null;
  oldEtaLateCase: string | null;
  newEtaLateCase: string | null;
  oldSupply: string[] | null;
  newSupply: string[];
  /** A receipt or shipped change: the external id of the receipt last allocated to the line. */
  receipt: string | null;
  recordedAt: string;
}

export async function promiseHistory(db: Db, salesOrderLineId: number): Promise<PromiseHistoryEntry[]> {
  const { rows } = await db.raw(
    `select c.changed_on, c.cause, c.run_id, c.old_status, c.new_status, c.old_eta, c.new_eta, c.old_eta_late_case, c.new_eta_late_case,
            c.old_supply, c.new_supply, r.external_id as receipt, c.created_at
       from backorder_promise_changes c left join receipts r on r.id = c.receipt_id
      where c.sales_order_line_id = ? order by c.id`,
    [salesOrderLineId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    changedOn: row.changed_on as string,
    cause: row.cause as ChangeCause,
    runId: row.run_id === null ? null : Number(row.run_id),
    oldStatus: (row.old_status as string | null) ?? null,
    newStatus: row.new_status as string,
    oldEta: (row.old_eta as string | null) ?? null,
    newEta: (row.new_eta as string | null) ?? null,
    oldEtaLateCase: (row.old_eta_late_case as string | null) ?? null,
    newEtaLateCase: (row.new_eta_late_case as string | null) ?? null,
    oldSupply: (row.old_supply as string[] | null) ?? null,
    newSupply: row.new_supply as string[],
    receipt: (row.receipt as string | null) ?? null,
    recordedAt: new Date(row.created_at as string).toISOString(),
  }));
}

/** ETA accuracy over shipped lines: the share on time by each measure, by lines and by units, and the mean days late. */
export interface AccuracyRow {
  supplierId: number | null;
  lines: number;
  units: number;
  /** measure → { lines on time share, units on time share, mean days late (0 for on time) } */
  measures: Record<'firstEta' | 'lastEta' | 'firstEtaLateCase' | 'lastEtaLateCase', { onTimeLines: number; onTimeUnits: number; meanDaysLate: number }>;
}

/**
 * Over the lines that shipped (in [from, to] when given) and had a date: per supplier (of the first purchase-order
 * line the last promise rested on; null: stock or recommendations) and for all (supplierId undefined → the total row
 * has `all: true`). One query, grouping sets.
 */
export async function etaAccuracy(db: Db, range: { from?: string; to?: string }): Promise<Array<AccuracyRow & { all: boolean }>> {
  const measure = (column: string, name: string) => `
      (count(*) filter (where p.shipped_on <= p.${column}))::float8 / nullif(count(*), 0) as ${name}_lines,
      (sum(p.quantity_backordered) filter (where p.shipped_on <= p.${column}))::float8 / nullif(sum(p.quantity_backordered), 0) as ${name}_units,
      avg(greatest(p.shipped_on - p.${column}, 0))::float8 as ${name}_late`;
  const { rows } = await db.raw(
    `with shipped as (
       select p.*, (select po.supplier_id from unnest(p.supply) as s(key)
                      join purchase_order_lines pol on pol.id = substring(s.key from '^purchase-order:(\\d+)$')::int
                      join purchase_orders po on po.id = pol.purchase_order_id limit 1) as supplier_id
         from backorder_promises p
        where p.status = 'shipped' and p.first_eta is not null and p.eta is not null
          and (?::date is null or p.shipped_on >= ?::date) and (?::date is null or p.shipped_on <= ?::date)
     )
     select p.supplier_id, grouping(p.supplier_id) = 1 as all_suppliers, count(*)::int as lines, coalesce(sum(p.quantity_backordered), 0)::float8 as units,
            ${measure('first_eta', 'first_eta')}, ${measure('eta', 'last_eta')},
            ${measure('first_eta_late_case', 'first_late')}, ${measure('eta_late_case', 'last_late')}
       from shipped p
      group by grouping sets ((), (p.supplier_id))
      order by all_suppliers desc, p.supplier_id nulls last`,
    [range.from ?? null, range.from ?? null, range.to ?? null, range.to ?? null],
  );
  const pick = (row: Record<string, unknown>, name: string) => ({
    onTimeLines: (row[`${name}_lines`] as number | null) ?? 0,
    onTimeUnits: (row[`${name}_units`] as number | null) ?? 0,
    meanDaysLate: (row[`${name}_late`] as number | null) ?? 0,
  });
  return rows.map((row: Record<string, unknown>) => ({
    supplierId: (row.supplier_id as number | null) ?? null,
    all: row.all_suppliers as boolean,
    lines: row.lines as number,
    units: row.units as number,
    measures: { firstEta: pick(row, 'first_eta'), lastEta: pick(row, 'last_eta'), firstEtaLateCase: pick(row, 'first_late'), lastEtaLateCase: pick(row, 'last_late') },
  }));
}
