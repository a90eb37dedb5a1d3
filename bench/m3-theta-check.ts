/**
 * Scores the standard Theta method (and the submitted M3 THETA forecasts, as a check on the scoring)
 * on all 3003 M3 series at the official horizons: sMAPE and MASE per category and overall.
 * With --arima, also scores fitArima (about 3 minutes: 50 ms per fit on average).
 * Run: npx tsx bench/m3-theta-check.ts [--arima]
 */
import { readFileSync } from 'fs';
import { fitOptimisedTheta, fitTheta, forecastOptimisedTheta, forecastTheta } from '../models/forecast/theta';
import { mase, smape } from '../models/forecast/accuracy';
import { fitArima, forecastArima } from '../models/forecast/arima';

interface M3Series { id: string; period: string; freq: number; h: number; x: number[]; xx: number[] }

const dataFolder = '/work/shared/data';
const series: M3Series[] = readFileSync(`${dataFolder}/m3.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line));

const submitted = new Map<string, number[]>();
for (const line of readFileSync(`${dataFolder}/m3_submissions.csv`, 'utf8').trim().split('\n').slice(1)) {
  const [id, method, step, value] = line.split(',');
  if (method !== 'THETA') continue;
  const steps = submitted.get(id) ?? [];
  steps[Number(step) - 1] = Number(value);
  submitted.set(id, steps);
}

const methods: Record<string, (s: M3Series) => number[]> = {
  'M3 THETA submission': (s) => submitted.get(s.id)!.slice(0, s.h),
  'theta.ts fitTheta': (s) => forecastTheta(fitTheta(s.x, s.freq), s.h).mean,
  'theta.ts fitOptimisedTheta (DOTM)': (s) => forecastOptimisedTheta(fitOptimisedTheta(s.x, s.freq), s.h).mean,
};
if (process.argv.includes('--arima')) {
  methods['arima.ts fitArima'] = (s) => forecastArima(fitArima(s.x, s.freq), s.h).mean;
}

const categories = ['YEARLY', 'QUARTERLY', 'MONTHLY', 'OTHER', 'ALL'];
const perSeries: Record<string, { smape: number[]; mase: number[] }> = {};
for (const [name, forecastOf] of Object.entries(methods)) {
  perSeries[name] = { smape: [], mase: [] };
  const sums = Object.fromEntries(categories.map((c) => [c, { smape: 0, mase: 0, count: 0 }]));
  const started = process.hrtime.bigint();
  for (const s of series) {
    const f = forecastOf(s);
    perSeries[name].smape.push(smape(s.xx, f));
    perSeries[name].mase.push(mase(s.xx, f, s.x, s.freq));
    for (const c of [s.period, 'ALL']) {
      sums[c].smape += smape(s.xx, f);
      sums[c].mase += mase(s.xx, f, s.x, s.freq);
      sums[c].count += 1;
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${name} (${seconds.toFixed(1)} s)`);
  for (const c of categories) {
    const { smape: sm, mase: ma, count } = sums[c];
    console.log(`  ${c.padEnd(9)} n=${String(count).padStart(4)}  sMAPE ${(sm / count).toFixed(2)}  MASE ${(ma / count).toFixed(3)}`);
  }
}

// Paired comparison over series: is the optimised variant's gain larger than its noise?
const [standard, optimised] = [perSeries['theta.ts fitTheta'], perSeries['theta.ts fitOptimisedTheta (DOTM)']];
for (const measure of ['smape', 'mase'] as const) {
  const differences = optimised[measure].map((v, i) => v - standard[measure][i]);
  const meanDifference = differences.reduce((a, b) => a + b, 0) / differences.length;
  const variance = differences.reduce((s, d) => s + (d - meanDifference) ** 2, 0) / (differences.length - 1);
  const wins = differences.filter((d) => d < 0).length;
  console.log(
    `DOTM − Theta ${measure}: mean ${meanDifference.toFixed(4)} ± ${Math.sqrt(variance / differences.length).toFixed(4)} (s.e.), DOTM better on ${wins}/${differences.length}`,
  );
}
