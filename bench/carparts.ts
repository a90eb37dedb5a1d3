/**
 * Benchmark of the intermittent-demand methods on carparts (expsmooth; 2674 monthly series, last 6 months held out).
 * Run: npx tsx bench/carparts.ts [path/to/carparts.csv]
 * MASE = MAE over the 6 test months / in-sample MAE of the lag-1 naive forecast (series with a zero scale skipped);
 * pinball loss at 0.5, 0.8 and 0.95 of each method's one-period quantiles, averaged over months and series.
 * Then the calibration that safety stock relies on: how often the 6-month total falls at or below the
 * p-quantile of leadTimeDemandSamples(train, { horizon: 6 }), and the pinball loss of those quantiles.
 */
import { readFileSync } from 'node:fs';
import { classifyDemand, type DemandClass } from '../models/forecast/classify';
import { fitAdida, fitCroston, fitSba, fitTsb, intermittentQuantiles, quantileOfSamples, type IntermittentFit } from '../models/forecast/intermittent';
import { leadTimeDemandSamples, type LeadTimeDemandMethod } from '../models/forecast/lead-time-demand';

const testLength = 6;
const probabilities = [0.5, 0.8, 0.95];

/** A point forecast per period and quantiles at `probabilities`, both flat over the test months. */
type Method = (train: number[]) => { point: number; quantiles: number[] };

const fromFit = (fit: (train: number[]) => IntermittentFit): Method => (train) => {
  const fitted = fit(train);
  return { point: fitted.rate, quantiles: intermittentQuantiles(fitted, probabilities) };
};

const methods: Record<string, Method> = {
  zero: () => ({ point: 0, quantiles: probabilities.map(() => 0) }),
  naive: (train) => ({ point: train[train.length - 1], quantiles: probabilities.map(() => train[train.length - 1]) }),
  empirical: (train) => {
    const sorted = [...train].sort((a, b) => a - b);
    return { point: train.reduce((sum, value) => sum + value, 0) / train.length, quantiles: probabilities.map((p) => quantileOfSamples(sorted, p)) };
  },
  croston: fromFit((train) => fitCroston(train)),
  'croston (alpha optimized)': fromFit((train) => fitCroston(train, { alpha: 'optimize' })),
  sba: fromFit((train) => fitSba(train)),
  'tsb (alpha = beta = 0.1)': fromFit((train) => fitTsb(train, { smoothing: { alpha: 0.1, beta: 0.1 } })),
  'tsb (optimized, default)': fromFit((train) => fitTsb(train)),
  adida: fromFit((train) => fitAdida(train)),
};

function readSeries(path: string): number[][] {
  const bySeries = new Map<string, [number, number][]>();
  for (const line of readFileSync(path, 'utf8').trim().split('\n').slice(1)) {
    const [id, period, value] = line.split(',');
    if (!bySeries.has(id)) bySeries.set(id, []);
    bySeries.get(id)!.push([Number(period), Number(value)]);
  }
  return [...bySeries.values()].map((rows) => rows.sort((a, b) => a[0] - b[0]).map(([, value]) => value));
}

const pinball = (actual: number, quantile: number, p: number) => (actual >= quantile ? p * (actual - quantile) : (1 - p) * (quantile - actual));
const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

const series = readSeries(process.argv[2] ?? '/work/shared/data/carparts.csv');
const classes = new Map<DemandClass, number>();
const started = Date.now();
const rows: Record<string, { mase: number[]; maseByClass: Map<DemandClass, number[]>; pinball: number[][] }> = {};
for (const name of Object.keys(methods)) rows[name] = { mase: [], maseByClass: new Map(), pinball: probabilities.map(() => []) };
const leadTimeMethods: LeadTimeDemandMethod[] = ['croston', 'sba', 'tsb', 'adida', 'empirical'];
const totals: Record<string, { covered: number[]; pinball: number[] }[]> = {};
for (const method of leadTimeMethods) totals[method] = probabilities.map(() => ({ covered: [], pinball: [] }));
let skipped = 0;

for (const values of series) {
  const train = values.slice(0, -testLength);
  const test = values.slice(-testLength);
  const { demandClass } = classifyDemand(train);
  classes.set(demandClass, (classes.get(demandClass) ?? 0) + 1);
  const scale = average(train.slice(1).map((value, index) => Math.abs(value - train[index])));
  if (scale === 0) skipped += 1;
  for (const [name, method] of Object.entries(methods)) {
    const { point, quantiles } = method(train);
    if (scale > 0) {
      const mase = average(test.map((actual) => Math.abs(actual - point))) / scale;
      rows[name].mase.push(mase);
      rows[name].maseByClass.set(demandClass, [...(rows[name].maseByClass.get(demandClass) ?? []), mase]);
    }
    probabilities.forEach((p, index) => rows[name].pinball[index].push(average(test.map((actual) => pinball(actual, quantiles[index], p)))));
  }
  const testTotal = test.reduce((sum, value) => sum + value, 0);
  for (const method of leadTimeMethods) {
    const samples = leadTimeDemandSamples(train, { horizon: testLength, method, samples: 2000 });
    probabilities.forEach((p, index) => {
      const quantile = quantileOfSamples(samples, p);
      totals[method][index].covered.push(testTotal <= quantile ? 1 : 0);
      totals[method][index].pinball.push(pinball(testTotal, quantile, p));
    });
  }
}

const classOrder: DemandClass[] = ['smooth', 'erratic', 'intermittent', 'lumpy', 'short', 'zero', 'new'];
const shownClasses = classOrder.filter((demandClass) => rows.zero.maseByClass.has(demandClass));
console.log(`carparts: ${series.length} series, last ${testLength} months held out; training classes (SBC 2005): ${classOrder.filter((c) => classes.has(c)).map((c) => `${c} ${classes.get(c)}`).join(', ')}`);
console.log(`MASE over ${series.length - skipped} series (${skipped} skipped: in-sample naive MAE is 0); pinball over all ${series.length}.`);
console.log(['method'.padEnd(26), 'MASE', ...probabilities.map((p) => `pinball@${p}`), ...shownClasses.map((c) => `MASE ${c}`)].join('\t'));
for (const [name, row] of Object.entries(rows)) {
  const byClass = shownClasses.map((c) => (row.maseByClass.has(c) ? average(row.maseByClass.get(c)!).toFixed(3) : '-'));
  console.log([name.padEnd(26), average(row.mase).toFixed(3), ...row.pinball.map((losses) => average(losses).toFixed(4)), ...byClass].join('\t'));
}
console.log(`\nTotal demand over the ${testLength} test months against leadTimeDemandSamples (2000 samples), all ${series.length} series:`);
console.log(['method'.padEnd(26), ...probabilities.map((p) => `share ≤ q${p}`), ...probabilities.map((p) => `pinball@${p}`)].join('\t'));
for (const [method, byProbability] of Object.entries(totals)) {
  console.log([method.padEnd(26), ...byProbability.map(({ covered }) => average(covered).toFixed(3)), ...byProbability.map(({ pinball: losses }) => average(losses).toFixed(3))].join('\t'));
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
