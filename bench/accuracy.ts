/**
 * The forecasting engine against R on data nobody tuned it to (npm run bench:accuracy).
 *
 * Data: M1 (1001 series) and M3 (3003) at their official horizons, carparts (2674 intermittent series) with its last
 * 6 months held out. Scores (models/forecast/accuracy.ts): sMAPE and MASE (scale: in-sample MAE of the seasonal naive,
 * lag 1 for yearly and other series and for carparts, as its bench), coverage of the 80 % and 95 % intervals (share of
 * all held-out values inside), and MSIS at 95 % (the M4 interval score, scaled as MASE).
 *
 * 1. Candidates for the default, by point forecast: ETS (AICc), Theta, optimised Theta, damped-trend ETS (ARIMA with
 *    --arima), their means and medians, scored on M1, M3 and the smooth carparts series (the ones autoForecast does
 *    not send to the intermittent methods). The default is the candidate with the lowest mean, over the three data
 *    sets, of its MASE relative to the seasonal naive's; the line "picked" says which and by how much.
 * 2. autoForecast (and with --each ETS, Theta and the combination alone, and auto with the models' own bands; with --arima
 *    auto with ARIMA in the mean, and with both ARIMA alone) on every
 *    data set and frequency beside R's ets, thetaf, snaive (bench/reference/r-reference.R) and auto.arima
 *    (bench/reference/auto-arima.R, "pending" until its output is there) on the same split; checks: our seasonal naive
 *    scores as R's; THETA's M3 submission scores 12.76 / 1.39.
 * 3. carparts: MASE and pinball loss of the intermittent methods and auto (target: auto no worse than Croston, SBA, TSB).
 * 4. The demo catalogue's weekly series: coverage and MSIS from rolling origins (demoWeeklySection; --each: each model too).
 * With --refit: the refit of a model chosen 1 and 6 periods earlier, its bands scaled by the calibration carried in its
 * pin, against choosing and calibrating afresh (M1 and M3: accuracy, coverage, MSIS).
 *
 * Run: npx tsx bench/accuracy.ts [--each] [--arima] [--refit] [--only m1|m3|carparts|demo] [--skip-candidates | --candidates-only]. Data: DATA_DIR or ../shared/data.
 * Times are CPU seconds of this process: on a loaded machine they are not valid speed figures (bench:forecast is).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { autoForecast, componentPointForecasts, DEFAULTS, type AutoForecastOptions, type Component, type PinnedModel } from '../models/forecast/auto';
import { classifyDemand } from '../models/forecast/classify';
import { fitAdida, fitCroston, fitSba, fitTsb, intermittentQuantiles, type IntermittentFit } from '../models/forecast/intermittent';
import { intervalCoverage, mase, meanScaledIntervalScore, smape } from '../models/forecast/accuracy';
import { generateDemoData } from '../db/seeds/demo';
import { weeklyDemand } from '../src/services/forecast-series';
import { dataDirectory, formatTable, readCarparts, readM3Submissions, scoreM3, type M3Series } from './m3';

const flag = (name: string) => process.argv.includes(`--${name}`);
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex > 0 ? process.argv[onlyIndex + 1] : undefined;

interface Series {
  dataset: 'm1' | 'm3' | 'carparts';
  id: string;
  period: string;
  /** The season the models are given. */
  freq: number;
  /** The seasonal naive lag of the MASE scale. */
  scaleLag: number;
  h: number;
  x: number[];
  xx: number[];
}

function readCompetition(dataset: 'm1' | 'm3'): Series[] {
  return readFileSync(resolve(dataDirectory(), `${dataset}.jsonl`), 'utf8').trim().split('\n').map((line) => {
    const s = JSON.parse(line) as M3Series;
    return { dataset, id: s.id, period: s.period, freq: s.freq, scaleLag: s.freq, h: s.h, x: s.x, xx: s.xx };
  });
}

const carpartsTest = 6;
function readCarpartsSeries(): Series[] {
  return readCarparts().map(({ id, values }) => ({
    dataset: 'carparts' as const, id, period: 'MONTHLY', freq: 12, scaleLag: 1, h: carpartsTest,
    x: values.slice(0, -carpartsTest), xx: values.slice(-carpartsTest),
  }));
}

/** In-sample MAE of the seasonal naive at the series' lag; 0 leaves the series out (MASE undefined), as R's script. */
function scaleOf(s: Series): number {
  const lag = s.scaleLag;
  let total = 0;
  for (let t = lag; t < s.x.length; t++) total += Math.abs(s.x[t] - s.x[t - lag]);
  return total / (s.x.length - lag);
}

interface SeriesScore {
  dataset: string;
  period: string;
  h: number;
  smape: number;
  mase: number;
  /** Held-out values inside the 80 % and 95 % intervals (NaN without intervals). */
  in80: number;
  in95: number;
  msis95: number;
}

interface Bands {
  mean: number[];
  lo80?: number[];
  hi80?: number[];
  lo95?: number[];
  hi95?: number[];
}

function scoreSeries(s: Series, bands: Bands): SeriesScore {
  const { mean, lo80, hi80, lo95, hi95 } = bands;
  const forecast = mean.slice(0, s.h);
  const inside = (lo?: number[], hi?: number[]) => (lo && hi ? Math.round(intervalCoverage(s.xx, lo.slice(0, s.h), hi.slice(0, s.h)) * s.h) : NaN);
  return {
    dataset: s.dataset,
    period: s.period,
    h: s.h,
    smape: smape(s.xx, forecast),
    mase: mase(s.xx, forecast, s.x, s.scaleLag),
    in80: inside(lo80, hi80),
    in95: inside(lo95, hi95),
    msis95: lo95 && hi95 ? meanScaledIntervalScore(s.xx, lo95.slice(0, s.h), hi95.slice(0, s.h), 95, s.x, s.scaleLag) : NaN,
  };
}

interface Summary {
  count: number;
  /** Series the method gave no forecast for (R's ets on some carparts series), left out of the means. */
  failed: number;
  smape: number;
  mase: number;
  coverage80: number;
  coverage95: number;
  msis95: number;
}

/**
 * Means over series of sMAPE, MASE and MSIS, coverage over all held-out values, for each group key; series without a
 * forecast (NaN MASE: an R fit that failed) are counted, not scored.
 */
function summarise(scores: SeriesScore[], key: (s: SeriesScore) => string): Map<string, Summary> {
  const groups = new Map<string, SeriesScore[]>();
  for (const score of scores) groups.set(key(score), [...(groups.get(key(score)) ?? []), score]);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return new Map([...groups].map(([name, all]) => {
    const group = all.filter((s) => Number.isFinite(s.mase));
    const steps = group.reduce((sum, s) => sum + s.h, 0);
    return [name, {
      count: all.length,
      failed: all.length - group.length,
      smape: mean(group.map((s) => s.smape)),
      mase: mean(group.map((s) => s.mase)),
      coverage80: (100 * group.reduce((sum, s) => sum + s.in80, 0)) / steps,
      coverage95: (100 * group.reduce((sum, s) => sum + s.in95, 0)) / steps,
      msis95: mean(group.map((s) => s.msis95)),
    }];
  }));
}

const groupKeys = (s: SeriesScore) => [`${s.dataset} ${s.period}`, `${s.dataset} ALL`];
function summariseByGroup(scores: SeriesScore[]): Map<string, Summary> {
  const expanded = scores.flatMap((s) => groupKeys(s).map((group) => ({ ...s, group })));
  return summarise(expanded, (s) => (s as SeriesScore & { group: string }).group);
}

/** R's scores: bench/reference/r-reference/<dataset>.csv.gz (ets, thetaf, snaive) and r-auto-arima/<dataset>.jsonl[.gz]. */
function readReference(series: Series[]): Map<string, SeriesScore[]> {
  const byMethod = new Map<string, SeriesScore[]>();
  const reference = resolve(__dirname, 'reference');
  const read = (file: string) => (file.endsWith('.gz') ? gunzipSync(readFileSync(file)).toString('utf8') : readFileSync(file, 'utf8'));
  for (const dataset of new Set(series.map((s) => s.dataset))) {
    const file = resolve(reference, 'r-reference', `${dataset}.csv.gz`);
    if (existsSync(file)) {
      const [header, ...lines] = read(file).trim().split('\n');
      const columns = header.split(',');
      const rows = new Map<string, SeriesScore[]>();
      for (const line of lines) {
        // NA (R's fit failed) reads as NaN: summarise counts it apart.
        const row = Object.fromEntries(line.split(',').map((cell, i) => [columns[i], cell.trim()]));
        const method = `R ${row.method}`;
        rows.set(method, [...(rows.get(method) ?? []), {
          dataset, period: row.period, h: Number(row.h), smape: Number(row.smape), mase: Number(row.mase),
          in80: Number(row.in80), in95: Number(row.in95), msis95: Number(row.msis95),
        }]);
      }
      // The same split means every series with a MASE scale: a file missing some is not a reference ("pending").
      const scored = series.filter((s) => s.dataset === dataset && scaleOf(s) > 0).length;
      for (const [method, scores] of rows) if (scores.length === scored) byMethod.set(method, [...(byMethod.get(method) ?? []), ...scores]);
    }
    const arima = [`${dataset}.jsonl.gz`, `${dataset}.jsonl`].map((name) => resolve(reference, 'r-auto-arima', name)).find(existsSync);
    if (arima) {
      const bySeries = new Map(series.filter((s) => s.dataset === dataset).map((s) => [s.id, s]));
      const scores: SeriesScore[] = [];
      for (const line of read(arima).trim().split('\n')) {
        const row = JSON.parse(line) as { id: string; mean: number[]; lo80: number[]; hi80: number[]; lo95: number[]; hi95: number[] };
        const s = bySeries.get(row.id);
        if (s) scores.push(scoreSeries(s, row));
      }
      // A partial run is not a reference: the same split means every series.
      if (scores.length === bySeries.size) byMethod.set('R auto.arima', [...(byMethod.get('R auto.arima') ?? []), ...scores]);
    }
  }
  return byMethod;
}

function timed<T>(work: () => T): { result: T; seconds: number } {
  const started = process.cpuUsage();
  const result = work();
  const cpu = process.cpuUsage(started);
  return { result, seconds: (cpu.user + cpu.system) / 1e6 };
}

function runAuto(series: Series[], options: Partial<AutoForecastOptions>): SeriesScore[] {
  return series.filter((s) => scaleOf(s) > 0).map((s) => {
    const forecast = autoForecast(s.x, { seasonLength: s.freq, horizon: s.h, levels: [80, 95], ...options });
    return scoreSeries(s, { mean: forecast.mean, lo80: forecast.lower[0], hi80: forecast.upper[0], lo95: forecast.lower[1], hi95: forecast.upper[1] });
  });
}

/** The series autoForecast models as smooth: every M1 and M3 series, and carparts' smooth and erratic ones. */
function isSmooth(s: Series): boolean {
  if (s.dataset !== 'carparts') return true;
  const { demandClass } = classifyDemand(s.x);
  return demandClass === 'smooth' || demandClass === 'erratic';
}

const format = (value: number, digits: number) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

function candidatesSection(series: Series[]): void {
  const members: Component[] = ['ets', 'theta', 'optimised-theta', 'damped', ...(flag('arima') ? (['arima'] as Component[]) : [])];
  const label: Record<Component, string> = { ets: 'ETS', theta: 'Theta', 'optimised-theta': 'OTheta', damped: 'Damped', arima: 'ARIMA' };
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const median = (v: number[]) => {
    const sorted = [...v].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  };
  const subsets: Component[][] = [['ets', 'theta', 'optimised-theta'], ['ets', 'theta', 'optimised-theta', 'damped'], ['ets', 'optimised-theta', 'damped'], ['ets', 'theta']];
  if (flag('arima')) subsets.push(['ets', 'theta', 'optimised-theta', 'arima'], ['ets', 'arima', 'theta'], ['ets', 'theta', 'optimised-theta', 'damped', 'arima']);
  const candidates = new Map<string, SeriesScore[]>();
  const add = (name: string, score: SeriesScore) => candidates.set(name, [...(candidates.get(name) ?? []), score]);
  const smooth = series.filter((s) => isSmooth(s) && scaleOf(s) > 0);
  const { seconds } = timed(() => {
    for (const s of smooth) {
      const forecasts = componentPointForecasts(s.x, s.freq, s.h, members);
      for (const member of members) add(label[member], scoreSeries(s, { mean: forecasts.get(member)! }));
      for (const subset of subsets) {
        const rows = subset.map((member) => forecasts.get(member)!);
        const steps = rows[0].map((_, i) => rows.map((row) => row[i]));
        add(`mean(${subset.map((m) => label[m]).join(', ')})`, scoreSeries(s, { mean: steps.map(mean) }));
        add(`median(${subset.map((m) => label[m]).join(', ')})`, scoreSeries(s, { mean: steps.map(median) }));
      }
      const last = s.x.slice(-s.freq);
      add('snaive', scoreSeries(s, { mean: Array.from({ length: s.h }, (_, i) => (s.freq > 1 && s.x.length >= s.freq ? last[i % s.freq] : s.x[s.x.length - 1])) }));
    }
  });
  const datasets = [...new Set(smooth.map((s) => s.dataset))];
  const summaries = new Map([...candidates].map(([name, scores]) => [name, summarise(scores, (s) => s.dataset)]));
  const naive = summaries.get('snaive')!;
  // A data set votes when the candidates decide at least 100 of its series (carparts: 22 smooth series, the rest intermittent).
  const voting = datasets.filter((d) => naive.get(d)!.count >= 100);
  const score = (name: string) => {
    const of = summaries.get(name)!;
    return mean(voting.flatMap((d) => [of.get(d)!.mase / naive.get(d)!.mase, of.get(d)!.smape / naive.get(d)!.smape]));
  };
  const ranked = [...candidates.keys()].filter((name) => name !== 'snaive').sort((a, b) => score(a) - score(b));
  console.log(`\n1. Candidates for the default (point forecasts; ${smooth.length} smooth series; ${seconds.toFixed(0)} CPU s)`);
  console.log(`   score: mean over ${voting.join(' and ')} (data sets with ≥ 100 smooth series) of MASE and sMAPE relative to the seasonal naive`);
  console.log(formatTable(
    ['candidate', ...datasets.flatMap((d) => [`${d} sMAPE`, `${d} MASE`]), 'score'],
    [...ranked, 'snaive'].map((name) => [name, ...datasets.flatMap((d) => [format(summaries.get(name)!.get(d)!.smape, 2), format(summaries.get(name)!.get(d)!.mase, 3)]), format(score(name), 4)]),
  ));
  const current = `mean(${['ets', 'theta', 'optimised-theta', 'damped'].map((m) => label[m as Component]).join(', ')})`;
  console.log(`picked: ${ranked[0]} (score ${score(ranked[0]).toFixed(4)}); autoForecast's default, ${current}, ${score(current).toFixed(4)}` +
    (ranked[0] === current ? ': the default is the pick' : `: the pick is ${((1 - score(ranked[0]) / score(current)) * 100).toFixed(2)} % better than the default`));
}

function comparisonSection(series: Series[]): void {
  const methods: [string, Partial<AutoForecastOptions>][] = [
    [`auto (calibrated, up to ${DEFAULTS.calibrationOrigins} origins)`, {}],
    ...(flag('arima') ? ([['auto with ARIMA in the mean', { arima: true }]] as [string, Partial<AutoForecastOptions>][]) : []),
    ...(flag('each')
      ? ([
          ["auto, the models' own bands", { calibrationOrigins: 0 }],
          ['ETS alone (calibrated)', { method: 'ets' }],
          ['Theta alone (calibrated)', { method: 'theta' }],
          ['combination alone (calibrated)', { method: 'combo' }],
          ...(flag('arima') ? [['ARIMA alone (calibrated)', { method: 'arima' }]] : []),
        ] as [string, Partial<AutoForecastOptions>][])
      : []),
    ['snaive (ours)', { method: 'snaive' }],
  ];
  const results = new Map<string, Map<string, Summary>>();
  const seconds: string[] = [];
  for (const [name, options] of methods) {
    const run = timed(() => runAuto(series, options));
    seconds.push(`${name} ${run.seconds.toFixed(0)} s`);
    results.set(name, summariseByGroup(run.result));
  }
  const reference = readReference(series);
  for (const name of ['R ets', 'R auto.arima', 'R thetaf', 'R snaive']) {
    const scores = reference.get(name);
    results.set(name, scores ? summariseByGroup(scores) : new Map());
  }
  const groups = [...results.get(methods[0][0])!.keys()].sort();
  console.log(`\n2. Every data set and frequency beside R (forecast 8.20) on the same split; "pending": R's reference not written yet`);
  for (const group of groups) {
    console.log(`\n${group} (${results.get(methods[0][0])!.get(group)!.count} series)`);
    console.log(formatTable(['method', 'sMAPE', 'MASE', 'cover 80', 'cover 95', 'MSIS 95'], [...results].map(([name, byGroup]) => {
      const s = byGroup.get(group);
      if (!s) return [name, 'pending', '', '', '', ''];
      const label = s.failed ? `${name} (no fit on ${s.failed}: mean of the other ${s.count - s.failed})` : name;
      return [label, format(s.smape, 2), format(s.mase, 3), format(s.coverage80, 1), format(s.coverage95, 1), format(s.msis95, 2)];
    })));
  }
  const auto = results.get(methods[0][0])!;
  console.log('\ntargets:');
  for (const dataset of ['m1', 'm3']) {
    const ours = auto.get(`${dataset} ALL`);
    if (!ours) continue;
    const rivals = ['R ets', 'R auto.arima', 'R thetaf'].map((name) => [name, results.get(name)!.get(`${dataset} ALL`)] as const).filter(([, s]) => s);
    if (rivals.length === 0) {
      console.log(`  ${dataset} overall: R's reference pending`);
      continue;
    }
    const bestMase = Math.min(...rivals.map(([, s]) => s!.mase));
    const bestSmape = Math.min(...rivals.map(([, s]) => s!.smape));
    console.log(`  ${dataset} overall: MASE ${ours.mase.toFixed(3)} vs best of ${rivals.map(([n]) => n).join(', ')} ${bestMase.toFixed(3)} ${ours.mase <= bestMase ? 'MET' : 'MISSED'}; ` +
      `sMAPE ${ours.smape.toFixed(2)} vs ${bestSmape.toFixed(2)} ${ours.smape <= bestSmape ? 'MET' : 'MISSED'}` + (rivals.length < 3 ? ' (auto.arima pending)' : ''));
  }
  const naive = results.get('snaive (ours)')!;
  const worse = groups.filter((g) => auto.get(g)!.mase > naive.get(g)!.mase);
  console.log(`  not worse than the seasonal naive (MASE) on any frequency: ${worse.length === 0 ? 'MET' : `MISSED on ${worse.join(', ')}`}`);
  for (const [name, byGroup] of results) {
    if (name.startsWith('R ') || name.startsWith('snaive')) continue;
    const targets = groups.filter((g) => /^(m1|m3) (MONTHLY|QUARTERLY|ALL)$/.test(g));
    if (targets.length === 0) continue;
    const off = targets.filter((g) => Math.abs(byGroup.get(g)!.coverage80 - 80) > 2 || Math.abs(byGroup.get(g)!.coverage95 - 95) > 2);
    console.log(`  ${name}: coverage within ±2 points on ${targets.join(', ')}: ${off.length === 0 ? 'MET' : `MISSED on ${off.join(', ')}`}`);
  }
  const ours = results.get('snaive (ours)')!;
  const r = results.get('R snaive')!;
  // R's snaive gives no forecast for histories shorter than a season (156 carparts series): those groups are not comparable.
  const comparable = groups.filter((g) => r.get(g) && r.get(g)!.failed === 0);
  const mismatched = comparable.filter((g) => Math.abs(ours.get(g)!.mase / r.get(g)!.mase - 1) > 1e-4);
  const skipped = groups.filter((g) => r.get(g) && r.get(g)!.failed > 0);
  console.log(`scorer check: our seasonal naive's MASE equals R's snaive's on every group: ${r.size === 0 ? 'pending' : mismatched.length === 0 ? 'yes' : `NO (${mismatched.join(', ')})`}` +
    (skipped.length ? ` (not compared: ${skipped.map((g) => `${g}, where R's snaive has no forecast on ${r.get(g)!.failed}`).join('; ')})` : ''));
  console.log(`CPU time (machine shared: not a speed figure): ${seconds.join('; ')}`);
}

function m3SubmissionCheck(): void {
  const series = readCompetition('m3').map((s) => ({ ...s, period: s.period as M3Series['period'] }));
  const theta = scoreM3(series, series.map((s) => readM3Submissions(['THETA']).get('THETA')!.get(s.id)!)).ALL;
  console.log(`scorer check: THETA's M3 submission sMAPE ${theta.smape.toFixed(2)} (expected 12.76), MASE ${theta.mase.toFixed(2)} (expected 1.39)`);
}

/**
 * The nightly batch between two full selections (FORECAST_RESELECT_DAYS, default 7): the model chosen on the
 * history without its last `periods` values, refitted on all of it (AutoForecastOptions.pinned), its bands scaled by
 * the calibration that selection made (carried in the pin), against choosing and calibrating afresh, on M1 and M3.
 */
function refitSection(series: Series[]): void {
  const levels = [80, 95];
  const bands = (forecast: { mean: number[]; lower: number[][]; upper: number[][] }): Bands => ({
    mean: forecast.mean, lo80: forecast.lower[0], hi80: forecast.upper[0], lo95: forecast.lower[1], hi95: forecast.upper[1],
  });
  for (const dataset of ['m1', 'm3'] as const) {
    const chosen = series.filter((s) => s.dataset === dataset);
    if (chosen.length === 0) continue;
    const options = (s: Series) => ({ seasonLength: s.freq, horizon: s.h, levels });
    const line = (label: string, scores: SeriesScore[]) => {
      const all = summarise(scores, () => 'all').get('all')!;
      console.log(`  ${label}: sMAPE ${all.smape.toFixed(3)}, MASE ${all.mase.toFixed(4)}, coverage ${all.coverage80.toFixed(1)} / ${all.coverage95.toFixed(1)} %, MSIS ${all.msis95.toFixed(2)}`);
    };
    console.log(`refit against a fresh selection (${dataset.toUpperCase()}, ${chosen.length} series):`);
    line('chosen afresh', chosen.map((s) => scoreSeries(s, bands(autoForecast(s.x, options(s))))));
    for (const periods of [1, 6]) {
      const pins = new Map<string, PinnedModel | undefined>(chosen.map((s) => [s.id, autoForecast(s.x.slice(0, -periods), options(s)).pin]));
      line(`refit of the model chosen ${periods} period(s) earlier`, chosen.map((s) => scoreSeries(s, bands(autoForecast(s.x, { ...options(s), pinned: pins.get(s.id) })))));
    }
  }
}

/**
 * The demo catalogue's weekly series (db/seeds/demo.ts, 300 SKUs, 3 years), as the forecast stage sees them
 * (weeklyDemand: sales scaled up for days out of stock, from the first sale on), forecast 13 weeks ahead from 4
 * rolling origins 13 weeks apart, the last 13 weeks before the end: coverage of the 80 % and 95 % bands and MSIS at
 * 95 % (scaled by the training history's one-step naive MAE: many histories are shorter than a season and a step),
 * per demand class, for auto (and with --each ETS, Theta and the combination alone).
 */
function demoWeeklySection(): void {
  const { dailySales } = generateDemoData({ endDate: '2026-11-29' });
  const firstDay = dailySales.reduce((first, row) => Math.min(first, Date.parse(String(row[2])) / 864e5), Infinity);
  const byPair = new Map<string, { quantities: number[]; outOfStockDays: number[] }>();
  for (const [itemId, locationId, date, quantity, outOfStock] of dailySales) {
    const key = `${itemId}:${locationId}`;
    const week = Math.floor((Date.parse(String(date)) / 864e5 - firstDay) / 7);
    const series = byPair.get(key) ?? { quantities: new Array<number>(156).fill(0), outOfStockDays: new Array<number>(156).fill(0) };
    if (week < 156) {
      series.quantities[week] += Number(quantity);
      if (outOfStock) series.outOfStockDays[week] += 1;
    }
    byPair.set(key, series);
  }
  const horizon = 13;
  const methods: [string, Partial<AutoForecastOptions>][] = [
    ['auto', {}],
    ...(flag('each') ? ([['ETS alone', { method: 'ets' }], ['Theta alone', { method: 'theta' }], ['combination alone', { method: 'combo' }]] as [string, Partial<AutoForecastOptions>][]) : []),
  ];
  const rows: string[][] = [];
  const targets: string[] = [];
  let cpu = 0;
  for (const [name, options] of methods) {
    const tallies = new Map<string, { in80: number; in95: number; count: number; msis: number[] }>();
    const add = (group: string, in80: number, in95: number, count: number, msis: number) => {
      const tally = tallies.get(group) ?? { in80: 0, in95: 0, count: 0, msis: [] };
      tally.in80 += in80;
      tally.in95 += in95;
      tally.count += count;
      if (Number.isFinite(msis)) tally.msis.push(msis);
      tallies.set(group, tally);
    };
    const { seconds } = timed(() => {
      for (const series of byPair.values()) {
        const demand = weeklyDemand(series);
        for (let origin = 0; origin < 4; origin++) {
          const trainLength = demand.length - horizon * (origin + 1);
          if (trainLength < 26) continue;
          const train = demand.slice(0, trainLength);
          const forecast = autoForecast(train, { seasonLength: 52, horizon, levels: [80, 95], ...options });
          const steps = demand.slice(trainLength, trainLength + horizon).flatMap((actual, step) => (Number.isFinite(actual) ? [step] : []));
          const actual = steps.map((step) => demand[trainLength + step]);
          const pick = (row: number[]) => steps.map((step) => row[step]);
          const in80 = Math.round(intervalCoverage(actual, pick(forecast.lower[0]), pick(forecast.upper[0])) * steps.length);
          const in95 = Math.round(intervalCoverage(actual, pick(forecast.lower[1]), pick(forecast.upper[1])) * steps.length);
          const known = train.filter(Number.isFinite);
          const msis = meanScaledIntervalScore(actual, pick(forecast.lower[1]), pick(forecast.upper[1]), 95, known, 1);
          const { demandClass } = forecast;
          for (const group of ['all', demandClass, ...(demandClass === 'smooth' || demandClass === 'erratic' ? ['smooth and erratic'] : [])]) add(group, in80, in95, steps.length, msis);
        }
      }
    });
    cpu += seconds;
    for (const [group, t] of [...tallies].sort()) {
      rows.push([name, group, String(t.count), ((100 * t.in80) / t.count).toFixed(1), ((100 * t.in95) / t.count).toFixed(1), format(t.msis.reduce((a, b) => a + b, 0) / t.msis.length, 2)]);
    }
    const smooth = tallies.get('smooth and erratic');
    if (smooth) {
      const [c80, c95] = [(100 * smooth.in80) / smooth.count, (100 * smooth.in95) / smooth.count];
      targets.push(`  ${name}: coverage within ±2 points on the smooth and erratic weekly series: ${Math.abs(c80 - 80) <= 2 && Math.abs(c95 - 95) <= 2 ? 'MET' : 'MISSED'} (${c80.toFixed(1)} / ${c95.toFixed(1)})`);
    }
  }
  console.log(`\n4. Demo catalogue, weekly: ${byPair.size} series, 4 rolling origins, 13 weeks ahead (${cpu.toFixed(0)} CPU s)`);
  console.log(formatTable(['method', 'demand class', 'values', 'cover 80', 'cover 95', 'MSIS 95'], rows));
  console.log(['targets:', ...targets].join('\n'));
}

const probabilities = [0.5, 0.8, 0.95];
type CarpartsMethod = (train: number[]) => { point: number[]; quantiles: number[][] };
const fromFit = (fit: (train: number[]) => IntermittentFit): CarpartsMethod => (train) => {
  const fitted = fit(train);
  return { point: new Array<number>(carpartsTest).fill(fitted.rate), quantiles: intermittentQuantiles(fitted, probabilities).map((q) => new Array<number>(carpartsTest).fill(q)) };
};
const carpartsMethods: Record<string, CarpartsMethod> = {
  croston: fromFit((train) => fitCroston(train)),
  sba: fromFit((train) => fitSba(train)),
  tsb: fromFit((train) => fitTsb(train)),
  adida: fromFit((train) => fitAdida(train)),
  auto: (train) => {
    // The p-quantile is the upper bound of the central interval at level 200·(p − 0.5) percent (the median: 1e-9 %).
    const forecast = autoForecast(train, { seasonLength: 12, horizon: carpartsTest, levels: probabilities.map((p) => Math.max(1e-9, 200 * (p - 0.5))) });
    return { point: forecast.mean, quantiles: forecast.upper };
  },
};

function carpartsSection(series: Series[]): void {
  const average = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const pinball = (actual: number, quantile: number, p: number) => (actual >= quantile ? p * (actual - quantile) : (1 - p) * (quantile - actual));
  const rows: string[][] = [];
  const maseOf: Record<string, number> = {};
  for (const [name, method] of Object.entries(carpartsMethods)) {
    const mases: number[] = [];
    const losses = probabilities.map(() => [] as number[]);
    for (const s of series) {
      const { point, quantiles } = method(s.x);
      const scale = scaleOf(s);
      if (scale > 0) mases.push(average(s.xx.map((actual, t) => Math.abs(actual - point[t]))) / scale);
      probabilities.forEach((p, i) => losses[i].push(average(s.xx.map((actual, t) => pinball(actual, quantiles[i][t], p)))));
    }
    maseOf[name] = average(mases);
    rows.push([name, maseOf[name].toFixed(3), ...losses.map((l) => average(l).toFixed(4))]);
  }
  console.log(`\n3. carparts: ${series.length} series, last ${carpartsTest} months held out; MASE over series with a non-zero in-sample naive MAE`);
  console.log(formatTable(['method', 'MASE', ...probabilities.map((p) => `pinball ${p}`)], rows));
  const best = Math.min(maseOf.croston, maseOf.sba, maseOf.tsb);
  console.log(`target: auto MASE ${maseOf.auto.toFixed(3)} ≤ best of Croston, SBA, TSB ${best.toFixed(3)} ${maseOf.auto <= best ? 'MET' : 'MISSED'}`);
}

const series = only === 'demo' ? [] : [
  ...(only === undefined || only === 'm1' ? readCompetition('m1') : []),
  ...(only === undefined || only === 'm3' ? readCompetition('m3') : []),
  ...(only === undefined || only === 'carparts' ? readCarpartsSeries() : []),
];
console.log(`bench:accuracy: ${series.length} series (${[...new Set(series.map((s) => s.dataset))].join(', ')})`);
if (series.length > 0 && !flag('skip-candidates')) candidatesSection(series);
if (flag('candidates-only')) process.exit(0);
if (series.length > 0) comparisonSection(series);
if (only === undefined || only === 'm3') m3SubmissionCheck();
if (flag('refit')) refitSection(series);
if (only === undefined || only === 'carparts') carpartsSection(series.filter((s) => s.dataset === 'carparts'));
if (only === undefined || only === 'demo') demoWeeklySection();
