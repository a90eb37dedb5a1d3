/**
 * Forecasting speed (npm run bench:forecast): series per second of autoForecast with its defaults on one core,
 * (a) on all 1428 M3 monthly series (horizon 18, levels 80 and 95), target ≥ 50 series/s/core, and
 * (b) on 10,000 generated weekly series of 156 points (seasonLength 52, horizon 13, levels 80 and 95).
 * Series per second are counted on the process's CPU time (user + system), which on a busy machine stays what one
 * core does; wall-clock figures are printed beside them. Peak memory: the largest process.memoryUsage().rss
 * sampled every 25 series (the loop is synchronous, so a timer would never fire).
 * With --arima, ARIMA is a fifth member of the mean (AutoForecastOptions.arima): what it would cost as a default.
 * Run: npx tsx bench/forecast.ts [m3|weekly] [--arima]. Data: DATA_DIR or ../shared/data.
 */
import { autoForecast } from '../models/forecast/auto';
import { normalDraw, seededRandom } from '../models/stats/random';
import { formatTable, readM3 } from './m3';

const only = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
const arima = process.argv.includes('--arima');
let peakRss = process.memoryUsage().rss;

interface Job {
  values: number[];
  seasonLength: number;
  horizon: number;
}

function timeRun(name: string, jobs: Job[]): string[] {
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  const chosen = new Map<string, number>();
  jobs.forEach((job, i) => {
    const forecast = autoForecast(job.values, { seasonLength: job.seasonLength, horizon: job.horizon, ...(arima && { arima }) });
    const kind = forecast.method.startsWith('Mean of')
      ? `combination${forecast.method.includes('seasonally adjusted') ? ' (seasonally adjusted)' : ''}`
      : forecast.method.replace(/\(.*$/, '');
    chosen.set(kind, (chosen.get(kind) ?? 0) + 1);
    if (i % 25 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  });
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(`${name}: models chosen ${[...chosen].map(([kind, count]) => `${kind} ×${count}`).join(', ')}`);
  return [name, String(jobs.length), cpuSeconds.toFixed(1), (jobs.length / cpuSeconds).toFixed(1), wallSeconds.toFixed(1), (jobs.length / wallSeconds).toFixed(1)];
}

/**
 * Weekly demand, seeded: level 20–200, a linear trend of up to ±30% over the three years, a yearly sine season
 * of 0–40% amplitude with a random phase, 10–30% Gaussian noise, floored at 0; one series in five intermittent
 * instead (demand in 10–50% of weeks, sizes 1–10 around a random mean).
 */
function weeklySeries(count: number, length: number, seed: number): number[][] {
  const random = seededRandom(seed);
  const between = (low: number, high: number) => low + (high - low) * random();
  return Array.from({ length: count }, () => {
    if (random() < 0.2) {
      const occurrence = between(0.1, 0.5);
      const size = between(1, 10);
      return Array.from({ length }, () => (random() < occurrence ? Math.max(1, Math.round(size * (0.5 + random()))) : 0));
    }
    const level = between(20, 200);
    const trend = (between(-0.3, 0.3) * level) / length;
    const amplitude = between(0, 0.4) * level;
    const phase = between(0, 2 * Math.PI);
    const noise = between(0.1, 0.3) * level;
    return Array.from({ length }, (_, t) =>
      Math.max(0, Math.round(level + trend * t + amplitude * Math.sin((2 * Math.PI * t) / 52 + phase) + noise * normalDraw(random))),
    );
  });
}

const rows: string[][] = [];
if (only !== 'weekly') {
  const monthly = readM3().filter((s) => s.period === 'MONTHLY');
  rows.push(timeRun('M3 monthly (m = 12, h = 18)', monthly.map((s) => ({ values: s.x, seasonLength: 12, horizon: 18 }))));
}
if (only !== 'm3') {
  const weekly = weeklySeries(10000, 156, 20261127);
  rows.push(timeRun('generated weekly (m = 52, n = 156, h = 13)', weekly.map((values) => ({ values, seasonLength: 52, horizon: 13 }))));
}
console.log(formatTable(['series set', 'series', 'CPU s', 'series/s/core (CPU)', 'wall s', 'series/s (wall)'], rows));
console.log(`peak RSS ${(peakRss / 2 ** 20).toFixed(0)} MiB; target ≥ 50 series/s/core on M3 monthly${arima ? ' (ARIMA in the mean)' : ''}`);
