/**
 * Inputs for the closed-loop replay's calibration (README "Proving the plan"): writes series_id,period,value files that
 * `npx replen replay` reads, one per dataset, each series cut to the same number of periods.
 *   demo      150 demo-catalogue SKUs (generateDemoData seed 1, end 2026-11-29), the weekly totals of each item's
 *             location 1 over the last 72 weeks (as bench/replay.ts builds them): warm-up 52, 20 replayed.
 *   m3        M3 monthly (../shared/data/m3.jsonl, x then xx), the last 60 months of each series, each month treated
 *             as a week: warm-up 48, 12 replayed.
 *   m1        M1 monthly (m1.jsonl), series with at least 60 months (549 of 617), the last 60: warm-up 48, 12 replayed.
 *   carparts  carparts.csv, the 2,509 series with all 51 months, each month treated as a week: warm-up 39, 12 replayed.
 * --subset N draws N series (without replacement, seeded with --seed) from each real dataset (not the demo).
 * Run: npx tsx bench/replay-inputs.ts --out DIR [--subset 200] [--seed 1]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { dayNumber } from '../db/dates';
import { generateDemoData } from '../db/seeds/demo';
import { seededRandom } from '../models/stats/random';

const { values: args } = parseArgs({ options: { out: { type: 'string' }, subset: { type: 'string' }, seed: { type: 'string', default: '1' } } });
if (!args.out) throw new Error('usage: npx tsx bench/replay-inputs.ts --out DIR [--subset N] [--seed S]');
const outDir = args.out;
const subset = args.subset === undefined ? undefined : Number(args.subset);
const seed = Number(args.seed);
const dataDir = path.join(__dirname, '..', '..', 'shared', 'data');

type Series = { id: string; values: number[] };

function demoSeries(skuCount: number, weeks: number): Series[] {
  const endDate = '2026-11-29';
  const { dailySales } = generateDemoData({ skuCount, endDate, seed: 1 });
  const firstDay = dayNumber(endDate) - 7 * weeks + 1;
  const byItem = new Map<number, { location: number; values: number[] }>();
  for (const [itemId, locationId, date, quantity] of dailySales as Array<[number, number, string, number]>) {
    const series = byItem.get(itemId) ?? { location: locationId, values: new Array<number>(weeks).fill(0) };
    byItem.set(itemId, series);
    const week = Math.floor((dayNumber(date) - firstDay) / 7);
    if (series.location === locationId && week >= 0) series.values[week] += quantity;
  }
  return [...byItem].map(([itemId, { values }]) => ({ id: `DEMO-${itemId}`, values }));
}

function competitionMonthly(file: string, periods: number): Series[] {
  const out: Series[] = [];
  for (const line of fs.readFileSync(path.join(dataDir, file), 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const row = JSON.parse(line) as { id: string; period: string; x: number[]; xx: number[] };
    if (row.period !== 'MONTHLY') continue;
    const values = [...row.x, ...row.xx];
    if (values.length >= periods) out.push({ id: row.id, values: values.slice(-periods) });
  }
  return out;
}

function carparts(periods: number): Series[] {
  const byId = new Map<string, number[]>();
  const lines = fs.readFileSync(path.join(dataDir, 'carparts.csv'), 'utf8').trim().split('\n').slice(1);
  for (const line of lines) {
    const [id, period, value] = line.split(',');
    const values = byId.get(id) ?? [];
    byId.set(id, values);
    values[Number(period) - 1] = Number(value);
  }
  return [...byId].filter(([, values]) => values.length === periods && values.every((v) => Number.isFinite(v))).map(([id, values]) => ({ id, values }));
}

function draw(series: Series[], count: number | undefined): Series[] {
  if (count === undefined || count >= series.length) return series;
  const random = seededRandom(seed);
  const pool = [...series];
  for (let i = 0; i < count; i++) {
    const pick = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[pick]] = [pool[pick], pool[i]];
  }
  return pool.slice(0, count);
}

function write(name: string, series: Series[]): void {
  const rows = ['series_id,period,value'];
  for (const { id, values } of series) values.forEach((value, index) => rows.push(`${id},${index + 1},${value}`));
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, `${name}.csv`), `${rows.join('\n')}\n`);
  process.stdout.write(`${name}: ${series.length} series × ${series[0].values.length} periods → ${path.join(outDir, `${name}.csv`)}\n`);
}

write('demo', demoSeries(150, 72));
write('m3', draw(competitionMonthly('m3.jsonl', 60), subset));
write('m1', draw(competitionMonthly('m1.jsonl', 60), subset));
write('carparts', draw(carparts(51), subset));
