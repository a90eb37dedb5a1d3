import type { Express } from 'express';
import type { Knex } from 'knex';
import type { z } from 'zod';
import type { Engine } from '../../db/connection';
import { loadConfig } from '../../src/config';
import { createServices } from '../../src/container';
import { createApp } from '../../src/http/app';
import { createLogger } from '../../src/logger';
import type { Services } from '../../src/services';
import { openTestDb, type TestDb } from './database';

export type Role = 'viewer' | 'buyer' | 'erp' | 'admin';

/** Asserts a response body has the documented shape (the response schemas of src/http/schemas.ts), listing any mismatch. */
export function expectShape(schema: z.ZodType, body: unknown): void {
  expect(schema.safeParse(body).error?.issues).toBeUndefined();
}

export interface TestApp {
  testDb: TestDb;
  db: Knex;
  services: Services;
  app: Express;
  /** One key per role, named after the role ('buyer' key is named 'buyer'). */
  keys: Record<Role, string>;
}

/** A fresh database, the real services and app over it, and a key for every role. Runs are recorded, not run. */
export async function openTestApp(engine: Engine): Promise<TestApp> {
  const testDb = await openTestDb(engine);
  const logger = createLogger('silent');
  const services = createServices({ db: testDb.db, config: loadConfig({}), logger, dispatcher: { dispatchRun: async () => {} } });
  const keys = {} as Record<Role, string>;
  for (const role of ['viewer', 'buyer', 'erp', 'admin'] as const) keys[role] = (await services.apiKeys.create({ name: role, role })).key;
  return { testDb, db: testDb.db, services, app: createApp({ services, logger }), keys };
}

/**
 * Small row builders for HTTP tests: each inserts one row with sensible defaults and returns its id, so a test
 * states only what it is about. Names and external ids are made unique with a counter.
 */
let counter = 0;
const next = (prefix: string) => `${prefix}-${++counter}`;

async function insert(db: Knex, sql: string, bindings: Knex.RawBinding[]): Promise<number> {
  const { rows } = await db.raw(`${sql} returning id`, bindings);
  return Number(rows[0].id);
}

export function insertLocation(db: Knex, code = next('LOC')): Promise<number> {
  return insert(db, `insert into locations (external_id, code, name) values (?, ?, ?)`, [code, code, `Location ${code}`]);
}

export function insertSupplier(db: Knex, input: { name?: string; reviewPeriodDays?: number } = {}): Promise<number> {
  const externalId = next('SUP');
  return insert(db, `insert into suppliers (external_id, name, review_period_days) values (?, ?, ?)`, [
    externalId,
    input.name ?? `Supplier ${externalId}`,
    input.reviewPeriodDays ?? 7,
  ]);
}

export function insertItem(db: Knex, input: { sku?: string; unitCost?: number; abcClassOverride?: 'A' | 'B' | 'C' } = {}): Promise<number> {
  const sku = input.sku ?? next('SKU');
  return insert(db, `insert into items (external_id, sku, description, unit_cost, unit_price, abc_class_override) values (?, ?, ?, ?, ?, ?)`, [
    sku,
    sku,
    `Item ${sku}`,
    input.unitCost ?? 10,
    (input.unitCost ?? 10) * 1.5,
    input.abcClassOverride ?? null,
  ]);
}

export function insertSupplierItem(
  db: Knex,
  input: { supplierId: number; itemId: number; unitCost?: number; moq?: number; orderMultiple?: number; promisedLeadTimeDays?: number; priority?: number },
): Promise<number> {
  const externalId = next('SI');
  return insert(
    db,
    `insert into supplier_items (external_id, supplier_id, item_id, supplier_sku, unit_cost, moq, order_multiple, promised_lead_time_days, priority)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [
      externalId,
      input.supplierId,
      input.itemId,
      `V-${externalId}`,
      input.unitCost ?? 10,
      input.moq ?? 1,
      input.orderMultiple ?? 1,
      input.promisedLeadTimeDays ?? 14,
      input.priority ?? 1,
    ],
  );
}

export function insertRun(db: Knex, input: { status?: 'running' | 'succeeded' | 'failed'; asOfDate?: string } = {}): Promise<number> {
  return insert(db, `insert into forecast_runs (kind, trigger, status, as_of_date, finished_at) values ('pipeline', 'test', ?, ?, now())`, [
    input.status ?? 'succeeded',
    input.asOfDate ?? '2026-11-22',
  ]);
}

export interface RecommendationInput {
  runId: number;
  itemId: number;
  locationId: number;
  supplierId: number | null;
  quantity?: number;
  unitCost?: number | null;
  urgency?: 'critical' | 'high' | 'normal' | 'low';
  status?: 'proposed' | 'approved' | 'rejected' | 'exported';
  projectedStockoutDate?: string | null;
  needByDate?: string | null;
  explanation?: Record<string, unknown>;
}

export function insertRecommendation(db: Knex, input: RecommendationInput): Promise<number> {
  const quantity = input.quantity ?? 12;
  return insert(
    db,
    `insert into recommendations (run_id, item_id, location_id, supplier_id, status, quantity, suggested_quantity, unit_cost, need_by_date,
                                  projected_stockout_date, urgency, explanation)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)`,
    [
      input.runId,
      input.itemId,
      input.locationId,
      input.supplierId,
      input.status ?? 'proposed',
      quantity,
      quantity,
      input.unitCost === undefined ? 10 : input.unitCost,
      input.needByDate === undefined ? '2026-12-10' : input.needByDate,
      input.projectedStockoutDate ?? null,
      input.urgency ?? 'normal',
      JSON.stringify(input.explanation ?? { abcClass: 'B', reason: 'below reorder point' }),
    ],
  );
}

/** One item stocked at a location and sourced from a supplier: the usual starting point of a recommendation test. */
export async function insertSourcedItem(
  db: Knex,
  input: { supplierId: number; sku?: string; unitCost?: number; moq?: number; orderMultiple?: number; promisedLeadTimeDays?: number },
): Promise<number> {
  const itemId = await insertItem(db, { sku: input.sku, unitCost: input.unitCost });
  await insertSupplierItem(db, { ...input, itemId });
  return itemId;
}

/** A purchase order line with one receipt: lead-time history for a supplier × item at a location. */
export async function insertReceipt(
  db: Knex,
  input: { supplierId: number; itemId: number; locationId: number; orderDate: string; promisedDate: string; receivedDate: string; quantity?: number },
): Promise<void> {
  const orderId = await insert(
    db,
    `insert into purchase_orders (external_id, supplier_id, location_id, order_date, promised_date, status) values (?, ?, ?, ?, ?, 'closed')`,
    [next('PO'), input.supplierId, input.locationId, input.orderDate, input.promisedDate],
  );
  const lineId = await insert(
    db,
    `insert into purchase_order_lines (external_id, purchase_order_id, item_id, quantity_ordered, quantity_received) values (?, ?, ?, ?, ?)`,
    [next('POL'), orderId, input.itemId, input.quantity ?? 10, input.quantity ?? 10],
  );
  await insert(db, `insert into receipts (external_id, purchase_order_line_id, received_date, quantity) values (?, ?, ?, ?)`, [
    next('RC'),
    lineId,
    input.receivedDate,
    input.quantity ?? 10,
  ]);
}

/** A run's forecast and fit of one item at one location: weekly means from `periodStart`, intervals ± 20 % and ± 40 %. */
export async function insertForecast(
  db: Knex,
  input: { runId: number; itemId: number; locationId: number; periodStart: string; means: number[]; accuracy?: Record<string, number>; errorSd?: number },
): Promise<void> {
  await db.raw(
    `insert into forecast_fits (run_id, item_id, location_id, method, demand_class, accuracy, error_sd, params)
     values (?, ?, ?, 'ets', 'smooth', ?::jsonb, ?, '{"model":"ANN"}'::jsonb)`,
    [input.runId, input.itemId, input.locationId, JSON.stringify(input.accuracy ?? { mase: 0.8 }), input.errorSd ?? 3],
  );
  await db.raw(
    `insert into forecasts (run_id, item_id, location_id, method, demand_class, period_start, step, mean, lo_80, hi_80, lo_95, hi_95)
     select ?, ?, ?, 'ets', 'smooth', ?::date + 7 * (step::int - 1), step, mean, mean * 0.8, mean * 1.2, mean * 0.6, mean * 1.4
       from unnest(?::float8[]) with ordinality as m(mean, step)`,
    [input.runId, input.itemId, input.locationId, input.periodStart, input.means],
  );
}

export async function insertPolicy(
  db: Knex,
  input: { runId: number; itemId: number; locationId: number; supplierId: number | null; safetyStock: number; reorderPoint: number; orderUpTo: number },
): Promise<void> {
  await db.raw(
    `insert into inventory_policies (run_id, item_id, location_id, supplier_id, service_level, safety_stock, reorder_point, order_up_to, explanation)
     values (?, ?, ?, ?, 0.95, ?, ?, ?, '{"abcClass":"B"}'::jsonb)`,
    [input.runId, input.itemId, input.locationId, input.supplierId, input.safetyStock, input.reorderPoint, input.orderUpTo],
  );
}

export async function insertDailySales(
  db: Knex,
  input: { itemId: number; locationId: number; days: Array<{ date: string; quantity: number; outOfStock?: boolean }> },
): Promise<void> {
  for (const day of input.days) {
    await db.raw(`insert into daily_sales (item_id, location_id, sales_date, quantity, out_of_stock) values (?, ?, ?, ?, ?)`, [
      input.itemId,
      input.locationId,
      day.date,
      day.quantity,
      day.outOfStock ?? false,
    ]);
  }
}

export async function insertOnHand(db: Knex, input: { itemId: number; locationId: number; date: string; quantity: number }): Promise<void> {
  await db.raw(`insert into on_hand_snapshots (item_id, location_id, snapshot_date, quantity) values (?, ?, ?, ?)`, [
    input.itemId,
    input.locationId,
    input.date,
    input.quantity,
  ]);
}

/** An open purchase order with one line still to arrive. */
export async function insertOpenPurchaseOrder(
  db: Knex,
  input: { supplierId: number; itemId: number; locationId: number; orderDate: string; expectedDate: string; quantity: number },
): Promise<void> {
  const orderId = await insert(
    db,
    `insert into purchase_orders (external_id, supplier_id, location_id, order_date, expected_date, status) values (?, ?, ?, ?, ?, 'open')`,
    [next('PO'), input.supplierId, input.locationId, input.orderDate, input.expectedDate],
  );
  await insert(db, `insert into purchase_order_lines (external_id, purchase_order_id, item_id, quantity_ordered) values (?, ?, ?, ?)`, [
    next('POL'),
    orderId,
    input.itemId,
    input.quantity,
  ]);
}

/** An open sales order line with `quantity` backordered. */
export async function insertBackorder(db: Knex, input: { itemId: number; locationId: number; orderDate: string; quantity: number }): Promise<void> {
  const orderId = await insert(db, `insert into sales_orders (external_id, customer_ref, location_id, order_date) values (?, 'C-1', ?, ?)`, [
    next('SO'),
    input.locationId,
    input.orderDate,
  ]);
  await insert(
    db,
    `insert into sales_order_lines (external_id, sales_order_id, item_id, quantity_ordered, quantity_backordered) values (?, ?, ?, ?, ?)`,
    [next('SOL'), orderId, input.itemId, input.quantity, input.quantity],
  );
}
