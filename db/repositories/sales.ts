import type { Db } from '../connection';
import { addDays, lastSundayOnOrBefore } from '../dates';

export interface WeeklySeries {
  itemId: number;
  locationId: number;
  /** Units sold per week, oldest first; a week without rows is zero. */
  quantities: number[];
  /** Days flagged out of stock per week (0..7): those weeks' sales understate demand. */
  outOfStockDays: number[];
  /** Of those, the days that still sold (the stock ran out during the day); absent where unknown (all zero). */
  soldOutDays?: number[];
}

export interface WeeklySales {
  /** The Sunday that ends each week, oldest first; the last is the Sunday on or before endDate. */
  weekEnds: string[];
  series: WeeklySeries[];
}

/**
 * Weekly (Monday to Sunday) sales of the given items at every location they are stocked at, over the `weeks` complete
 * weeks ending on or before `endDate`, in one query for the whole chunk. Absent days count as zero sales.
 */
export async function weeklySales(db: Db, itemIds: number[], options: { endDate: string; weeks: number }): Promise<WeeklySales> {
  const lastWeekEnd = lastSundayOnOrBefore(options.endDate);
  const firstDay = addDays(lastWeekEnd, -7 * options.weeks + 1);
  const weekEnds = Array.from({ length: options.weeks }, (_, week) => addDays(firstDay, 7 * week + 6));
  if (itemIds.length === 0) return { weekEnds, series: [] };
  // weekly_sales (kept equal to daily_sales by triggers) as sparse {week: value} objects, zero-filled here: no per-row
  // cross join with the weeks and no per-series sort (array_agg ... order by is slow, on PGlite four times slower).
  // Weeks before the window fall in week -1, which only marks that the pair exists.
  const { rows } = await db.raw(
    `with weekly as (
       select item_id, location_id, case when week_start < ?::date then -1 else (week_start - ?::date) / 7 end as week,
              quantity::float8 as quantity, out_of_stock_days::int as out_of_stock_days, sold_out_days::int as sold_out_days
         from weekly_sales
        where item_id = any(?::int[]) and week_start <= ?::date
     ), stocked as (
       select item_id, location_id, week, quantity, out_of_stock_days, sold_out_days from weekly
       union all
       select distinct item_id, location_id, -1, 0, 0, 0 from on_hand_snapshots where item_id = any(?::int[])
     )
     select item_id, location_id,
            json_object_agg(week, quantity) filter (where week >= 0) as quantities,
            json_object_agg(week, out_of_stock_days) filter (where week >= 0 and out_of_stock_days > 0) as out_of_stock_days,
            json_object_agg(week, sold_out_days) filter (where week >= 0 and sold_out_days > 0) as sold_out_days
       from stocked
      group by item_id, location_id
      order by item_id, location_id`,
    [firstDay, firstDay, itemIds, addDays(lastWeekEnd, -6), itemIds],
  );
  const dense = (sparse: Record<string, number> | null) => {
    const values = new Array<number>(options.weeks).fill(0);
    for (const [week, value] of Object.entries(sparse ?? {})) values[Number(week)] = value;
    return values;
  };
  return {
    weekEnds,
    series: rows.map((row: Record<string, unknown>) => ({
      itemId: row.item_id as number,
      locationId: row.location_id as number,
      quantities: dense(row.quantities as Record<string, number> | null),
      outOfStockDays: dense(row.out_of_stock_days as Record<string, number> | null),
      soldOutDays: dense(row.sold_out_days as Record<string, number> | null),
    })),
  };
}
