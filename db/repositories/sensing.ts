import type { Db } from '../connection';
import { addDays } from '../dates';

export interface SensingRow {
  itemId: number;
  locationId: number;
  demandClass: string;
  weekMean: number;
  weekUpper95: number | null;
  /** `days` days through `throughDate`, oldest first; days without a row are zero sales in stock. */
  days: Array<{ quantity: number; outOfStock: boolean }>;
}

/**
 * What a sense run reads, in one query: each pair's first forecast week in the pipeline run `runId` and its daily
 * sales over the `days` days through `throughDate` (primary-key range reads of daily_sales).
 */
export async function sensingInputs(db: Db, runId: number, throughDate: string, days: number): Promise<SensingRow[]> {
  const firstDay = addDays(throughDate, -(days - 1));
  const { rows } = await db.raw(
    `select f.item_id, f.location_id, ff.demand_class, f.mean::float8 as mean, f.hi_95::float8 as hi_95,
            coalesce((select jsonb_agg(jsonb_build_array((d.sales_date - ?::date)::int, d.quantity::float8, d.out_of_stock))
                        from daily_sales d
                       where d.item_id = f.item_id and d.location_id = f.location_id and d.sales_date between ?::date and ?::date), '[]'::jsonb) as days
       from forecasts f
       join forecast_fits ff on ff.run_id = f.run_id and ff.item_id = f.item_id and ff.location_id = f.location_id
       join items i on i.id = f.item_id and i.active
      where f.run_id = ? and f.step = 1
      order by f.item_id, f.location_id`,
    [firstDay, firstDay, throughDate, runId],
  );
  return rows.map((row: Record<string, unknown>) => {
    const series = Array.from({ length: days }, () => ({ quantity: 0, outOfStock: false }));
    for (const [offset, quantity, outOfStock] of row.days as Array<[number, number, boolean]>) series[offset] = { quantity, outOfStock };
    return {
      itemId: Number(row.item_id),
      locationId: Number(row.location_id),
      demandClass: row.demand_class as string,
      weekMean: Number(row.mean),
      weekUpper95: row.hi_95 === null ? null : Number(row.hi_95),
      days: series,
    };
  });
}
