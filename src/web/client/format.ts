/** Number and date formats of the page: quantities to 1 decimal when fractional, money to cents with its currency. */

const quantityFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
const preciseFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
const moneyFormat = new Intl.NumberFormat('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const absent = (value: unknown): value is null | undefined => value === null || value === undefined;

export const quantity = (value: number | null | undefined): string => (absent(value) ? '–' : quantityFormat.format(value));
export const precise = (value: number | null | undefined): string => (absent(value) ? '–' : preciseFormat.format(value));
/** An amount with the currency it is in (the supplier's): amounts of different currencies are never added up. */
export const money = (value: number | null | undefined, currency?: string | null): string =>
  absent(value) ? '–' : currency ? `${currency} ${moneyFormat.format(value)}` : moneyFormat.format(value);
export const percent = (value: number | null | undefined): string => (absent(value) ? '–' : `${preciseFormat.format(value * 100)} %`);
export const date = (value: string | null | undefined): string => value ?? '–';
export const days = (value: number | null | undefined): string => (absent(value) ? '–' : `${preciseFormat.format(value)} d`);
/** 2026-12-02 as "2 Dec", with the year when it is not `year` (the run's). */
export function shortDate(value: string | null | undefined, year?: string): string {
  if (!value) return '–';
  const [y, m, d] = value.split('-');
  return `${Number(d)} ${months[Number(m) - 1]}${year && y !== year ? ` ${y}` : ''}`;
}
export const monthName = (month: number) => months[month];
/** The gap between stock-out and arrival in words: "12 d short", "3 d to spare", "on time". */
export function shortage(daysShort: number | null | undefined): string {
  if (absent(daysShort)) return 'no stock-out';
  if (daysShort > 0) return `${daysShort} d short`;
  return daysShort === 0 ? 'just in time' : `${-daysShort} d to spare`;
}
/** How bad the gap is, for its colour: out of stock for two weeks or more, some days, none. */
export function shortageGrade(daysShort: number | null | undefined): 'severe' | 'short' | 'tight' | 'clear' {
  if (absent(daysShort)) return 'clear';
  if (daysShort >= 14) return 'severe';
  if (daysShort > 0) return 'short';
  return daysShort > -7 ? 'tight' : 'clear';
}

/** Below this many days a month either way, the lateness is called steady. */
const STEADY_DAYS_PER_MONTH = 0.25;

/**
 * The API's lateness trend (days per month, the slope over every receipt) in a buyer's words: whether deliveries
 * come later or earlier each month, said against where they stand (a late supplier getting earlier is "less late").
 */
export function trendWords(slope: number | null, meanLatenessDays: number | null): string {
  if (slope === null) return 'too few months';
  if (Math.abs(slope) < STEADY_DAYS_PER_MONTH) return 'steady';
  const late = (meanLatenessDays ?? 0) > 0;
  const words = slope > 0 ? (late ? 'later each month' : 'less early each month') : late ? 'less late each month' : 'earlier each month';
  return `${words} (${slope > 0 ? '+' : '−'}${precise(Math.abs(slope))} d a month)`;
}
