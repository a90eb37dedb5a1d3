import type { Db } from '../connection';

export interface SupplierSummary {
  id: number;
  externalId: string;
  name: string;
  currency: string;
  minOrderValue: number;
  reviewPeriodDays: number;
  orderCost: number;
  active: boolean;
  itemCount: number;
}

export interface SupplierCatalogueItem {
  itemId: number;
  sku: string;
  description: string;
  supplierSku: string | null;
  unitCost: number;
  moq: number;
  orderMultiple: number;
  promisedLeadTimeDays: number;
  priority: number;
}

const supplierColumns = `s.id, s.external_id, s.name, s.currency, s.min_order_value::float8 as min_order_value, s.review_period_days,
  s.order_cost::float8 as order_cost, s.active, (select count(*)::int from supplier_items si where si.supplier_id = s.id) as item_count`;

function toSupplier(row: Record<string, unknown>): SupplierSummary {
  return {
    id: row.id as number,
    externalId: row.external_id as string,
    name: row.name as string,
    currency: (row.currency as string).trim(),
    minOrderValue: row.min_order_value as number,
    reviewPeriodDays: row.review_period_days as number,
    orderCost: row.order_cost as number,
    active: row.active as boolean,
    itemCount: row.item_count as number,
  };
}

/** Suppliers in id order after `afterId` (keyset). */
export async function listSuppliers(db: Db, options: { afterId?: number; limit: number }): Promise<SupplierSummary[]> {
  const { rows } = await db.raw(`select ${supplierColumns} from suppliers s where s.id > ? order by s.id limit ?`, [options.afterId ?? 0, options.limit]);
  return rows.map(toSupplier);
}

export async function findSupplier(db: Db, id: number): Promise<SupplierSummary | undefined> {
  const { rows } = await db.raw(`select ${supplierColumns} from suppliers s where s.id = ?`, [id]);
  return rows[0] ? toSupplier(rows[0]) : undefined;
}

/** The items a supplier offers, with its terms, by SKU. */
export async function supplierCatalogue(db: Db, supplierId: number): Promise<SupplierCatalogueItem[]> {
  const { rows } = await db.raw(
    `select si.item_id, i.sku, i.description, si.supplier_sku, si.unit_cost::float8 as unit_cost, si.moq::float8 as moq,
            si.order_multiple::float8 as order_multiple, si.promised_lead_time_days, si.priority
       from supplier_items si join items i on i.id = si.item_id
      where si.supplier_id = ?
      order by i.sku`,
    [supplierId],
  );
  return rows.map((row: Record<string, unknown>) => ({
    itemId: row.item_id,
    sku: row.sku,
    description: row.description,
    supplierSku: row.supplier_sku ?? null,
    unitCost: row.unit_cost,
    moq: row.moq,
    orderMultiple: row.order_multiple,
    promisedLeadTimeDays: row.promised_lead_time_days,
    priority: row.priority,
  })) as SupplierCatalogueItem[];
}

/** Every item the supplier offers or was ever ordered from it: the items whose receipts show its lead times. */
export async function itemIdsOfSupplier(db: Db, supplierId: number): Promise<number[]> {
  const { rows } = await db.raw(
    `select item_id from supplier_items where supplier_id = ?
     union
     select pol.item_id from purchase_order_lines pol join purchase_orders po on po.id = pol.purchase_order_id where po.supplier_id = ?
     order by 1`,
    [supplierId, supplierId],
  );
  return rows.map((row: { item_id: number }) => row.item_id);
}

/** SKUs of items by id (for items ordered from a supplier that no longer offers them). */
export async function skusOf(db: Db, itemIds: number[]): Promise<Map<number, string>> {
  if (itemIds.length === 0) return new Map();
  const { rows } = await db.raw(`select id, sku from items where id = any(?::int[])`, [itemIds]);
  return new Map(rows.map((row: { id: number; sku: string }) => [row.id, row.sku]));
}

/** What one supplier's receipts of a window show: promised against actual days, lateness and punctuality. */
export interface DeliveryRecord {
  receiptCount: number;
  /** Mean of promised − order date, over receipts whose order carried a promise. */
  promisedMeanDays: number | null;
  /** Mean of received − order date. */
  actualMeanDays: number | null;
  /** 90th percentile of received − order date (linear interpolation, R's type 7, as learnLeadTimes). */
  actualP90Days: number | null;
  /** Mean of received − promised (positive: late), over receipts with a promise. */
  meanLatenessDays: number | null;
  /** Share of receipts with a promise received on or before it. */
  onTimeRate: number | null;
}

export interface SupplierDeliveries extends DeliveryRecord {
  supplierId: number;
  /**
   * The lateness trend: the least-squares slope of each receipt's lateness (received − promised) against its calendar
   * month, in days per month (positive: later and later, negative: earlier and earlier). Each month counts by its
   * receipts, so one odd month of two deliveries does not turn it. Null with receipts of fewer than two months.
   */
  latenessTrendDaysPerMonth: number | null;
  /** The same per calendar month of receipt, oldest first, months without receipts left out. */
  months: Array<DeliveryRecord & { month: string }>;
}

/**
 * Every supplier's receipts of the `months` calendar months up to `endDate` (inclusive), summed up as learnLeadTimes
 * observes them (mean, type-7 percentile, lateness against the order's or line's promise), over the window and per
 * month, in one statement. Suppliers without receipts in the window come with a count of 0.
 */
export async function supplierDeliveries(db: Db, options: { endDate: string; months: number }): Promise<SupplierDeliveries[]> {
  const { rows } = await db.raw(
    `with received as (
       select po.supplier_id, to_char(r.received_date, 'YYYY-MM') as month,
              (r.received_date - po.order_date)::float8 as actual_days,
              (coalesce(pol.promised_date, po.promised_date) - po.order_date)::float8 as promised_days,
              (r.received_date - coalesce(pol.promised_date, po.promised_date))::float8 as lateness_days,
              (extract(year from r.received_date) * 12 + extract(month from r.received_date))::float8 as month_number
         from receipts r
         join purchase_order_lines pol on pol.id = r.purchase_order_line_id
         join purchase_orders po on po.id = pol.purchase_order_id
        where r.received_date <= ?::date
          and r.received_date >= (date_trunc('month', ?::date) - make_interval(months => ? - 1))::date
     ), summed as (
       select supplier_id, month, count(*)::int as receipt_count, avg(promised_days) as promised_mean_days, avg(actual_days) as actual_mean_days,
              percentile_cont(0.9) within group (order by actual_days) as actual_p90_days, avg(lateness_days) as mean_lateness_days,
              (count(*) filter (where lateness_days <= 0))::float8 / nullif(count(lateness_days), 0) as on_time_rate,
              regr_slope(lateness_days, month_number) as lateness_trend
         from received
        group by grouping sets ((supplier_id), (supplier_id, month))
     )
     select s.id as supplier_id, w.receipt_count, w.promised_mean_days, w.actual_mean_days, w.actual_p90_days, w.mean_lateness_days, w.on_time_rate,
            w.lateness_trend,
            (select coalesce(json_agg(json_build_object('month', m.month, 'receiptCount', m.receipt_count, 'promisedMeanDays', m.promised_mean_days,
                      'actualMeanDays', m.actual_mean_days, 'actualP90Days', m.actual_p90_days, 'meanLatenessDays', m.mean_lateness_days,
                      'onTimeRate', m.on_time_rate) order by m.month), '[]'::json)
               from summed m where m.supplier_id = s.id and m.month is not null) as months
       from suppliers s
       left join summed w on w.supplier_id = s.id and w.month is null
      order by s.id`,
    [options.endDate, options.endDate, options.months],
  );
  return rows.map((row: Record<string, unknown>) => ({
    supplierId: row.supplier_id as number,
    receiptCount: (row.receipt_count as number | null) ?? 0,
    promisedMeanDays: (row.promised_mean_days as number | null) ?? null,
    actualMeanDays: (row.actual_mean_days as number | null) ?? null,
    actualP90Days: (row.actual_p90_days as number | null) ?? null,
    meanLatenessDays: (row.mean_lateness_days as number | null) ?? null,
    onTimeRate: (row.on_time_rate as number | null) ?? null,
    latenessTrendDaysPerMonth: (row.lateness_trend as number | null) ?? null,
    months: (typeof row.months === 'string' ? JSON.parse(row.months) : row.months) as SupplierDeliveries['months'],
  }));
}

/** The day a supplier record ends: the latest succeeded pipeline run's as-of date, else the latest receipt; null with neither. */
export async function deliveryRecordEndDate(db: Db, runKind: string): Promise<string | null> {
  const { rows } = await db.raw(
    `select coalesce((select as_of_date from forecast_runs where kind = ? and status = 'succeeded' and as_of_date is not null order by id desc limit 1),
                     (select max(received_date) from receipts)) as end_date`,
    [runKind],
  );
  return (rows[0]?.end_date as string | null) ?? null;
}
