/**
 * The automatic forecast on a cleaned history: outliers found as forecast::tsoutliers (outliers.ts) are replaced
 * before the model is chosen and fitted, so a one-week promotion neither lifts the level nor widens the error
 * spread the safety stock is built on. The nightly forecast stage and `replen forecast` both call this, so a file
 * forecast and a nightly forecast agree.
 */
import { autoForecast, type AutoForecast, type AutoForecastOptions } from './auto';
import { classifyDemand } from './classify';
import { cleanHistory } from './outliers';

export interface CleanedForecastOptions extends AutoForecastOptions {
  /** Replace outliers before fitting (default true; `replen forecast --no-clean` turns it off). */
  clean?: boolean;
  /** Positions that events explain: their demand is kept. */
  explained?: boolean[];
}

export interface CleanedForecast extends AutoForecast {
  /** The positions replaced before fitting, with the value seen and the one used. */
  cleaned: Array<{ index: number; value: number; replacement: number }>;
  /** Where the recent level shift starts (0-based), or null. */
  levelShiftAt: number | null;
}

/**
 * The last values never cleaned: a rise in the latest weeks may be a surge starting, which demand sensing judges
 * against the forecast's quantiles; once older than this, a one-off week is cleaned like any other.
 */
export const RECENT_PERIODS_KEPT = 2;

/**
 * Only smooth and erratic demand is cleaned: in intermittent or lumpy series every demand is far from the zeros
 * around it, and tsoutliers' spread of residuals would call most of them outliers.
 */
export function cleanedForecast(values: number[], options: CleanedForecastOptions): CleanedForecast {
  const { clean = true, explained, ...forecastOptions } = options;
  const demandClass = classifyDemand(values.filter(Number.isFinite)).demandClass;
  if (!clean || (demandClass !== 'smooth' && demandClass !== 'erratic')) {
    return { ...autoForecast(values, forecastOptions), cleaned: [], levelShiftAt: null };
  }
  const history = cleanHistory(values, { seasonLength: options.seasonLength, explained, protectRecent: RECENT_PERIODS_KEPT });
  // tsoutliers interpolates a spike among small values on the seasonally adjusted scale, which can fall below zero;
  // demand cannot, and autoForecast takes a history with a negative value for one whose forecast may go negative.
  const floor = values.some((value) => value < 0) ? (value: number) => value : (value: number) => Math.max(0, value);
  const cleaned = history.outliers.index.map((index, k) => ({ index, value: values[index], replacement: floor(history.outliers.replacements[k]) }));
  return { ...autoForecast(history.values.map(floor), forecastOptions), cleaned, levelShiftAt: history.levelShiftAt };
}
