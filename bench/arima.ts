/**
 * The automatic ARIMA against R's forecast::auto.arima (npm run bench:arima).
 *
 * For every M1 and M3 series of the chosen periods (official horizons): fitArima + forecastArima, compared with
 * the reference bench/reference/r-auto-arima/<set>.jsonl written by bench/reference/auto-arima.R:
 * mean MASE beside R's on the same series (scale: in-sample MAE of the seasonal naive, lag 1 for m = 1),
 * the share of series where the chosen (p,d,q)(P,D,Q) and constant are R's, and series per CPU second.
 * Speed is over every series of the period; the comparison over those R has recorded (R's seconds are elapsed
 * time as the R script measured it). Targets: MASE within 1 % of R's on M1 and M3
 * monthly and quarterly; at least 10 series per second per core on M3 monthly (R: about 2.3).
 *
 * Run: npx tsx bench/arima.ts [m1|m3] [MONTHLY|QUARTERLY|YEARLY|OTHER ...] (default: both sets, monthly and quarterly).
 * CPU figures are per core; they are not valid while the machine is loaded (the load average is printed).
 */
import { join } from 'path';
import { loadavg } from 'os';
import { fitArima, forecastArima } from '../models/forecast/arima';
import { dataDirectory, type M3Series } from './m3';
import { readAutoArimaRows, readJsonLines, sameChoice } from './reference/r-auto-arima';

const args = process.argv.slice(2);
const sets = args.filter((a) => a === 'm1' || a === 'm3');
const periods = args.filter((a) => /^[A-Z]+$/.test(a));

function scaledError(s: M3Series, forecast: number[]): number {
  const lag = s.freq > 1 && s.x.length > s.freq ? s.freq : 1;
  let scale = 0;
  for (let t = lag; t < s.x.length; t++) scale += Math.abs(s.x[t] - s.x[t - lag]);
  scale /= s.x.length - lag;
  let error = 0;
  for (let i = 0; i < s.h; i++) error += Math.abs(s.xx[i] - forecast[i]);
  return error / s.h / scale;
}

const rows: string[][] = [['set', 'period', 'compared with R', 'MASE', 'R MASE', 'ratio', 'same orders', 'series/s (all)', 'R series/s']];
for (const set of sets.length ? sets : ['m1', 'm3']) {
  const references = new Map(readAutoArimaRows(set).map((r) => [r.id, r] as const));
  const all = readJsonLines<M3Series>(join(dataDirectory(), `${set}.jsonl`));
  for (const period of periods.length ? periods : ['MONTHLY', 'QUARTERLY']) {
    // Every series of the period is timed; those R has recorded are also compared.
    const series = all.filter((s) => s.period === period);
    if (series.length === 0) continue;
    let mase = 0;
    let rMase = 0;
    let same = 0;
    let rSeconds = 0;
    let compared = 0;
    const started = process.cpuUsage();
    for (const s of series) {
      const fit = fitArima(s.x, s.freq);
      const forecast = forecastArima(fit, s.h, [80, 95]);
      const r = references.get(s.id);
      if (!r) continue;
      compared++;
      mase += scaledError(s, forecast.mean);
      rMase += r.mase;
      rSeconds += r.secs;
      if (sameChoice(fit.order, fit.constant, r)) same++;
    }
    const used = process.cpuUsage(started);
    const seconds = (used.user + used.system) / 1e6;
    rows.push([
      set,
      period,
      `${compared} of ${series.length}`,
      (mase / compared).toFixed(4),
      (rMase / compared).toFixed(4),
      (mase / rMase).toFixed(4),
      `${((100 * same) / compared).toFixed(1)} %`,
      (series.length / seconds).toFixed(1),
      (compared / rSeconds).toFixed(1),
    ]);
  }
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c])).join('  '));
console.log(`load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} on this machine (figures under load are not valid)`);
