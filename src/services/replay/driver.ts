/**
 * The closed-loop replay: plays the ERP and the buyer around the real pipeline, week by week, on its own database.
 * Each series is one SKU at one location from one supplier. Every simulated day demand is served from stock on hand;
 * what stock cannot serve becomes a backordered sales-order line, and the recorded sales are what was served, the day
 * flagged out of stock when it ended with none: the planner sees censored demand, as in real life. At each review the
 * nightly run (import → forecast stage → plan stage → backorder stage, through the pipeline service) plans; the buyer
 * approves every proposal (replen) and the ERP pulls and acknowledges the order, which becomes an ERP purchase order
 * whose delivery takes a drawn lead time; receipts fill backorders first. The textbook and min/max policies are
 * computed by the buyer from the recorded sales instead, and ordered through the same ERP import.
 */
import type { Knex } from 'knex';
import { addDays } from '../../../db/dates';
import { withWeeklySalesRebuilt } from '../../../db/weekly-sales';
import { ensureLocation, proposalsPlannedFor, runBackorderEtas, runExceptionSkus, runItemLevels } from '../../../db/repositories/replay';
import { minMaxLevels, textbookOrderUpTo } from '../../../models/policy/baseline-policies';
import { cycleServiceLevel, type ReviewOrder } from '../../../models/policy/cycle-service';
import { roundOrderQuantity } from '../../../models/policy/order-quantity';
import { normalDraw, seededRandom, type Random } from '../../../models/stats/random';
import type { SimulatedClock } from '../../clock';
import type { Services } from '../index';
import type { ServiceMeasure } from '../../../models/policy/safety-stock';
import type { BacktestPolicy } from './backtest';

export interface ReplaySeries {
  id: string;
  /** Demand per week, oldest first: the first `warmupWeeks` are history, the rest is replayed. */
  values: number[];
}

export interface ReplayDriverOptions {
  serviceLevel: number;
  /** Promised lead time L in weeks (whole), the actual ones drawn around L + lateness with sd leadTimeSd. */
  leadTimeWeeks: number;
  leadTimeSdWeeks: number;
  latenessWeeks: number;
  reviewPeriodWeeks: number;
  warmupWeeks: number;
  moq: number;
  multiple: number;
  /** The supplier item's maximum order quantity; undefined: no cap. */
  maxOrder?: number;
  /** What the target measures (SERVICE_MEASURE_A/B/C for the planner); the textbook and min/max rules are cycle rules. */
  serviceMeasure: ServiceMeasure;
  policy: BacktestPolicy;
  seed: number;
  /**
   * Runs the sense job (services.sense.runNow, as `npx replen sense`) after each simulated day's sales are recorded,
   * and the buyer approves what it re-planned; the ERP then sends its records every day instead of once a week.
   */
  sense?: boolean;
  /** Demand spikes injected into the replayed weeks (chooseSpikes). */
  spikes?: SpikeOptions;
}

export interface SpikeOptions {
  /** Share of the SKUs that get one spike (rounded to whole SKUs). */
  share: number;
  /** What the spike multiplies the SKU's weekly demand by. */
  factor: number;
  /** How many consecutive weeks a spike lasts. */
  weeks: number;
}

/**
 * The SKUs (by index) that get a spike, each with the first of its spike weeks: round(share × count) SKUs drawn
 * without replacement, each week drawn uniformly among the replayed weeks where the whole spike fits, from the seed.
 */
export function chooseSpikes(count: number, totalWeeks: number, warmupWeeks: number, spikes: SpikeOptions, seed: number): Map<number, number> {
  const random = seededRandom((seed * 2_654_435_761 + 97) >>> 0);
  const indices = Array.from({ length: count }, (_, index) => index);
  const chosen = new Map<number, number>();
  const latestStart = totalWeeks - spikes.weeks;
  if (latestStart < warmupWeeks) return chosen;
  for (let drawn = 0; drawn < Math.round(spikes.share * count); drawn++) {
    const pick = drawn + Math.floor(random() * (count - drawn));
    [indices[drawn], indices[pick]] = [indices[pick], indices[drawn]];
    chosen.set(indices[drawn], warmupWeeks + Math.floor(random() * (latestStart - warmupWeeks + 1)));
  }
  return chosen;
}

/** One SKU's outcome over the replayed weeks. */
export interface SeriesOutcome {
  seriesId: string;
  demandClass: string;
  targetCsl: number;
  /**
   * Share of replenishment cycles (from the arrival of a review's order to the arrival of the next review's:
   * models/policy/cycle-service.ts) without a day of unmet demand; null without one.
   */
  achievedCsl: number | null;
  /** Demand met from stock on its day / all demand; null without demand. */
  fillRate: number | null;
  avgOnHand: number;
  avgOnHandValue: number;
  /**
   * avgOnHand over the mean weekly demand of the replayed weeks: stock in weeks of the item's own demand, comparable
   * across items of any size (a mean of avgOnHand weighs the largest items most); null without demand.
   */
  weeksOfCover: number | null;
  backorderedUnits: number;
  /** Days that ended with a backorder open. */
  backorderDays: number;
  orders: number;
  /** Share of backordered lines filled by the late-case (p90) ETA the backorder stage first gave them; null without one. */
  etaP90Met: number | null;
  /**
   * The injected spike: its first and last day, and whether the SKU ran out during it (a day of unmet demand from its
   * first day to its last day plus the promised lead time), the first day within that span after which the sense
   * job saw a spike (null: never) and the first day of unmet demand in it (null: none); null without a spike.
   */
  spike: { firstDay: number; lastDay: number; ranOut: boolean; firstSensedDay: number | null; firstShortDay: number | null } | null;
  /** Days after which the sense job (--sense) recorded or still saw a spike on the SKU. */
  spikeSensedDays: number;
  /** Days after which the sense job recorded or still saw any change (spike, drop, bias) on the SKU. */
  senseFlaggedDays: number;
  /** Units ordered on what a sense run re-planned (its orders between reviews). */
  senseOrderedUnits: number;
  /** End-of-week on hand and open backorders, replayed weeks only. */
  weeklyOnHand: number[];
  weeklyBackordered: number[];
  weeklyDemand: number[];
}

/** Where a replay's time goes: the ERP's imports, the nightly run's stages, the buyer and ERP around them, the days. */
export type ReplayStage = 'catalogue and warm-up import' | 'weekly import' | 'forecast stage' | 'plan stage' | 'backorder stage' | 'buyer and ERP' | 'sense job' | 'simulated days';

/** Seconds spent per stage so far (the run's plan and backorder stages are filled in by the runner). */
export type StageSeconds = Record<ReplayStage, number>;

export const emptyStageSeconds = (): StageSeconds => ({
  'catalogue and warm-up import': 0,
  'weekly import': 0,
  'forecast stage': 0,
  'plan stage': 0,
  'backorder stage': 0,
  'buyer and ERP': 0,
  'sense job': 0,
  'simulated days': 0,
});

export interface WeekProgress {
  week: number;
  weeks: number;
  date: string;
  onHand: number;
  backordered: number;
  orders: number;
  elapsedSeconds: number;
}

/** Monday of week 0. Any Monday will do: the clock is simulated. */
const FIRST_DAY = '2020-01-06';
const LOCATION = 'REPLAY';
const SUPPLIER = 'REPLAY-SUPPLIER';
const UNIT_COST = 1;
/**
 * Weeks of the supplier's past deliveries the warm-up holds, as an ERP's receipts would: without them the planner
 * plans the replay's first reviews on its prior spread (a quarter of the promise) whatever the supplier does, and a
 * replay of 12 weeks is a quarter start-up.
 */
const WARMUP_ORDER_WEEKS = 26;
const ACTOR = 'replay';
const IMPORT_BATCH = 20_000;

interface Backorder {
  line: string;
  order: string;
  date: string;
  quantity: number;
  remaining: number;
  /** The day a receipt last shipped units to the line: the sales-order import's shippedDate. */
  shippedDate?: string;
}

interface Incoming {
  order: string;
  line: string;
  orderDate: string;
  arrivalDay: number;
  quantity: number;
}

interface SkuState {
  id: string;
  sku: string;
  daily: number[];
  random: Random;
  onHand: number;
  onOrder: number;
  backorders: Backorder[];
  incoming: Incoming[];
  recordedWeekly: number[];
  demand: number;
  servedFromStock: number;
  backorderedUnits: number;
  backorderDays: number;
  onHandDays: number;
  orders: number;
  /** Days with demand that stock could not meet. */
  shortDays: Set<number>;
  /** Arrival day of the order placed at each review, by review day. */
  arrivalByReview: Map<number, number>;
  eta: Map<string, string>;
  /** Backordered lines filled, with the day. */
  filled: Map<string, string>;
  weekServed: number;
  weeklyOnHand: number[];
  weeklyBackordered: number[];
  demandClass: string;
  /** First week of the injected spike, if any. */
  spikeWeek?: number;
  /** Days after which the sense job recorded (or still saw) a spike. */
  spikeSensedDays: number[];
  senseFlaggedDays: number;
  senseOrderedUnits: number;
}

/** Spreads a week's demand over its 7 days: whole units one by one on seeded random days, fractions evenly. */
export function spreadWeek(value: number, random: Random): number[] {
  const days = new Array<number>(7).fill(0);
  if (!Number.isInteger(value) || value > 700) {
    const whole = Number.isInteger(value) ? Math.floor(value / 7) : value / 7;
    days.fill(whole);
    if (Number.isInteger(value)) for (let unit = 0; unit < value - 7 * whole; unit++) days[Math.floor(random() * 7)] += 1;
    return days;
  }
  for (let unit = 0; unit < value; unit++) days[Math.floor(random() * 7)] += 1;
  return days;
}

const dayDate = (day: number) => addDays(FIRST_DAY, day);

async function importInBatches(services: Services, kind: Parameters<Services['imports']['importRecords']>[0], records: object[], trx?: Knex.Transaction): Promise<void> {
  for (let start = 0; start < records.length; start += IMPORT_BATCH) {
    await services.imports.importRecords(kind, { format: 'json', body: records.slice(start, start + IMPORT_BATCH), partial: false, trx });
  }
}

/** Rounds an order to the supplier's minimum, multiple and cap, as the planner does for its own. */
function roundOrder(quantity: number, options: Pick<ReplayDriverOptions, 'moq' | 'multiple' | 'maxOrder'>): number {
  return roundOrderQuantity(Math.max(0, quantity), { moq: options.moq, orderMultiple: options.multiple, maxOrderQuantity: options.maxOrder }).orderQuantity;
}

export interface ReplayDeps {
  db: Knex;
  services: Services;
  clock: SimulatedClock;
  /** Runs one nightly run to its end (the forecast chunks, then the run stages) and resolves to its id. */
  runPipeline(): Promise<number>;
  onWeek?: (progress: WeekProgress) => void;
  /** Accumulates the seconds of each stage the driver runs (the runner adds the pipeline's). */
  stageSeconds?: StageSeconds;
}

/** A purchase order of one line received in full on `receivedDate`, as the ERP sends it; promised L weeks after it was placed. */
function receivedOrderRecord(incoming: { order: string; line: string; orderDate: string; quantity: number }, sku: string, receivedDate: string, L: number): object {
  const { order, line, orderDate, quantity } = incoming;
  return {
    externalId: order,
    supplier: SUPPLIER,
    location: LOCATION,
    orderDate,
    promisedDate: addDays(orderDate, 7 * L),
    status: 'closed',
    lines: [{ externalId: line, sku, quantityOrdered: quantity, quantityReceived: quantity, receipts: [{ externalId: `RC-${line}`, receivedDate, quantity }] }],
  };
}

/**
 * The supplier's deliveries before the replay, as the ERP's history holds them: an order every review period over the
 * last WARMUP_ORDER_WEEKS of the warm-up (the demand of a review period, at least one unit), each delivered after a
 * lead time drawn as the replay's are (from its own random stream, so the replayed draws stay the same), all received
 * before the replay starts; one whose draw would land later was never placed.
 */
export function warmupDeliveries(
  skus: ReadonlyArray<Pick<SkuState, 'sku' | 'recordedWeekly'>>,
  warmup: number,
  options: Pick<ReplayDriverOptions, 'reviewPeriodWeeks' | 'leadTimeWeeks' | 'seed'>,
  drawLeadTimeDays: (random: Random) => number,
): object[] {
  const { reviewPeriodWeeks: R, leadTimeWeeks: L } = options;
  const end = 7 * warmup;
  return skus.flatMap((sku, index) => {
    const random = seededRandom((options.seed * 2_246_822_519 + index * 3_266_489_917 + 1) >>> 0);
    const orders: object[] = [];
    for (let week = Math.max(0, warmup - WARMUP_ORDER_WEEKS); week < warmup; week += R) {
      const orderDay = 7 * week;
      const receivedDay = orderDay + drawLeadTimeDays(random);
      if (receivedDay >= end) continue;
      const quantity = Math.max(1, Math.ceil(sku.recordedWeekly.slice(week, week + R).reduce((sum, value) => sum + value, 0)));
      const order = `PO-${sku.sku}-W${orderDay}`;
      orders.push(receivedOrderRecord({ order, line: `${order}-1`, orderDate: dayDate(orderDay), quantity }, sku.sku, dayDate(receivedDay), L));
    }
    return orders;
  });
}

/** Replays every series together (one catalogue, one run per review) and returns one outcome per series. */
export async function replaySeries(seriesList: ReplaySeries[], options: ReplayDriverOptions, deps: ReplayDeps): Promise<SeriesOutcome[]> {
  const { services, clock } = deps;
  const weeks = Math.max(...seriesList.map((series) => series.values.length));
  const { warmupWeeks: warmup, leadTimeWeeks: L, reviewPeriodWeeks: R } = options;
  if (!(warmup >= 1 && warmup < weeks)) throw new Error(`replay: the warm-up of ${warmup} weeks leaves none of the ${weeks} weeks to replay`);
  const started = Date.now();
  const stageSeconds = deps.stageSeconds ?? emptyStageSeconds();
  let stageStarted = performance.now();
  /** Adds the time since the last call (or the start) to a stage. */
  const lap = (stage: ReplayStage) => {
    const now = performance.now();
    stageSeconds[stage] += (now - stageStarted) / 1000;
    stageStarted = now;
  };
  /** Leaves time spent elsewhere (the pipeline, timed by the runner) out of the driver's stages. */
  const skipLap = () => void (stageStarted = performance.now());

  const spikeWeeks = options.spikes ? chooseSpikes(seriesList.length, weeks, warmup, options.spikes, options.seed) : new Map<number, number>();
  const skus: SkuState[] = seriesList.map((series, index) => {
    const random = seededRandom((options.seed * 1_000_003 + index * 7919) >>> 0);
    // Series shorter than the longest start later: they end with it.
    const padded = [...new Array<number>(weeks - series.values.length).fill(0), ...series.values];
    const spikeWeek = spikeWeeks.get(index);
    if (spikeWeek !== undefined) {
      // Whole units stay whole units.
      for (let week = spikeWeek; week < spikeWeek + options.spikes!.weeks; week++) padded[week] = Number.isInteger(padded[week]) ? Math.round(padded[week] * options.spikes!.factor) : padded[week] * options.spikes!.factor;
    }
    return {
      spikeWeek,
      spikeSensedDays: [],
      senseFlaggedDays: 0,
      senseOrderedUnits: 0,
      id: series.id,
      sku: `R${String(index + 1).padStart(6, '0')}`,
      daily: padded.flatMap((value) => spreadWeek(value, random)),
      random,
      onHand: 0,
      onOrder: 0,
      backorders: [],
      incoming: [],
      recordedWeekly: padded.slice(0, warmup),
      demand: 0,
      servedFromStock: 0,
      backorderedUnits: 0,
      backorderDays: 0,
      onHandDays: 0,
      orders: 0,
      shortDays: new Set(),
      arrivalByReview: new Map(),
      eta: new Map(),
      filled: new Map(),
      weekServed: 0,
      weeklyOnHand: [],
      weeklyBackordered: [],
      demandClass: '',
    };
  });

  // The catalogue, as an ERP would send it.
  clock.setEndOfDay(dayDate(0));
  await ensureLocation(deps.db, LOCATION);
  await services.imports.importRecords('suppliers', {
    format: 'json',
    body: [{ externalId: SUPPLIER, name: 'Replay supplier', reviewPeriodDays: 7 * R }],
    partial: false,
  });
  await importInBatches(services, 'items', skus.map((sku) => ({ sku: sku.sku, description: sku.id.slice(0, 2000), unitCost: UNIT_COST, unitPrice: 2 * UNIT_COST })));
  await importInBatches(
    services,
    'supplier-items',
    skus.map((sku) => ({
      externalId: `SI-${sku.sku}`,
      supplier: SUPPLIER,
      sku: sku.sku,
      unitCost: UNIT_COST,
      moq: options.moq,
      orderMultiple: options.multiple,
      promisedLeadTimeDays: 7 * L,
      ...(options.maxOrder !== undefined && { maxOrderQuantity: options.maxOrder }),
    })),
  );

  // The warm-up: sales as they were, no stock-outs known.
  clock.setEndOfDay(dayDate(7 * warmup - 1));
  const history = skus.flatMap((sku) =>
    sku.daily.slice(0, 7 * warmup).map((quantity, day) => ({ sku: sku.sku, location: LOCATION, salesDate: dayDate(day), quantity })),
  );
  // One transaction, as a bulk load: weekly_sales is rebuilt once at its end instead of by the import's triggers per batch.
  await deps.db.transaction((trx) => withWeeklySalesRebuilt(trx, () => importInBatches(services, 'daily-sales', history, trx)));
  const drawLeadTimeDays = (random: Random) =>
    Math.max(1, Math.round(7 * (L + options.latenessWeeks) + 7 * options.leadTimeSdWeeks * (options.leadTimeSdWeeks > 0 ? normalDraw(random) : 0)));
  await importInBatches(services, 'purchase-orders', warmupDeliveries(skus, warmup, options, drawLeadTimeDays));
  lap('catalogue and warm-up import');

  let orderCount = 0;
  let lastKey: [string, number] | undefined;

  /** Orders placed on `day`; those of a review (not of a sense run) are the review's orders its cycle is counted from. */
  const placeOrders = async (lines: Array<{ sku: SkuState; quantity: number }>, day: number, review = true) => {
    const orderDate = dayDate(day);
    const records = lines.map(({ sku, quantity }) => {
      orderCount += 1;
      // A sense run's order may go out on a review day after the review's own.
      const order = `PO-${sku.sku}-${day}${review ? '' : '-S'}`;
      const line = `${order}-1`;
      const arrivalDay = day + drawLeadTimeDays(sku.random);
      sku.incoming.push({ order, line, orderDate, arrivalDay, quantity });
      if (review) sku.arrivalByReview.set(day, arrivalDay);
      else sku.senseOrderedUnits += quantity;
      sku.onOrder += quantity;
      sku.orders += 1;
      return {
        externalId: order,
        supplier: SUPPLIER,
        location: LOCATION,
        orderDate,
        promisedDate: addDays(orderDate, 7 * L),
        status: 'open',
        lines: [{ externalId: line, sku: sku.sku, quantityOrdered: quantity }],
      };
    });
    await importInBatches(services, 'purchase-orders', records);
  };

  const bySku = new Map(skus.map((sku) => [sku.sku, sku]));
  /**
   * The buyer approves every proposal of the run at a review, or what a sense run as of `day` re-planned in it (not
   * the first review's proposals, made before the replay set the stock at its level, which nobody ordered); the ERP
   * pulls them.
   */
  const approveAndOrder = async (runId: number, day: number, review: boolean) => {
    const replanned = review ? undefined : await proposalsPlannedFor(deps.db, runId, dayDate(day + 1));
    const lines = await approveAndPull(services, runId, lastKey, replanned);
    lastKey = lines.lastKey ?? lastKey;
    await placeOrders(
      lines.lines.flatMap(({ sku, quantity }) => (bySku.has(sku) ? [{ sku: bySku.get(sku)!, quantity }] : [])),
      day,
      review,
    );
  };
  let pipelineRunId: number | null = null;
  for (let week = warmup; week < weeks; week++) {
    const monday = 7 * week;
    if ((week - warmup) % R === 0) {
      // The nightly run after the last day of the previous week; orders go out on Monday.
      let runId: number | null = null;
      if (options.policy === 'replen' || week === warmup) {
        lap('buyer and ERP');
        runId = await deps.runPipeline();
        pipelineRunId = runId;
        skipLap();
        const levels = await runItemLevels(deps.db, runId);
        for (const level of levels) {
          const sku = bySku.get(level.sku);
          if (!sku) continue;
          sku.demandClass = level.demandClass ?? sku.demandClass;
          // The first review starts each SKU at its order-up-to level, as if the policy had always run.
          if (week === warmup && options.policy === 'replen') sku.onHand = Math.ceil(level.orderUpTo - 1e-9);
        }
      }
      if (options.policy !== 'replen') {
        const lines: Array<{ sku: SkuState; quantity: number }> = [];
        for (const sku of skus) {
          const base = { history: sku.recordedWeekly, leadTimePeriods: L, reviewPeriods: R, leadTimeStdDevPeriods: options.leadTimeSdWeeks, serviceLevel: options.serviceLevel };
          const { reorderPoint, orderUpTo } =
            options.policy === 'textbook' ? { reorderPoint: Infinity, orderUpTo: textbookOrderUpTo(base) } : (({ minimum, maximum }) => ({ reorderPoint: minimum, orderUpTo: maximum }))(minMaxLevels(base));
          if (week === warmup) {
            sku.onHand = Math.ceil(orderUpTo - 1e-9);
            continue;
          }
          const position = sku.onHand + sku.onOrder - sku.backorders.reduce((sum, line) => sum + line.remaining, 0);
          if (position > reorderPoint) continue;
          const quantity = roundOrder(orderUpTo - position, options);
          if (quantity > 0) lines.push({ sku, quantity });
        }
        await placeOrders(lines, monday);
      } else if (week > warmup && runId !== null) {
        await approveAndOrder(runId, monday, true);
      }
      if (runId !== null && options.policy === 'replen') {
        for (const { lineExternalId, etaLateCase } of await runBackorderEtas(deps.db, runId)) {
          const sku = bySku.get(lineExternalId.split('-')[1]);
          if (sku && !sku.eta.has(lineExternalId)) sku.eta.set(lineExternalId, etaLateCase);
        }
      }
    }

    lap('buyer and ERP');
    // The week, day by day.
    const sales: object[] = [];
    const salesOrders: object[] = [];
    const receipts: object[] = [];
    // What the ERP sends at the end of a day: sales, stock, deliveries (allocated at once to the lines still waiting),
    // then customer orders with what shipped and when. Once a week, or every day for the sense job.
    const sendRecords = async (day: number) => {
      const date = dayDate(day);
      clock.setEndOfDay(date);
      await importInBatches(services, 'daily-sales', sales.splice(0));
      await importInBatches(services, 'on-hand', skus.map((sku) => ({ sku: sku.sku, location: LOCATION, snapshotDate: date, quantity: sku.onHand })));
      await importInBatches(services, 'purchase-orders', receipts.splice(0));
      await importInBatches(services, 'sales-orders', latestPerLine(salesOrders.splice(0)));
    };
    for (let day = monday; day < monday + 7; day++) {
      const date = dayDate(day);
      for (const sku of skus) {
        const arriving = sku.incoming.filter((incoming) => incoming.arrivalDay === day);
        if (arriving.length > 0) sku.incoming = sku.incoming.filter((incoming) => incoming.arrivalDay !== day);
        for (const incoming of arriving) {
          sku.onOrder -= incoming.quantity;
          let left = incoming.quantity;
          // Receipts fill backorders first, oldest first.
          for (const line of sku.backorders) {
            if (left <= 0) break;
            const shipped = Math.min(left, line.remaining);
            line.remaining -= shipped;
            line.shippedDate = date;
            left -= shipped;
            if (line.remaining <= 1e-9) {
              line.remaining = 0;
              sku.filled.set(line.line, date);
            }
            salesOrders.push(salesOrderRecord(sku, line));
          }
          sku.backorders = sku.backorders.filter((line) => line.remaining > 0);
          sku.onHand += left;
          receipts.push(receivedOrderRecord(incoming, sku.sku, date, L));
        }
        const demand = sku.daily[day];
        const served = Math.min(sku.onHand, demand);
        sku.onHand -= served;
        const unmet = demand - served;
        sku.demand += demand;
        sku.servedFromStock += served;
        sku.weekServed += served;
        if (unmet > 1e-9) {
          const line: Backorder = { line: `SOL-${sku.sku}-${day}`, order: `SO-${sku.sku}-${day}`, date, quantity: unmet, remaining: unmet };
          sku.backorders.push(line);
          sku.backorderedUnits += unmet;
          sku.shortDays.add(day);
          salesOrders.push(salesOrderRecord(sku, line));
        }
        sales.push({ sku: sku.sku, location: LOCATION, salesDate: date, quantity: served, outOfStock: sku.onHand <= 1e-9 });
        sku.onHandDays += sku.onHand;
        if (sku.backorders.length > 0) sku.backorderDays += 1;
      }
      if (options.sense) {
        lap('simulated days');
        await sendRecords(day);
        lap('weekly import');
        // The sense job after the day's sales, as `npx replen sense` runs it; the buyer approves what it re-planned.
        const sensed = await services.sense.runNow('replay');
        const flagged = await runExceptionSkus(deps.db, sensed.runId);
        for (const { sku, kind } of flagged) if (kind === 'spike') bySku.get(sku)?.spikeSensedDays.push(day);
        for (const sku of new Set(flagged.map((row) => row.sku))) if (bySku.has(sku)) bySku.get(sku)!.senseFlaggedDays += 1;
        if (pipelineRunId !== null) await approveAndOrder(pipelineRunId, day, false);
        lap('sense job');
      }
    }

    lap('simulated days');
    const sunday = dayDate(monday + 6);
    if (!options.sense) await sendRecords(monday + 6);
    lap('weekly import');
    let onHand = 0;
    let backordered = 0;
    for (const sku of skus) {
      sku.recordedWeekly.push(sku.weekServed);
      sku.weekServed = 0;
      const open = sku.backorders.reduce((sum, line) => sum + line.remaining, 0);
      sku.weeklyOnHand.push(sku.onHand);
      sku.weeklyBackordered.push(open);
      onHand += sku.onHand;
      backordered += open;
    }
    deps.onWeek?.({ week: week - warmup + 1, weeks: weeks - warmup, date: sunday, onHand, backordered, orders: orderCount, elapsedSeconds: (Date.now() - started) / 1000 });
  }

  const endDate = dayDate(7 * weeks - 1);
  return skus.map((sku) => outcomeOf(sku, options, weeks, endDate));
}

function salesOrderRecord(sku: SkuState, line: Backorder): object {
  const shipped = line.quantity - line.remaining;
  return {
    externalId: line.order,
    customerRef: 'replay',
    location: LOCATION,
    orderDate: line.date,
    status: line.remaining > 0 ? 'open' : 'closed',
    lines: [
      {
        externalId: line.line,
        sku: sku.sku,
        quantityOrdered: line.quantity,
        quantityShipped: shipped,
        quantityBackordered: line.remaining,
        ...(line.shippedDate && { shippedDate: line.shippedDate }),
      },
    ],
  };
}

/** The last state of each sales-order line of the week (a line may be opened and filled within it). */
function latestPerLine(records: object[]): object[] {
  const byLine = new Map<string, object>();
  for (const record of records as Array<{ lines: Array<{ externalId: string }> }>) byLine.set(record.lines[0].externalId, record);
  return [...byLine.values()];
}

/**
 * Approves every proposal of the run (one draft order: one supplier, one location), or only the lines given, then
 * pulls and acknowledges the order as the ERP.
 */
async function approveAndPull(services: Services, runId: number, after: [string, number] | undefined, only?: Array<{ id: number; version: number }>) {
  const lines: Array<{ sku: string; quantity: number }> = [];
  if (only) {
    if (only.length > 0) await services.recommendations.decideMany({ change: { action: 'approve' }, lines: only, actor: ACTOR });
  } else {
    const drafts = await services.draftOrders.list({ runId });
    for (const draft of drafts.data) {
      await services.recommendations.approveDraftOrder({ supplierId: draft.supplierId, locationId: draft.locationId, runId, actor: ACTOR });
    }
  }
  let lastKey: [string, number] | null = null;
  for (let more = true; more; ) {
    const page = await services.purchaseOrders.pull({ after: lastKey ?? after, limit: 500 });
    for (const order of page.data) {
      if (order.status !== 'pending') continue;
      for (const line of order.lines) lines.push({ sku: line.sku, quantity: line.quantity });
      await services.purchaseOrders.acknowledge(order.id, { erpPoNumber: `ERP-${order.id}`, idempotencyKey: `replay-${order.id}`, actor: ACTOR, pulledChangeKey: order.changeKey[0] });
    }
    lastKey = page.lastKey ?? lastKey;
    more = page.hasMore;
  }
  return { lines, lastKey };
}

function outcomeOf(sku: SkuState, options: ReplayDriverOptions, weeks: number, endDate: string): SeriesOutcome {
  const { warmupWeeks: warmup, leadTimeWeeks: L, reviewPeriodWeeks: R } = options;
  const reviews: ReviewOrder[] = [];
  for (let review = warmup; review < weeks; review += R) reviews.push({ reviewDay: 7 * review, arrivalDay: sku.arrivalByReview.get(7 * review) ?? null });
  const cycles = cycleServiceLevel(reviews, sku.shortDays, { nominalLeadTimeDays: 7 * (L + options.latenessWeeks), reviewPeriodDays: 7 * R, lastDay: 7 * weeks - 1 });
  let etaLines = 0;
  let etaMet = 0;
  for (const [line, eta] of sku.eta) {
    const filledOn = sku.filled.get(line);
    // A line still open whose ETA is after the end is not decided yet.
    if (filledOn === undefined && eta >= endDate) continue;
    etaLines += 1;
    if (filledOn !== undefined && filledOn <= eta) etaMet += 1;
  }
  const replayedDays = 7 * (weeks - warmup);
  const avgOnHand = sku.onHandDays / replayedDays;
  let spike: SeriesOutcome['spike'] = null;
  if (sku.spikeWeek !== undefined) {
    const firstDay = 7 * sku.spikeWeek;
    const lastDay = firstDay + 7 * options.spikes!.weeks - 1;
    const within = (day: number) => day >= firstDay && day <= lastDay + 7 * L;
    const short = [...sku.shortDays].filter(within);
    spike = { firstDay, lastDay, ranOut: short.length > 0, firstSensedDay: sku.spikeSensedDays.find(within) ?? null, firstShortDay: short.length > 0 ? Math.min(...short) : null };
  }
  return {
    seriesId: sku.id,
    demandClass: sku.demandClass,
    targetCsl: options.serviceLevel,
    achievedCsl: cycles.level,
    fillRate: sku.demand === 0 ? null : sku.servedFromStock / sku.demand,
    avgOnHand,
    avgOnHandValue: avgOnHand * UNIT_COST,
    weeksOfCover: sku.demand === 0 ? null : avgOnHand / (sku.demand / (weeks - warmup)),
    backorderedUnits: sku.backorderedUnits,
    backorderDays: sku.backorderDays,
    orders: sku.orders,
    etaP90Met: etaLines === 0 ? null : etaMet / etaLines,
    spike,
    spikeSensedDays: sku.spikeSensedDays.length,
    senseFlaggedDays: sku.senseFlaggedDays,
    senseOrderedUnits: sku.senseOrderedUnits,
    weeklyOnHand: sku.weeklyOnHand,
    weeklyBackordered: sku.weeklyBackordered,
    weeklyDemand: Array.from({ length: weeks - warmup }, (_, index) => sku.daily.slice(7 * (warmup + index), 7 * (warmup + index + 1)).reduce((sum, x) => sum + x, 0)),
  };
}
