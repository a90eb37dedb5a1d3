/**
 * Buyers' forecast overrides and their forecast value added (Gilliland, "The Business Forecasting Deal", 2010, ch. 4:
 * FVA = the error of the statistical forecast − the error of the overridden one, positive when the override helped).
 */

export type OverrideMode = 'absolute' | 'percent';

export interface OverrideValue {
  mode: OverrideMode;
  /** Units per week (absolute), or a percentage of the statistical forecast to add (percent: 20 = 20 % more). */
  value: number;
}

/** The week's forecast under an override: the stated units, or the statistical forecast × (1 + value / 100). */
export function overriddenWeek(statistical: number, override: OverrideValue): number {
  return override.mode === 'absolute' ? override.value : Math.max(0, statistical * (1 + override.value / 100));
}

export interface ComparedWeek {
  /** What the weeks are grouped by: the buyer, or the reason. */
  group: string;
  actual: number;
  statistical: number;
  override: number;
}

export interface ValueAdded {
  group: string;
  weeks: number;
  statisticalMae: number;
  overrideMae: number;
  /** Mean absolute percentage error over the weeks with demand (actual > 0), in percent; null without any. */
  statisticalMape: number | null;
  overrideMape: number | null;
  /** statisticalMae − overrideMae: positive when the overrides brought the forecast closer to the demand. */
  valueAdded: number;
  /** Weeks the override was strictly closer to the actual demand than the statistical forecast. */
  overrideCloser: number;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** MAE and MAPE of the statistical and the overridden forecast per group, groups in order of first appearance. */
export function forecastValueAdded(weeks: ComparedWeek[]): ValueAdded[] {
  const groups = new Map<string, ComparedWeek[]>();
  for (const week of weeks) groups.set(week.group, [...(groups.get(week.group) ?? []), week]);
  return [...groups].map(([group, rows]) => {
    const withDemand = rows.filter((row) => row.actual > 0);
    const mape = (forecast: (row: ComparedWeek) => number) =>
      withDemand.length === 0 ? null : 100 * mean(withDemand.map((row) => Math.abs(row.actual - forecast(row)) / row.actual));
    const statisticalMae = mean(rows.map((row) => Math.abs(row.actual - row.statistical)));
    const overrideMae = mean(rows.map((row) => Math.abs(row.actual - row.override)));
    return {
      group,
      weeks: rows.length,
      statisticalMae,
      overrideMae,
      statisticalMape: mape((row) => row.statistical),
      overrideMape: mape((row) => row.override),
      valueAdded: statisticalMae - overrideMae,
      overrideCloser: rows.filter((row) => Math.abs(row.actual - row.override) < Math.abs(row.actual - row.statistical)).length,
    };
  });
}
