/**
 * Where the closed-loop replay's achieved cycle service and the planner's sampled quantiles part ways, per target, for
 * the sampled classes (intermittent, lumpy): an in-memory proxy of `replen replay` (src/services/replay/driver.ts) for
 * those series. Each review runs the forecast stage's appendSeriesForecast on the censored weekly sales so far, the
 * plan stage's planningDemand and planItem (lead times learned by learnLeadTimes from the receipts so far, as the plan
 * stage learns them), and the driver's daily loop serves demand, backorders the rest, flags stock-outs and receives
 * orders after drawn lead times; cycles are counted by models/policy/cycle-service.ts' rule. Per series it averages,
 * over the counted cycles of review t:
 *   planned S   P(cycle served) the samples give S_t: the share of cycleDemandSamples at or below S_t;
 *   planned IP  the same at the inventory position after the review's order (above S_t when no order was needed);
 *   ideal       the share of cycles that the realised demand would have served from a position of exactly S_t;
 *   achieved    the share served in the loop;
 *   ideal at q  as ideal, from the sample quantile alone (no forecast shift); shift: forecast over L + R − sample mean;
 *   floor bound the mean of max(target, P(served) at 0 units): the least any level ≥ 0 can plan; S = 0: share of levels at 0.
 * and prints their means over the series of each class (as summary.json averages per SKU). --uncensored plans from the
 * true demand instead of the recorded sales (what censoring costs). It reproduced the replay's intermittent figures
 * within 0.4 points (README "Intermittent items in the replay") in seconds instead of minutes. Not the replay itself:
 * the pooled tails, draft orders and database are left out; the sampled items use none of them.
 * Run: npx tsx bench/cycle-diagnosis.ts --input demand.csv --warmup 52 [--targets 0.8,0.9,0.95,0.98,0.99]
 *        [--lead-time 2] [--lead-time-sd 0.5] [--seed 1] [--detail] [--uncensored]   (input: series_id,period,value, weekly)
 */
import { parseArgs } from 'node:util';
import { addDays } from '../db/dates';
import type { WeeklySeries } from '../db/repositories/sales';
import { learnLeadTimes, type Receipt } from '../models/policy/lead-time';
import { planItem } from '../models/policy/plan';
import { cycleServiceLevel, type ReviewOrder } from '../models/policy/cycle-service';
import { normalDraw, seededRandom, type Random } from '../models/stats/random';
import { spreadWeek } from '../src/services/replay/driver';
import { readSeriesFile } from './series-file';
import { appendSeriesForecast, type SeriesForecastRows } from '../src/services/forecast-series';
import { planningDemand, samplingHistory, samplingSeed } from '../src/services/planning/planning-demand';

const { values: args } = parseArgs({
  options: {
    input: { type: 'string' },
    warmup: { type: 'string', default: '52' },
    targets: { type: 'string', default: '0.8,0.9,0.95,0.98,0.99' },
    'lead-time': { type: 'string', default: '2' },
    'lead-time-sd': { type: 'string', default: '0.5' },
    seed: { type: 'string', default: '1' },
    detail: { type: 'boolean', default: false },
    uncensored: { type: 'boolean', default: false },
  },
});
if (!args.input) throw new Error('usage: npx tsx bench/cycle-diagnosis.ts --input demand.csv --warmup 52 [--targets …]');
const warmup = Number(args.warmup);
const L = Number(args['lead-time']);
const leadTimeSd = Number(args['lead-time-sd']);
const seed = Number(args.seed);
const targets = args.targets.split(',').map(Number);
const sampledClasses = new Set(['intermittent', 'lumpy']);

const FIRST_DAY = '2020-01-06';
const HISTORY_WEEKS = 156;
const HORIZON_WEEKS = 26;
const SAMPLES = 2000;
const dayDate = (day: number) => addDays(FIRST_DAY, day);

const forecastCache = new Map<string, { mean: number[]; errorSd: number | null; demandClass: string }>();
function forecastOf(series: WeeklySeries, firstPeriodStart: string) {
  const key = `${series.itemId}|${series.quantities.join(',')}|${series.outOfStockDays.join(',')}|${series.soldOutDays!.join(',')}`;
  let hit = forecastCache.get(key);
  if (!hit) {
    const rows: SeriesForecastRows = { forecasts: [], fits: [] };
    appendSeriesForecast(rows, series, { horizonWeeks: HORIZON_WEEKS, firstPeriodStart, asOfDate: addDays(firstPeriodStart, -1) });
    hit = { mean: rows.forecasts.map((row) => row.mean), errorSd: rows.fits[0].errorSd, demandClass: rows.fits[0].demandClass };
    forecastCache.set(key, hit);
  }
  return hit;
}

interface Cycle { atZero: number; review: number; quantile: number; shift: number; orderUpTo: number; position: number; plannedAtS: number; plannedAtPosition: number; target: number }

interface Sku {
  id: string;
  itemId: number;
  daily: number[];
  random: Random;
  sold: number[];
  outOfStock: boolean[];
  onHand: number;
  backordered: number;
  incoming: Array<{ arrivalDay: number; quantity: number; orderDay: number }>;
  shortDays: Set<number>;
  arrivalByReview: Map<number, number>;
  cycles: Cycle[];
  demandClass: string;
}

const share = (sorted: number[], x: number) => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x + 1e-9) lo = mid + 1;
    else hi = mid;
  }
  return lo / sorted.length;
};

function weeklySeriesOf(sku: Sku, week: number): WeeklySeries {
  const first = Math.max(0, week - HISTORY_WEEKS);
  const quantities: number[] = [];
  const outOfStockDays: number[] = [];
  const soldOutDays: number[] = [];
  for (let w = first; w < week; w++) {
    let q = 0;
    let out = 0;
    let soldOut = 0;
    for (let day = 7 * w; day < 7 * w + 7; day++) {
      q += args.uncensored ? sku.daily[day] : sku.sold[day];
      if (!args.uncensored && sku.outOfStock[day]) {
        out += 1;
        if (sku.sold[day] > 0) soldOut += 1;
      }
    }
    quantities.push(q);
    outOfStockDays.push(out);
    soldOutDays.push(soldOut);
  }
  return { itemId: sku.itemId, locationId: 1, quantities, outOfStockDays, soldOutDays };
}

function replayTarget(all: Array<{ id: string; values: number[] }>, chosen: number[], target: number) {
  const weeks = Math.max(...all.map((series) => series.values.length));
  const skus: Sku[] = chosen.map((index) => {
    const series = all[index];
    const random = seededRandom((seed * 1_000_003 + index * 7919) >>> 0);
    const padded = [...new Array<number>(weeks - series.values.length).fill(0), ...series.values];
    const daily = padded.flatMap((value) => spreadWeek(value, random));
    return {
      id: series.id,
      itemId: index + 1,
      daily,
      random,
      sold: daily.slice(0, 7 * warmup).concat(new Array(7 * (weeks - warmup)).fill(0)),
      outOfStock: new Array(7 * weeks).fill(false),
      onHand: 0,
      backordered: 0,
      incoming: [],
      shortDays: new Set(),
      arrivalByReview: new Map(),
      cycles: [],
      demandClass: '',
    };
  });
  const receipts: Receipt[] = [];
  const drawLeadTimeDays = (random: Random) => Math.max(1, Math.round(7 * L + 7 * leadTimeSd * (leadTimeSd > 0 ? normalDraw(random) : 0)));
  for (let week = warmup; week < weeks; week++) {
    const monday = 7 * week;
    const asOf = dayDate(monday - 1);
    const since = addDays(asOf, -730);
    const learned = new Map(
      learnLeadTimes(
        receipts.filter((receipt) => receipt.receivedDate >= since),
        skus.map((sku) => ({ supplierId: 'S', sku: String(sku.itemId), promisedDays: 7 * L })),
      ).map((stats) => [stats.sku, stats]),
    );
    for (const sku of skus) {
      const series = weeklySeriesOf(sku, week);
      const forecast = forecastOf(series, dayDate(monday));
      sku.demandClass = forecast.demandClass;
      const lt = learned.get(String(sku.itemId))!;
      const leadTime = { meanDays: lt.plannedMeanDays, stdDevDays: lt.plannedStdDevDays };
      const demand = planningDemand({
        forecast: { ...forecast, protectionErrors: null },
        history: samplingHistory(series),
        leadTime,
        reviewPeriodDays: 7,
        periodDays: 7,
        sampleCount: SAMPLES,
        seed: samplingSeed(sku.itemId, 1),
      });
      const onOrder = sku.incoming.reduce((sum, incoming) => sum + incoming.quantity, 0);
      const plan = planItem({
        sku: String(sku.itemId),
        locationId: '1',
        startDate: dayDate(monday),
        periodDays: 7,
        forecastMean: demand.forecastMean,
        forecastStdDev: demand.forecastStdDev,
        protectionErrors: null,
        demandSamples: demand.demandSamples,
        cycleDemandSamples: demand.cycleDemandSamples,
        demandClass: demand.demandClass,
        demandHistory: demand.demandHistory,
        leadTime,
        reviewPeriodDays: 7,
        service: { measure: 'cycle', level: target },
        stock: { onHand: Math.max(0, sku.onHand), onOrder, backordered: sku.backordered, allocated: 0 },
        supplierItems: [{ supplierId: 'S', unitCost: 1, moq: 1, orderMultiple: 1, leadTimeDays: leadTime.meanDays, leadTimeStdDevDays: leadTime.stdDevDays, priority: 1 }],
      });
      const S = plan.policy.orderUpTo;
      let position: number;
      if (week === warmup) {
        sku.onHand = Math.ceil(S - 1e-9);
        position = sku.onHand;
      } else {
        const quantity = plan.recommendation?.quantity ?? 0;
        if (quantity > 0) {
          const arrivalDay = monday + drawLeadTimeDays(sku.random);
          sku.incoming.push({ arrivalDay, quantity, orderDay: monday });
          sku.arrivalByReview.set(monday, arrivalDay);
        }
        position = sku.onHand + onOrder - sku.backordered + quantity;
      }
      const atRisk = demand.cycleDemandSamples ?? demand.demandSamples;
      sku.cycles.push({
        review: monday,
        atZero: atRisk ? share(atRisk, 0) : Number.NaN,
        quantile: plan.explanation.sampleQuantile ?? Number.NaN,
        shift: plan.explanation.demandOverProtection - (plan.explanation.sampleMean ?? Number.NaN),
        orderUpTo: S,
        position,
        plannedAtS: atRisk ? share(atRisk, S) : Number.NaN,
        plannedAtPosition: atRisk ? share(atRisk, position) : Number.NaN,
        target,
      });
    }
    for (let day = monday; day < monday + 7; day++) {
      for (const sku of skus) {
        for (const incoming of sku.incoming.filter((one) => one.arrivalDay === day)) {
          receipts.push({ supplierId: 'S', sku: String(sku.itemId), orderDate: dayDate(incoming.orderDay), promisedDate: dayDate(incoming.orderDay + 7 * L), receivedDate: dayDate(day) });
          const filled = Math.min(sku.backordered, incoming.quantity);
          sku.backordered -= filled;
          sku.onHand += incoming.quantity - filled;
        }
        sku.incoming = sku.incoming.filter((one) => one.arrivalDay !== day);
        const demand = sku.daily[day];
        const served = Math.min(sku.onHand, demand);
        sku.onHand -= served;
        if (demand - served > 1e-9) {
          sku.backordered += demand - served;
          sku.shortDays.add(day);
        }
        sku.sold[day] = served;
        sku.outOfStock[day] = sku.onHand <= 1e-9;
      }
    }
  }
  const lastDay = 7 * weeks - 1;
  const nominal = 7 * L;
  return skus.map((sku) => {
    const reviews: ReviewOrder[] = sku.cycles.map((cycle) => ({ reviewDay: cycle.review, arrivalDay: sku.arrivalByReview.get(cycle.review) ?? null }));
    const achieved = cycleServiceLevel(reviews, sku.shortDays, { nominalLeadTimeDays: nominal, reviewPeriodDays: 7, lastDay });
    // The counted cycles (cycleServiceLevel's rule), each with the realised demand from its review to its end.
    const arrival = (i: number) => reviews[i].arrivalDay ?? reviews[i].reviewDay + nominal;
    const counted: Array<{ cycle: Cycle; idealServed: boolean; idealAtQuantile: boolean; served: boolean }> = [];
    for (let i = 0; i < reviews.length; i++) {
      const start = arrival(i);
      const end = i + 1 < reviews.length ? arrival(i + 1) : reviews[i].reviewDay + 7 + nominal;
      if (end - 1 > lastDay || end <= start) continue;
      let total = 0;
      let inCycle = 0;
      for (let day = reviews[i].reviewDay; day < end; day++) {
        total += sku.daily[day];
        if (day >= start) inCycle += sku.daily[day];
      }
      let served = true;
      for (let day = start; day < end && served; day++) served = !sku.shortDays.has(day);
      counted.push({ cycle: sku.cycles[i], idealServed: !(total > sku.cycles[i].orderUpTo + 1e-9 && inCycle > 0), idealAtQuantile: !(total > sku.cycles[i].quantile + 1e-9 && inCycle > 0), served });
    }
    const mean = (pick: (one: (typeof counted)[number]) => number) => (counted.length === 0 ? null : counted.reduce((sum, one) => sum + pick(one), 0) / counted.length);
    return {
      id: sku.id,
      demandClass: sku.demandClass,
      achieved: achieved.level,
      plannedAtS: mean((one) => one.cycle.plannedAtS),
      plannedAtPosition: mean((one) => one.cycle.plannedAtPosition),
      ideal: mean((one) => (one.idealServed ? 1 : 0)),
      idealAtQuantile: mean((one) => (one.idealAtQuantile ? 1 : 0)),
      shift: mean((one) => one.cycle.shift),
      floorBound: mean((one) => Math.max(one.cycle.target, one.cycle.atZero)),
      atZeroLevel: mean((one) => (one.cycle.orderUpTo === 0 ? 1 : 0)),
      meanS: mean((one) => one.cycle.orderUpTo),
      fractional: mean((one) => (Number.isInteger(one.cycle.orderUpTo) ? 0 : 1)),
      aboveS: mean((one) => (one.cycle.position > one.cycle.orderUpTo + 1e-9 ? 1 : 0)),
    };
  });
}

const all = readSeriesFile(args.input);
const weeks = Math.max(...all.map((series) => series.values.length));
// The series the plan stage buffers from samples at the first review, by the forecast's class then.
const chosen = all.flatMap((series, index) => {
  const padded = [...new Array<number>(weeks - series.values.length).fill(0), ...series.values];
  const history = padded.slice(0, warmup);
  const wk: WeeklySeries = { itemId: index + 1, locationId: 1, quantities: history, outOfStockDays: history.map(() => 0), soldOutDays: history.map(() => 0) };
  return sampledClasses.has(forecastOf(wk, dayDate(7 * warmup)).demandClass) ? [index] : [];
});
process.stdout.write(`${args.input}: ${chosen.length} of ${all.length} series intermittent or lumpy at the first review; warm-up ${warmup}, ${weeks - warmup} weeks replayed, L ${L} ± ${leadTimeSd}\n`);
const meanOf = (values: Array<number | null>) => {
  const present = values.filter((value): value is number => value !== null && Number.isFinite(value));
  return present.length === 0 ? Number.NaN : present.reduce((sum, x) => sum + x, 0) / present.length;
};
const pct = (x: number) => (100 * x).toFixed(1).padStart(6);
process.stdout.write('target class         series  planned S  planned IP   ideal  achieved   mean S  fractional S  IP above S  ideal at q  shift  floor bound  S = 0\n');
for (const target of targets) {
  const started = Date.now();
  const rows = replayTarget(all, chosen, target);
  for (const demandClass of [...new Set(rows.map((row) => row.demandClass))].sort()) {
    const group = rows.filter((row) => row.demandClass === demandClass);
    process.stdout.write(
      `${pct(target)} ${demandClass.padEnd(13)} ${String(group.length).padStart(6)}  ${pct(meanOf(group.map((r) => r.plannedAtS)))}     ${pct(meanOf(group.map((r) => r.plannedAtPosition)))}  ${pct(meanOf(group.map((r) => r.ideal)))}    ${pct(meanOf(group.map((r) => r.achieved)))}  ${meanOf(group.map((r) => r.meanS)).toFixed(2).padStart(7)}  ${pct(meanOf(group.map((r) => r.fractional)))}       ${pct(meanOf(group.map((r) => r.aboveS)))}    ${pct(meanOf(group.map((r) => r.idealAtQuantile)))}  ${meanOf(group.map((r) => r.shift)).toFixed(2)}  ${pct(meanOf(group.map((r) => r.floorBound)))}  ${pct(meanOf(group.map((r) => r.atZeroLevel)))}\n`,
    );
    if (args.detail) for (const row of group) process.stdout.write(`        ${row.id} ${JSON.stringify(row)}\n`);
  }
  process.stdout.write(`        (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
}
