/**
 * Demand sensing within the week: recent daily sales against the forecast's quantiles for the same days.
 *
 * The forecast is weekly; its first week stands for the days around its origin too. A week's spread is read off the
 * stored 95 % upper bound as a normal one (σ = (upper95 − mean) / z(0.975)), and n days of it have mean n/7 of the
 * week's and σ·√(n/7) (days independent). Spike: the sales of today so far, or of the last 7 days with today, above
 * the 99 % quantile of as many days; drop: the last 7 complete days below the 1 % quantile; bias: the tracking signal
 * of the last 8 complete days' errors beyond ±4 (trackingSignal). Drops and bias are judged on steady demand only and
 * never on days out of stock: for intermittent demand a run of zero days is ordinary, and on a day out of stock the
 * sales say nothing of demand. For intermittent demand a spike is judged over the 7 days only: one day's sale of a
 * slow mover is no surge, and the normal reading of its skewed spread puts the 99 % quantile of a day below one unit.
 *
 * A change re-plans the near weeks (replanFactors) by its excess only: the sales beyond the quantile the forecast
 * allows for those days, not their whole ratio to the forecast. Sales just past the 99 % quantile are what the
 * forecast's own spread makes likely somewhere in a catalogue every day (1 pair in 100 per check); planning them at
 * their ratio for weeks buys the whole catalogue stock against noise, while a real surge stands far beyond the bound.
 */
import { trackingSignal } from './outliers';

export interface SensingInput {
  /** The forecast's first week: mean and 95 % upper bound. */
  weekMean: number;
  weekUpper95: number;
  /** Drops and bias are only judged on smooth or erratic demand. */
  steady: boolean;
  /** The last 9 days, oldest first, today (maybe a part day) last. */
  days: Array<{ quantity: number; outOfStock: boolean }>;
}

export type SensedKind = 'spike' | 'drop' | 'bias';

export interface SensedChange {
  kind: SensedKind;
  /** Sales over the days judged, the forecast for them and the quantile crossed (or the tracking signal). */
  details: Record<string, number>;
  /** Sales over forecast on the days judged. */
  ratio: number;
  /** How many days were judged. */
  days: number;
  /**
   * Units sold over those days beyond the quantile the forecast allows: above its 99 % quantile (> 0), below its 1 %
   * (< 0), 0 when within both (a bias whose days stay inside the spread). What the near weeks are re-planned by.
   */
  excess: number;
}

export const SENSING_DAYS = 9;
const Z_975 = 1.959963984540054;
const Z_99 = 2.3263478740408408;
const TRACKING_SIGNAL_LIMIT = 4;
const TRACKING_SIGNAL_DAYS = 8;
const WEEK = 7;
/** A sensed excess carried into the re-plan loses half its weight each week: a surge seen again keeps its level at the next sense run, a one-off is mostly gone before the order it raises arrives. */
export const REPLAN_WEEKLY_FADE = 0.5;
/** The re-planned weeks stay within these multiples of the forecast: a first day's sales are a noisy guide. */
export const REPLAN_FACTOR_LIMITS = [0.25, 4] as const;

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const round = (value: number) => Number(value.toFixed(3));

/** The quantiles of n days of the forecast's first week (normal, from its 95 % upper bound). */
function daysQuantiles(input: SensingInput, dayCount: number) {
  const weekSd = Math.max(0, (input.weekUpper95 - input.weekMean) / Z_975);
  const mean = (input.weekMean * dayCount) / WEEK;
  const sd = weekSd * Math.sqrt(dayCount / WEEK);
  return { mean, lower01: Math.max(0, mean - Z_99 * sd), upper99: mean + Z_99 * sd };
}

/** What the recent days say about the forecast: at most one spike or drop, and a bias. */
export function senseDemand(input: SensingInput): SensedChange[] {
  if (input.days.length !== SENSING_DAYS) throw new Error(`senseDemand: needs the last ${SENSING_DAYS} days, got ${input.days.length}`);
  if (!(Number.isFinite(input.weekMean) && input.weekMean >= 0 && Number.isFinite(input.weekUpper95))) return [];
  const changes: SensedChange[] = [];
  const today = input.days[SENSING_DAYS - 1].quantity;
  const lastWeek = input.days.slice(-WEEK);
  const lastWeekSales = sum(lastWeek.map((day) => day.quantity));
  const oneDay = daysQuantiles(input, 1);
  const sevenDays = daysQuantiles(input, WEEK);
  const spikeOf = (sales: number, days: number, quantiles: ReturnType<typeof daysQuantiles>): SensedChange => ({
    kind: 'spike',
    details: { days, sales: round(sales), forecast: round(quantiles.mean), upper99: round(quantiles.upper99) },
    ratio: quantiles.mean > 0 ? sales / quantiles.mean : Number.POSITIVE_INFINITY,
    days,
    excess: sales - quantiles.upper99,
  });
  if (lastWeekSales > sevenDays.upper99) changes.push(spikeOf(lastWeekSales, WEEK, sevenDays));
  else if (input.steady && today > oneDay.upper99) changes.push(spikeOf(today, 1, oneDay));

  const complete = input.days.slice(0, -1);
  if (!input.steady || complete.some((day) => day.outOfStock) || input.weekMean === 0) return changes;
  const completeWeek = complete.slice(-WEEK);
  const completeWeekSales = sum(completeWeek.map((day) => day.quantity));
  if (changes.length === 0 && completeWeekSales < sevenDays.lower01) {
    changes.push({
      kind: 'drop',
      details: { days: WEEK, sales: round(completeWeekSales), forecast: round(sevenDays.mean), lower01: round(sevenDays.lower01) },
      ratio: completeWeekSales / sevenDays.mean,
      days: WEEK,
      excess: completeWeekSales - sevenDays.lower01,
    });
  }
  const errors = complete.slice(-TRACKING_SIGNAL_DAYS).map((day) => day.quantity - input.weekMean / WEEK);
  const signal = trackingSignal(errors, TRACKING_SIGNAL_DAYS);
  if (Math.abs(signal) > TRACKING_SIGNAL_LIMIT) {
    const sales = sum(complete.slice(-TRACKING_SIGNAL_DAYS).map((day) => day.quantity));
    const forecast = (input.weekMean * TRACKING_SIGNAL_DAYS) / WEEK;
    const bounds = daysQuantiles(input, TRACKING_SIGNAL_DAYS);
    changes.push({
      kind: 'bias',
      details: { days: TRACKING_SIGNAL_DAYS, trackingSignal: round(signal), sales: round(sales), forecast: round(forecast) },
      ratio: sales / forecast,
      days: TRACKING_SIGNAL_DAYS,
      // A bias usually stays inside the spread: the nightly forecast corrects the level; only sales beyond it re-plan now.
      excess: sales > bounds.upper99 ? sales - bounds.upper99 : sales < bounds.lower01 ? sales - bounds.lower01 : 0,
    });
  }
  return changes;
}

/**
 * The multiples of the forecast the first `weeks` weeks are re-planned at after a sensed change: the change's excess
 * (units beyond the quantile over its days) as a weekly rate, added to the first week's forecast `weekMean`, with
 * half the weight each following week (REPLAN_WEEKLY_FADE), each within REPLAN_FACTOR_LIMITS. Null when there is
 * nothing to re-plan: no excess, or a forecast of zero to scale (a dying item; the nightly forecast takes a sale up).
 */
export function replanFactors(change: Pick<SensedChange, 'days' | 'excess'>, weekMean: number, weeks: number): number[] | null {
  if (!(weekMean > 0) || change.excess === 0 || !(weeks >= 1) || !(change.days >= 1)) return null;
  const perWeek = (change.excess * WEEK) / change.days;
  const [low, high] = REPLAN_FACTOR_LIMITS;
  return Array.from({ length: Math.ceil(weeks) }, (_, week) => Math.min(high, Math.max(low, 1 + (perWeek * REPLAN_WEEKLY_FADE ** week) / weekMean)));
}
