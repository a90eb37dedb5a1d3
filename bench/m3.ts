/**
 * Shared by the forecasting benchmarks: where the public data sets live, how to read them, and how M3 is scored.
 * Scoring as the M3 convention in /work/shared/data/README.md: sMAPE = mean over series of mean over steps of
 * 200·|a − f|/(|a| + |f|); MASE = mean over series of (MAE over the horizon / in-sample MAE of the seasonal naive
 * forecast with lag = freq, lag 1 when freq is 1). Hyndman & Koehler (2006); Makridakis & Hibon (2000).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { mase, smape } from '../models/forecast/accuracy';

export interface M3Series {
  id: string;
  period: 'YEARLY' | 'QUARTERLY' | 'MONTHLY' | 'OTHER';
  freq: number;
  h: number;
  x: number[];
  xx: number[];
}

export const m3Categories = ['YEARLY', 'QUARTERLY', 'MONTHLY', 'OTHER'] as const;

/** DATA_DIR, else ../shared/data beside the repository (where CI copies the data). */
export function dataDirectory(): string {
  return process.env.DATA_DIR ?? resolve(__dirname, '..', '..', 'shared', 'data');
}

export function readM3(directory = dataDirectory()): M3Series[] {
  return readFileSync(resolve(directory, 'm3.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as M3Series);
}

/** The submitted M3 forecasts of the named methods: method → series id → forecast by step. */
export function readM3Submissions(methods: string[], directory = dataDirectory()): Map<string, Map<string, number[]>> {
  const byMethod = new Map(methods.map((method) => [method, new Map<string, number[]>()]));
  for (const line of readFileSync(resolve(directory, 'm3_submissions.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [id, method, step, value] = line.split(',');
    const bySeries = byMethod.get(method);
    if (!bySeries) continue;
    const steps = bySeries.get(id) ?? [];
    steps[Number(step) - 1] = Number(value);
    bySeries.set(id, steps);
  }
  return byMethod;
}

/** carparts.csv as one array of values per series, in period order. */
export function readCarparts(directory = dataDirectory()): { id: string; values: number[] }[] {
  const bySeries = new Map<string, [number, number][]>();
  for (const line of readFileSync(resolve(directory, 'carparts.csv'), 'utf8').trim().split('\n').slice(1)) {
    const [id, period, value] = line.split(',');
    const rows = bySeries.get(id) ?? [];
    rows.push([Number(period), Number(value)]);
    bySeries.set(id, rows);
  }
  return [...bySeries].map(([id, rows]) => ({ id, values: rows.sort((a, b) => a[0] - b[0]).map(([, value]) => value) }));
}

export interface M3Score {
  smape: number;
  mase: number;
  count: number;
}

/** sMAPE and MASE per category and 'ALL' of forecasts (one array of length h per series, in `series` order). */
export function scoreM3(series: M3Series[], forecasts: number[][]): Record<string, M3Score> {
  const sums: Record<string, M3Score> = {};
  for (const category of [...m3Categories, 'ALL']) sums[category] = { smape: 0, mase: 0, count: 0 };
  series.forEach((s, i) => {
    const forecast = forecasts[i].slice(0, s.h);
    const seriesSmape = smape(s.xx, forecast);
    const seriesMase = mase(s.xx, forecast, s.x, s.freq);
    for (const category of [s.period, 'ALL']) {
      sums[category].smape += seriesSmape;
      sums[category].mase += seriesMase;
      sums[category].count += 1;
    }
  });
  for (const score of Object.values(sums)) {
    score.smape /= score.count;
    score.mase /= score.count;
  }
  return sums;
}

/** Fixed-width text table: first column left-aligned, the others right-aligned. */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column].length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  return [line(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}
