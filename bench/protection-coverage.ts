/**
 * A fast estimate of the closed-loop replay's calibration for smooth items (README "Proving the plan"): at each review
 * of a replay input (bench/replay-inputs.ts' files), the planner's order-up-to level S from the history before it
 * (src/services/replay/backtest.ts' plannerOrderUpTo: the forecast stage's appendSeriesForecast, its protection errors,
 * the class's pooled tail, planningDemand and planItem, as the plan stage runs them) against the demand of the L + R
 * periods that followed (R + a lead time drawn in days as the replay's driver draws it, each period's demand spread over
 * its 7 days): the share of reviews with that demand ≤ S is the cycle service an uncensored order-up-to policy gets.
 * The replay adds censoring and stock left over from a higher level; this leaves them out and runs in a minute or two
 * instead of several per target.
 * The forecast horizon is the replay's (FORECAST_HORIZON_WEEKS, 26), so the calibration origins are the replay's.
 * Run: npx tsx bench/protection-coverage.ts DIR [--warmup demo=52,m3=48,m1=48] [--stride 1] [--lead-time 2] [--lead-time-sd 0] [--review-period 1] [--seed 1]
 *   DIR holds demo.csv, m3.csv, m1.csv (any of them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { backtestPooledTails, plannerOrderUpTo } from '../src/services/replay/backtest';
import { normalDraw, seededRandom } from '../models/stats/random';
import { readSeriesFile } from './series-file';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    warmup: { type: 'string', default: 'demo=52,m3=48,m1=48,carparts=39' },
    stride: { type: 'string', default: '1' },
    'lead-time': { type: 'string', default: '2' },
    'review-period': { type: 'string', default: '1' },
    'lead-time-sd': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' },
  },
});
const dir = positionals[0];
if (!dir) throw new Error('usage: npx tsx bench/protection-coverage.ts DIR [--warmup name=W,…] [--stride S]');
const warmups = new Map(args.warmup.split(',').map((pair) => pair.split('=')).map(([name, weeks]) => [name, Number(weeks)]));
const stride = Number(args.stride);
const leadTime = Number(args['lead-time']);
const reviewPeriod = Number(args['review-period']);
const leadTimeSd = Number(args['lead-time-sd']);
const targets = [0.8, 0.9, 0.95, 0.98, 0.99];
const options = { leadTime, reviewPeriod, leadTimeStdDev: leadTimeSd, seasonLength: 52, horizon: 26 };
const random = seededRandom(Number(args.seed));
/** Lead time in days as the replay's driver draws it: round(7·(L + σ_L·Z)), at least 1. */
const drawLeadTimeDays = () => Math.max(1, Math.round(7 * leadTime + 7 * leadTimeSd * (leadTimeSd > 0 ? normalDraw(random) : 0)));
/** Demand over `days` days from period t on, each period's spread evenly over its 7 days; null past the data. */
function demandOver(demand: number[], t: number, days: number): number | null {
  if (t + Math.ceil(days / 7) > demand.length) return null;
  let total = 0;
  for (let day = 0; day < days; day++) total += demand[t + Math.floor(day / 7)] / 7;
  return total;
}

const loadBefore = os.loadavg();
const started = Date.now();
process.stdout.write(`protection coverage, L = ${leadTime}, R = ${reviewPeriod}, stride ${stride}, ${new Date().toISOString()}, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')}\n`);
for (const name of ['demo', 'm3', 'm1', 'carparts']) {
  const file = path.join(dir, `${name}.csv`);
  if (!fs.existsSync(file)) continue;
  const warmup = warmups.get(name);
  if (warmup === undefined) throw new Error(`no warm-up for ${name}`);
  const series = readSeriesFile(file).map(({ values }) => values);
  const pooledTails = backtestPooledTails(series.map((demand) => ({ demand, warmup, seasonLength: options.seasonLength })), options);
  const byClass = new Map<string, { series: number; covered: number[]; reviews: number; level: number; demand: number }>();
  const span = leadTime + reviewPeriod;
  for (const demand of series) {
    let seriesClass: string | undefined;
    const covered = targets.map(() => 0);
    let reviews = 0;
    let level = 0;
    let total = 0;
    for (let t = warmup; t + span <= demand.length; t += stride) {
      // The cycle of the order placed at t runs until the next review's order arrives: R + that order's lead time.
      const actual = demandOver(demand, t, 7 * reviewPeriod + drawLeadTimeDays());
      if (actual === null) continue;
      const planned = plannerOrderUpTo(demand.slice(0, t), targets, { ...options, pooledTails });
      seriesClass ??= planned.demandClass;
      planned.orderUpTo.forEach((s, i) => (covered[i] += actual <= s + 1e-9 ? 1 : 0));
      level += planned.orderUpTo[2];
      total += actual;
      reviews += 1;
    }
    if (!seriesClass || reviews === 0) continue;
    const entry = byClass.get(seriesClass) ?? { series: 0, covered: targets.map(() => 0), reviews: 0, level: 0, demand: 0 };
    byClass.set(seriesClass, entry);
    entry.series += 1;
    // Per series, then averaged over series: as the replay's mean achieved cycle service.
    covered.forEach((count, i) => (entry.covered[i] += count / reviews));
    entry.level += level / reviews;
    entry.demand += total / reviews;
  }
  for (const [demandClass, entry] of [...byClass].sort()) {
    const coverage = entry.covered.map((sum) => ((100 * sum) / entry.series).toFixed(1)).join(' / ');
    process.stdout.write(`${name} ${demandClass} (${entry.series}): covered at ${targets.map((p) => 100 * p).join('/')} % ${coverage}; mean S at 95 % ${(entry.level / entry.series).toFixed(1)} over demand ${(entry.demand / entry.series).toFixed(1)}\n`);
  }
}
process.stdout.write(`${((Date.now() - started) / 1000).toFixed(0)} s, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
