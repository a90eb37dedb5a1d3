import { addDays } from '../../../db/dates';
import type { ItemForecast } from '../../../db/repositories/forecasts';
import type { ForecastOverride } from '../../../db/repositories/overrides';
import { overriddenWeek } from '../../../models/forecast/value-added';

/**
 * The forecast a buyer's overrides leave for planning: each week (Monday to Sunday) overlapping an override's range
 * is planned at its units per week or its percentage of the statistical forecast; where two overlap, the newest
 * wins. With the note the explanation shows, or no note when none applies.
 */
export function overriddenForecast(forecast: ItemForecast, overrides: ForecastOverride[] | undefined): { forecast: ItemForecast; note?: string } {
  if (!overrides || overrides.length === 0) return { forecast };
  const used = new Map<ForecastOverride, string[]>();
  const mean = forecast.mean.map((statistical, step) => {
    const weekStart = forecast.periodStarts[step];
    const weekEnd = addDays(weekStart, 6);
    const override = overrides.filter((one) => one.startDate <= weekEnd && one.endDate >= weekStart).sort((a, b) => b.id - a.id)[0];
    if (!override) return statistical;
    used.set(override, [...(used.get(override) ?? []), weekStart]);
    return overriddenWeek(statistical, override);
  });
  if (used.size === 0) return { forecast };
  const note = [...used]
    .map(([override, weeks]) => {
      const level = override.mode === 'absolute' ? `${override.value} per week` : `the forecast ${override.value >= 0 ? '+' : ''}${override.value} %`;
      return `buyer override ${override.id} (${override.reason}, by ${override.createdBy}): ${weeks.length} week${weeks.length === 1 ? '' : 's'} from ${weeks[0]} planned at ${level}`;
    })
    .join('; ');
  return { forecast: { ...forecast, mean }, note };
}
