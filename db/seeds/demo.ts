import { type Random, normalDraw, seededRandom } from '../../models/stats/random';
import { copyRows, type CopyValue, withKeysSuspended } from '../bulk';
import type { Db } from '../connection';
import { dayNumber, isoDate } from '../dates';
import { withWeeklySalesRebuilt } from '../weekly-sales';

/**
 * A believable demo catalogue, the same for the same seed: two warehouses, five suppliers (some reliable, one that
 * promises 28 days and delivers in about 42), items with smooth, erratic, intermittent and lumpy demand, weekly and
 * yearly seasonality, trends, promotions, stock-outs, purchase orders whose receipts record actual lead times, open
 * orders and backordered sales orders. Daily sales keep only days with sales or a stock-out: an absent day is zero.
 */
export interface SeedOptions {
  seed?: number;
  skuCount?: number;
  /** Last day of history, 'YYYY-MM-DD'. */
  endDate: string;
  /** Mix of demand patterns (patternShares): 'demo' (default) or 'long-tail'. */
  catalogue?: Catalogue;
}

export interface SeedResult {
  seeded: boolean;
  counts: Record<string, number>;
}

const HISTORY_DAYS = 3 * 365;

type DemandPattern = 'smooth' | 'erratic' | 'intermittent' | 'lumpy';
type Catalogue = 'demo' | 'long-tail';

/**
 * Share of items per demand pattern (lumpy takes the rest). 'demo' shows every pattern well: half the items sell
 * nearly every day (about 990 daily-sales rows per item over three years, 99 million for 100,000 items).
 * 'long-tail' is a large distributor's catalogue, where most items sell a few times a month or less (about 510
 * rows per item): the shape of the 100,000-SKU benchmark.
 */
const patternShares: Record<Catalogue, { smooth: number; erratic: number; intermittent: number }> = {
  demo: { smooth: 0.5, erratic: 0.1, intermittent: 0.25 },
  'long-tail': { smooth: 0.2, erratic: 0.1, intermittent: 0.45 },
};

interface SupplierProfile {
  name: string;
  currency: string;
  promisedDays: number;
  actualMeanDays: number;
  actualSdDays: number;
  reviewPeriodDays: number;
  minOrderValue: number;
  orderCost: number;
}

const supplierProfiles: SupplierProfile[] = [
  { name: 'Northwind Components', currency: 'USD', promisedDays: 14, actualMeanDays: 14, actualSdDays: 1.5, reviewPeriodDays: 7, minOrderValue: 500, orderCost: 40 },
  { name: 'Acme Industrial Supply', currency: 'USD', promisedDays: 21, actualMeanDays: 22, actualSdDays: 2, reviewPeriodDays: 7, minOrderValue: 1000, orderCost: 60 },
  { name: 'Globex Overseas Trading', currency: 'USD', promisedDays: 28, actualMeanDays: 42, actualSdDays: 7, reviewPeriodDays: 14, minOrderValue: 5000, orderCost: 150 },
  { name: 'Initech Fasteners', currency: 'USD', promisedDays: 10, actualMeanDays: 13, actualSdDays: 4, reviewPeriodDays: 7, minOrderValue: 250, orderCost: 25 },
  { name: 'Umbrella Europe GmbH', currency: 'EUR', promisedDays: 35, actualMeanDays: 36, actualSdDays: 3, reviewPeriodDays: 28, minOrderValue: 3000, orderCost: 120 },
];

const locationRows = [
  [1, 'LOC-1', 'DC-EAST', 'East distribution centre'],
  [2, 'LOC-2', 'DC-WEST', 'West distribution centre'],
];

const nouns = ['Bearing', 'Bolt', 'Bracket', 'Cable', 'Clamp', 'Coupling', 'Filter', 'Fuse', 'Gasket', 'Hinge', 'Hose', 'Relay', 'Seal', 'Sensor', 'Spring', 'Switch', 'Valve', 'Washer'];
const adjectives = ['Steel', 'Brass', 'Nylon', 'Heavy-duty', 'Compact', 'Stainless', 'Coated', 'Industrial', 'Precision', 'Flexible'];
/** Monday..Sunday demand factors: trade counters sell on weekdays, retail counters at weekends. */
const weekProfiles = [
  [1.25, 1.2, 1.15, 1.15, 1.1, 0.45, 0.3],
  [0.85, 0.8, 0.85, 0.95, 1.15, 1.45, 1.25],
];

interface Pair {
  itemId: number;
  locationId: number;
  /** Mean units per day, before trend, seasonality and promotions. */
  meanDaily: number;
  /** Stock-out windows as [first day index, last day index] inclusive. */
  stockOuts: Array<[number, number]>;
}

const pick = <T>(random: Random, values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
const between = (random: Random, low: number, high: number) => low + (high - low) * random();
const round = (value: number, decimals: number) => Math.round(value * 10 ** decimals) / 10 ** decimals;

/** Poisson draw: Knuth's product method for small means, a rounded normal above 30 (ample for demo data). */
function poisson(random: Random, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normalDraw(random)));
  const limit = Math.exp(-mean);
  let count = 0;
  for (let product = random(); product > limit; product *= random()) count++;
  return count;
}

type Tables = Record<(typeof tables)[number][2], CopyValue[][]>;

/** Builds every table's rows in memory; no database access, so the same seed always yields the same rows. */
export function generateDemoData(options: SeedOptions): Tables {
  const stream = streamDemoData(options);
  const dailySales = [...stream.dailySales];
  return { ...stream.otherTables(), dailySales };
}

/**
 * The same rows as generateDemoData, with daily sales (nearly all of the rows) as a
 * generator so that a large catalogue never sits in memory; the other tables are small and held. They are
 * complete once the generator has ended, because every table draws from one random sequence in one order.
 */
export function streamDemoData(options: SeedOptions): { dailySales: Generator<CopyValue[]>; otherTables(): Omit<Tables, 'dailySales'> } {
  const random = seededRandom(options.seed ?? 1);
  const skuCount = options.skuCount ?? 300;
  const endDay = dayNumber(options.endDate);
  const firstDay = endDay - HISTORY_DAYS + 1;
  const dates = Array.from({ length: HISTORY_DAYS }, (_, index) => isoDate(firstDay + index));

  const suppliers = supplierProfiles.map((profile, index) => [
    index + 1, `SUP-${index + 1}`, profile.name, profile.currency, profile.minOrderValue, profile.reviewPeriodDays, profile.orderCost,
  ]);

  const items: CopyValue[][] = [];
  const supplierItems: CopyValue[][] = [];
  const onHand: CopyValue[][] = [];
  const pairs: Pair[] = [];
  const primarySupplierOf = new Map<number, number>();
  const orderMultipleOf = new Map<number, number>();

  const shares = patternShares[options.catalogue ?? 'demo'];
  let finished = false;
  let others: Omit<Tables, 'dailySales'> | undefined;

  function* dailySales(): Generator<CopyValue[]> {
    for (let itemId = 1; itemId <= skuCount; itemId++) {
      const draw = random();
      const pattern: DemandPattern =
        draw < shares.smooth ? 'smooth'
        : draw < shares.smooth + shares.erratic ? 'erratic'
        : draw < shares.smooth + shares.erratic + shares.intermittent ? 'intermittent'
        : 'lumpy';
      const unitCost = round(Math.exp(between(random, Math.log(0.8), Math.log(250))), 2);
      const unitPrice = round(unitCost * between(random, 1.3, 2.2), 2);
      const sku = `SKU-${String(itemId).padStart(5, '0')}`;
      const description = `${pick(random, adjectives)} ${pick(random, nouns)} ${Math.floor(between(random, 4, 90))}mm`;
      const abcOverride = random() < 0.02 ? pick(random, ['A', 'B', 'C']) : null;
      const serviceLevelOverride = random() < 0.02 ? pick(random, [0.9, 0.97, 0.99]) : null;
      const active = random() >= 0.02;
      items.push([itemId, `ITEM-${itemId}`, sku, description, 'EA', unitCost, unitPrice, abcOverride, serviceLevelOverride, active]);

      // Supplier terms: case packs for cheap fast movers, single units for expensive ones.
      const orderMultiple = unitCost > 80 ? 1 : pick(random, [1, 5, 6, 10, 12, 24, 50]);
      orderMultipleOf.set(itemId, orderMultiple);
      const primary = 1 + Math.floor(random() * suppliers.length);
      primarySupplierOf.set(itemId, primary);
      const supplierIds = random() < 0.3 ? [primary, 1 + ((primary + Math.floor(random() * 4)) % suppliers.length)] : [primary];
      supplierIds.forEach((supplierId, index) => {
        const profile = supplierProfiles[supplierId - 1]!;
        const cost = round(unitCost * (index === 0 ? between(random, 0.97, 1.03) : between(random, 1.05, 1.15)), 4);
        const moq = orderMultiple * pick(random, [1, 1, 2, 5, 10]);
        supplierItems.push([
          supplierItems.length + 1, `SI-${supplierId}-${itemId}`, supplierId, itemId, `V${supplierId}-${sku.slice(4)}`,
          cost, moq, orderMultiple, profile.promisedDays, index + 1,
        ]);
      });

      const baseDaily =
        pattern === 'smooth' ? Math.exp(between(random, Math.log(2), Math.log(40)))
        : pattern === 'erratic' ? Math.exp(between(random, Math.log(0.6), Math.log(4)))
        : pattern === 'intermittent' ? between(random, 0.05, 0.25)
        : between(random, 0.1, 0.6);
      const seasonalAmplitude = random() < 0.6 ? between(random, 0.1, 0.5) : 0;
      const seasonalPhase = random() * 365;
      const yearlyGrowth = between(random, -0.2, 0.4);
      const weekProfile = pick(random, weekProfiles);

      const locationIds = random() < 0.6 ? [1, 2] : [1];
      for (const locationId of locationIds) {
        const scale = locationId === 1 ? 1 : between(random, 0.3, 0.8);
        const pair: Pair = { itemId, locationId, meanDaily: baseDaily * scale, stockOuts: [] };
        pairs.push(pair);

        if (random() < 0.25) {
          for (let episodes = 1 + Math.floor(random() * 4); episodes > 0; episodes--) {
            const start = Math.floor(random() * HISTORY_DAYS);
            pair.stockOuts.push([start, Math.min(HISTORY_DAYS - 1, start + 2 + Math.floor(random() * 19))]);
          }
        }
        if (random() < 0.04) pair.stockOuts.push([HISTORY_DAYS - 1 - Math.floor(random() * 10), HISTORY_DAYS - 1]);

        // Expected demand of each day: level, trend, weekday, season and promotions, multiplied together.
        const dayMean = new Float64Array(HISTORY_DAYS);
        for (let index = 0; index < HISTORY_DAYS; index++) {
          const weekday = (((firstDay + index + 3) % 7) + 7) % 7;
          const trend = Math.max(0.2, 1 + (yearlyGrowth * index) / 365);
          const season = 1 + seasonalAmplitude * Math.sin((2 * Math.PI * (index - seasonalPhase)) / 365.25);
          dayMean[index] = pair.meanDaily * trend * weekProfile[weekday]! * season;
        }
        if (pattern === 'smooth') {
          for (let count = Math.floor(between(random, 4, 10)); count > 0; count--) {
            const start = Math.floor(random() * HISTORY_DAYS);
            const end = Math.min(HISTORY_DAYS, start + 7 + Math.floor(random() * 8));
            const lift = between(random, 1.5, 3);
            for (let index = start; index < end; index++) dayMean[index]! *= lift;
          }
        }

        const outOfStock = new Uint8Array(HISTORY_DAYS);
        for (const [start, end] of pair.stockOuts) outOfStock.fill(1, start, end + 1);

        // Erratic demand swings week by week (a big customer orders or not), so that weekly totals stay erratic too.
        let weekSwing = 1;
        for (let index = 0; index < HISTORY_DAYS; index++) {
          const mean = dayMean[index]!;
          if (index % 7 === 0) weekSwing = Math.exp(0.8 * normalDraw(random) - 0.32);
          let quantity: number;
          if (pattern === 'smooth') quantity = poisson(random, mean * Math.exp(0.25 * normalDraw(random) - 0.03));
          else if (pattern === 'erratic') quantity = poisson(random, mean * weekSwing * Math.exp(0.5 * normalDraw(random) - 0.125));
          else if (pattern === 'intermittent') quantity = random() < mean / 1.5 ? 1 + poisson(random, 0.5) : 0;
          else quantity = random() < mean / 12 ? Math.round(Math.exp(between(random, Math.log(3), Math.log(60)))) : 0;

          if (outOfStock[index]) {
            // The first day of a stock-out sells what was left; later days sell nothing. Either way demand went unmet.
            const firstDayOut = index === 0 || !outOfStock[index - 1];
            yield [itemId, locationId, dates[index], firstDayOut ? Math.floor(quantity * random()) : 0, true];
          } else if (quantity > 0) {
            yield [itemId, locationId, dates[index], quantity, false];
          }
        }

        for (let week = 0; week < 13; week++) {
          const index = HISTORY_DAYS - 1 - week * 7;
          const cover = outOfStock[index] ? 0 : between(random, 3, 60);
          onHand.push([itemId, locationId, dates[index], Math.round(pair.meanDaily * cover)]);
        }
      }
    }

    finished = true;
  }

  return {
    dailySales: dailySales(),
    otherTables() {
      if (!finished) throw new Error('streamDemoData: read every daily sale before the other tables');
      if (others) return others;
      const { purchaseOrders, purchaseOrderLines, receipts } = purchaseHistory(random, pairs, {
        firstDay, endDay, primarySupplierOf, orderMultipleOf,
      });
      const { salesOrders, salesOrderLines } = openSalesOrders(random, pairs, { firstDay, endDay });
      others = {
        locations: locationRows,
        suppliers,
        items,
        supplierItems,
        onHand,
        purchaseOrders,
        purchaseOrderLines,
        receipts,
        salesOrders,
        salesOrderLines,
      };
      return others;
    },
  };
}

interface PurchaseContext {
  firstDay: number;
  endDay: number;
  primarySupplierOf: Map<number, number>;
  orderMultipleOf: Map<number, number>;
}

/**
 * Each supplier and warehouse orders every review period; each order's actual lead time is drawn from the
 * supplier's profile, and a sixth of lines arrive in two receipts. Orders not fully received by the end date stay open.
 */
function purchaseHistory(random: Random, pairs: Pair[], context: PurchaseContext) {
  const purchaseOrders: CopyValue[][] = [];
  const purchaseOrderLines: CopyValue[][] = [];
  const receipts: CopyValue[][] = [];

  supplierProfiles.forEach((profile, supplierIndex) => {
    const supplierId = supplierIndex + 1;
    for (const locationId of [1, 2]) {
      const supplied = pairs.filter((pair) => pair.locationId === locationId && context.primarySupplierOf.get(pair.itemId) === supplierId);
      if (supplied.length === 0) continue;
      for (let orderDay = context.firstDay + Math.floor(random() * profile.reviewPeriodDays); orderDay <= context.endDay; orderDay += profile.reviewPeriodDays) {
        const lines = supplied.filter(() => random() < 0.4).slice(0, 25);
        if (lines.length === 0) continue;
        const orderId = purchaseOrders.length + 1;
        const promisedDay = orderDay + profile.promisedDays;
        const receivedDay = orderDay + Math.max(1, Math.round(profile.actualMeanDays + profile.actualSdDays * normalDraw(random)));
        const cancelled = random() < 0.02;
        let fullyReceived = true;

        for (const pair of lines) {
          const lineId = purchaseOrderLines.length + 1;
          const multiple = context.orderMultipleOf.get(pair.itemId)!;
          const wanted = pair.meanDaily * (profile.reviewPeriodDays + profile.promisedDays) * between(random, 0.5, 1.5);
          const ordered = Math.max(1, Math.ceil(wanted / multiple)) * multiple;
          const parts: Array<[number, number]> = [];
          if (!cancelled) {
            if (random() < 1 / 6 && ordered > 1) {
              const first = Math.floor(ordered / 2);
              parts.push([receivedDay, first], [receivedDay + 3 + Math.floor(random() * 8), ordered - first]);
            } else {
              parts.push([receivedDay, ordered]);
            }
          }
          let received = 0;
          for (const [day, quantity] of parts) {
            if (day > context.endDay) continue;
            receipts.push([receipts.length + 1, `RCV-${receipts.length + 1}`, lineId, isoDate(day), quantity]);
            received += quantity;
          }
          if (!cancelled && received < ordered) fullyReceived = false;
          purchaseOrderLines.push([lineId, `POL-${orderId}-${lineId}`, orderId, pair.itemId, ordered, received, null]);
        }

        const status = cancelled ? 'cancelled' : fullyReceived ? 'closed' : 'open';
        // An open order past its promise is expected a week from now: the ERP has heard from the supplier.
        const expectedDay = status === 'open' && promisedDay <= context.endDay ? context.endDay + 7 : promisedDay;
        purchaseOrders.push([
          orderId, `PO-${orderId}`, supplierId, locationId, isoDate(orderDay), isoDate(promisedDay), isoDate(expectedDay), status,
        ]);
      }
    }
  });
  return { purchaseOrders, purchaseOrderLines, receipts };
}

/** Open sales orders from the last ten days: lines for items out of stock at the end date are backordered. */
function openSalesOrders(random: Random, pairs: Pair[], context: { firstDay: number; endDay: number }) {
  const salesOrders: CopyValue[][] = [];
  const salesOrderLines: CopyValue[][] = [];
  const lastIndex = context.endDay - context.firstDay;
  const stockedOut = pairs.filter((pair) => pair.stockOuts.some(([, end]) => end === lastIndex));
  const inStock = pairs.filter((pair) => !stockedOut.includes(pair));
  // Every pair out of stock at the end gets a share of the orders, plus forty that ship normally.
  const candidates = [1, 2].map((locationId) => [
    ...stockedOut.filter((pair) => pair.locationId === locationId),
    ...inStock.filter((pair) => pair.locationId === locationId).slice(0, 40),
  ]);

  for (const locationId of [1, 2]) {
    for (let order = 0; order < 25; order++) {
      const orderId = salesOrders.length + 1;
      const orderDay = context.endDay - Math.floor(random() * 10);
      salesOrders.push([orderId, `SO-${orderId}`, `CUST-${1 + Math.floor(random() * 60)}`, locationId, isoDate(orderDay), isoDate(orderDay + 3), 'open']);
      const chosen = new Set<Pair>();
      for (let line = 1 + Math.floor(random() * 4); line > 0; line--) chosen.add(pick(random, candidates[locationId - 1]!));
      for (const pair of chosen) {
        const lineId = salesOrderLines.length + 1;
        const ordered = 1 + poisson(random, Math.max(1, pair.meanDaily * 2));
        const backordered = stockedOut.includes(pair) ? ordered : 0;
        salesOrderLines.push([lineId, `SOL-${orderId}-${lineId}`, orderId, pair.itemId, ordered, ordered - backordered, backordered, isoDate(orderDay + 3), null]);
      }
    }
  }
  return { salesOrders, salesOrderLines };
}

const tables = [
  ['locations', ['id', 'external_id', 'code', 'name'], 'locations'],
  ['suppliers', ['id', 'external_id', 'name', 'currency', 'min_order_value', 'review_period_days', 'order_cost'], 'suppliers'],
  ['items', ['id', 'external_id', 'sku', 'description', 'unit_of_measure', 'unit_cost', 'unit_price', 'abc_class_override', 'service_level_override', 'active'], 'items'],
  ['supplier_items', ['id', 'external_id', 'supplier_id', 'item_id', 'supplier_sku', 'unit_cost', 'moq', 'order_multiple', 'promised_lead_time_days', 'priority'], 'supplierItems'],
  ['daily_sales', ['item_id', 'location_id', 'sales_date', 'quantity', 'out_of_stock'], 'dailySales'],
  ['on_hand_snapshots', ['item_id', 'location_id', 'snapshot_date', 'quantity'], 'onHand'],
  ['purchase_orders', ['id', 'external_id', 'supplier_id', 'location_id', 'order_date', 'promised_date', 'expected_date', 'status'], 'purchaseOrders'],
  ['purchase_order_lines', ['id', 'external_id', 'purchase_order_id', 'item_id', 'quantity_ordered', 'quantity_received', 'promised_date'], 'purchaseOrderLines'],
  ['receipts', ['id', 'external_id', 'purchase_order_line_id', 'received_date', 'quantity'], 'receipts'],
  ['sales_orders', ['id', 'external_id', 'customer_ref', 'location_id', 'order_date', 'promised_date', 'status'], 'salesOrders'],
  ['sales_order_lines', ['id', 'external_id', 'sales_order_id', 'item_id', 'quantity_ordered', 'quantity_shipped', 'quantity_backordered', 'promised_date', 'eta'], 'salesOrderLines'],
] as const;

export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const row = (await db.raw('select not exists (select 1 from items) and not exists (select 1 from locations) as empty')).rows[0];
  return row.empty === true;
}

/**
 * Loads the demo catalogue in one transaction with COPY, unless the database already holds items or locations.
 * An advisory lock keeps two processes starting together from both seeding. Daily sales stream from the
 * generator straight into COPY, so memory stays flat however many items; every table's keys and indexes are
 * suspended while loading (which lets daily sales go first) and rebuilt once at the end, weekly sales with them.
 */
export async function seedDemoData(db: Db, options: SeedOptions): Promise<SeedResult> {
  return db.transaction(async (trx) => {
    await trx.raw('select pg_advisory_xact_lock(hashtext(?))', ['replen:seed-demo-data']);
    if (!(await isDatabaseEmpty(trx))) return { seeded: false, counts: {} };
    const stream = streamDemoData(options);
    const counts: Record<string, number> = {};
    await withWeeklySalesRebuilt(trx, () => withKeysSuspended(trx, tables.map(([table]) => table), async () => {
      // Emptied in this transaction, daily sales can be written frozen (see copyRows); no other table references it.
      await trx.raw('truncate daily_sales');
      const [, salesColumns] = tables.find(([table]) => table === 'daily_sales')!;
      counts.daily_sales = await copyRows(trx, 'daily_sales', salesColumns, stream.dailySales, { freeze: true });
      const data = stream.otherTables();
      for (const [table, columns, key] of tables) {
        if (key === 'dailySales') continue;
        counts[table] = await copyRows(trx, table, columns, data[key]);
      }
    }));
    for (const [table, columns] of tables) {
      // Rows came with explicit ids: move each identity sequence past them so later inserts do not collide.
      if ((columns as readonly string[]).includes('id')) {
        await trx.raw(`select setval(pg_get_serial_sequence(?, 'id'), (select max(id) from ??))`, [table, table]);
      }
    }
    // Fresh statistics, or the planner guesses a few rows per table; PGlite has no autovacuum to gather them later.
    await trx.raw(`analyze weekly_sales, ${tables.map(([table]) => table).join(', ')}`);
    return { seeded: true, counts: Object.fromEntries(tables.map(([table]) => [table, counts[table]!])) };
  });
}
