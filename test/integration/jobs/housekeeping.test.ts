import type { Knex } from 'knex';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { approvedNotExportedQuantities } from '../../../db/repositories/planning';
import { runOutputTables } from '../../../db/repositories/runs';
import { processors } from '../../../jobs/processors';
import { insertBackorder, insertForecast, insertLocation, insertPolicy, insertRecommendation, insertRun, insertSourcedItem, insertSupplier } from '../../helpers/catalogue';
import { openTestDb, testEngines, type TestDb } from '../../helpers/database';

const RETENTION_DAYS = 90;
const config = loadConfig({ RUN_RETENTION_DAYS: String(RETENTION_DAYS) });
const logger = createLogger('silent');

/**
 * A finished run of the given age with every kind of row a pipeline run writes: forecasts, fits, policies, a draft
 * order, a chunk record, a backorder allocation.
 */
async function oldRun(db: Knex, input: { status: 'succeeded' | 'failed'; daysAgo: number; supplierId: number; locationId: number; itemIds: number[] }) {
  const runId = await insertRun(db, { status: input.status });
  await db.raw(`update forecast_runs set started_at = now() - make_interval(days => ?), finished_at = now() - make_interval(days => ?) where id = ?`, [
    input.daysAgo,
    input.daysAgo,
    runId,
  ]);
  for (const itemId of input.itemIds) {
    await insertForecast(db, { runId, itemId, locationId: input.locationId, periodStart: '2026-01-05', means: [4, 5, 6, 7] });
    await insertPolicy(db, { runId, itemId, locationId: input.locationId, supplierId: input.supplierId, safetyStock: 3, reorderPoint: 9, orderUpTo: 20 });
  }
  await db.raw(
    `insert into draft_purchase_orders (run_id, supplier_id, location_id, currency, line_count, order_value, lines) values (?, ?, ?, 'EUR', 1, 120, '[]')`,
    [runId, input.supplierId, input.locationId],
  );
  await db.raw(`insert into forecast_run_chunks (run_id, first_item_id, counts) values (?, ?, '{}')`, [runId, input.itemIds[0]]);
  await insertBackorder(db, { itemId: input.itemIds[0], locationId: input.locationId, orderDate: '2026-01-02', quantity: 5 });
  await db.raw(
    `insert into backorder_allocations (run_id, sales_order_line_id, sales_order_id, item_id, location_id, priority_rank, priority_date,
                                        quantity_backordered, quantity_allocated, quantity_uncovered, status, uncovered_reason)
     select ?, id, sales_order_id, item_id, ?, 1, '2026-01-02', 5, 0, 5, 'uncovered', 'no-incoming-supply'
       from sales_order_lines order by id desc limit 1`,
    [runId, input.locationId],
  );
  return runId;
}

/** Rows per table that belong to a run, and the run's pruned mark. */
async function footprint(db: Knex, runId: number) {
  const { rows } = await db.raw(
    `select (select count(*) from forecast_runs where id = ?)::int as runs,
            (select count(*) from forecast_runs where id = ? and pruned_at is not null)::int as pruned,
            (select count(*) from forecasts where run_id = ?)::int as forecasts,
            (select count(*) from forecast_fits where run_id = ?)::int as fits,
            (select count(*) from inventory_policies where run_id = ?)::int as policies,
            (select count(*) from draft_purchase_orders where run_id = ?)::int as drafts,
            (select count(*) from forecast_run_chunks where run_id = ?)::int as chunks,
            (select count(*) from backorder_allocations where run_id = ?)::int as allocations,
            (select count(*) from recommendations where run_id = ?)::int as recommendations,
            (select count(*) from recommendation_events e join recommendations r on r.id = e.recommendation_id where r.run_id = ?)::int as events`,
    Array(10).fill(runId),
  );
  return rows[0] as Record<string, number>;
}

describe.each(testEngines())('housekeeping on %s', (engine) => {
  let testDb: TestDb;
  let db: Knex;
  let services: Services;
  let locationId: number;
  let exportingSupplier: number;
  let pendingSupplier: number;
  let items: { untouched: number; pending: number; exported: number; rejected: number };
  let decidedRun: number;
  let undecidedRun: number;
  let latestSucceeded: number;
  let recentFailed: number;
  let running: number;
  let recommendationIds: { untouched: number; pending: number; exported: number; rejected: number };

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    db = testDb.db;
    services = createServices({ db, config, logger, dispatcher: { dispatchRun: async () => {} } });
    locationId = await insertLocation(db);
    exportingSupplier = await insertSupplier(db);
    pendingSupplier = await insertSupplier(db);
    items = {
      untouched: await insertSourcedItem(db, { supplierId: exportingSupplier }),
      pending: await insertSourcedItem(db, { supplierId: pendingSupplier }),
      exported: await insertSourcedItem(db, { supplierId: exportingSupplier }),
      rejected: await insertSourcedItem(db, { supplierId: exportingSupplier }),
    };
    const itemIds = Object.values(items);

    // 200 days old: one recommendation left alone, one approved (its line waits on a pending order), one approved and
    // acknowledged by the ERP (exported), one rejected.
    decidedRun = await oldRun(db, { status: 'succeeded', daysAgo: 200, supplierId: exportingSupplier, locationId, itemIds });
    const recommendation = (itemId: number, supplierId: number) => insertRecommendation(db, { runId: decidedRun, itemId, locationId, supplierId });
    recommendationIds = {
      untouched: await recommendation(items.untouched, exportingSupplier),
      pending: await recommendation(items.pending, pendingSupplier),
      exported: await recommendation(items.exported, exportingSupplier),
      rejected: await recommendation(items.rejected, exportingSupplier),
    };
    const approve = { expectedVersion: 1, actor: 'buyer', change: { action: 'approve' } } as const;
    await services.recommendations.decide(recommendationIds.exported, approve);
    const [order] = (await services.purchaseOrders.pull({ limit: 10 })).data;
    await services.purchaseOrders.acknowledge(order.id, { erpPoNumber: 'PO-1', idempotencyKey: 'ack-1', actor: 'erp', pulledChangeKey: order.changeKey[0] });
    await services.recommendations.decide(recommendationIds.pending, approve);
    await services.recommendations.decide(recommendationIds.rejected, {
      expectedVersion: 1,
      actor: 'buyer',
      change: { action: 'reject', reasonCode: 'overstock' },
    });

    // 150 days old, failed, nothing decided in it.
    undecidedRun = await oldRun(db, { status: 'failed', daysAgo: 150, supplierId: exportingSupplier, locationId, itemIds });
    for (const itemId of itemIds) await insertRecommendation(db, { runId: undecidedRun, itemId, locationId, supplierId: exportingSupplier });
    // Past the retention too, but the latest succeeded run: what the API and the planner read.
    latestSucceeded = await oldRun(db, { status: 'succeeded', daysAgo: 120, supplierId: exportingSupplier, locationId, itemIds });
    await insertRecommendation(db, { runId: latestSucceeded, itemId: items.untouched, locationId, supplierId: exportingSupplier });
    // Within the retention.
    recentFailed = await oldRun(db, { status: 'failed', daysAgo: 10, supplierId: exportingSupplier, locationId, itemIds });
    // Started long ago and still running.
    running = await insertRun(db, { status: 'running' });
    await db.raw(`update forecast_runs set started_at = now() - interval '100 days', finished_at = null where id = ?`, [running]);
    await insertForecast(db, { runId: running, itemId: items.untouched, locationId, periodStart: '2026-01-05', means: [1, 2] });
  });
  afterAll(() => testDb.drop());

  it('deleting a run whose recommendation is on a purchase-order line fails on the foreign key (why pruning keeps decided recommendations)', async () => {
    await expect(db.transaction((trx) => trx.raw('delete from forecast_runs where id = ?', [decidedRun]))).rejects.toThrow(/foreign key/);
  });

  it("prunes old runs' bulk rows, keeps buyers' decisions with their events, and leaves the latest succeeded, recent and running runs whole", async () => {
    const kept = await Promise.all([latestSucceeded, recentFailed, running].map((runId) => footprint(db, runId)));
    const decidedBefore = await footprint(db, decidedRun);
    expect(decidedBefore.events).toBe(4); // approve + export, approve, reject

    const counts = await processors.housekeeping({}, { pipeline: services.pipeline });

    // decidedRun: 4 items × (4 forecast steps, 1 fit, 1 policy) + 1 draft, 1 chunk, 1 allocation; undecidedRun the same.
    expect(counts).toEqual({
      runsDeleted: 1,
      runsThinned: 1,
      deleted: {
        forecasts: 2 * 4 * 4,
        forecast_fits: 2 * 4,
        inventory_policies: 2 * 4,
        draft_purchase_orders: 2,
        forecast_run_chunks: 2,
        backorder_allocations: 2,
        plan_errors: 0,
        recommendations: 1 + 4, // the untouched one of decidedRun and all four of undecidedRun
      },
    });
    expect(await footprint(db, decidedRun)).toEqual({
      runs: 1,
      pruned: 1,
      forecasts: 0,
      fits: 0,
      policies: 0,
      drafts: 0,
      chunks: 0,
      allocations: 0,
      recommendations: 3,
      events: decidedBefore.events,
    });
    expect((await footprint(db, undecidedRun)).runs).toBe(0);
    expect(await Promise.all([latestSucceeded, recentFailed, running].map((runId) => footprint(db, runId)))).toEqual(kept);
    await expect(services.recommendations.get(recommendationIds.untouched)).rejects.toThrow(/not found/);
  });

  it("still counts an old run's approved-not-exported quantity as on order for the next plan", async () => {
    const nextRunId = running + 1;
    expect(await approvedNotExportedQuantities(db, nextRunId, [items.pending])).toEqual([{ itemId: items.pending, locationId, quantity: 12 }]);
  });

  it('keeps purchase orders whole: the exported line and the pending line that the ERP can still acknowledge', async () => {
    const { data: orders } = await services.purchaseOrders.pull({ limit: 10 });
    const exported = orders.find((order) => order.supplierId === exportingSupplier)!;
    const pending = orders.find((order) => order.supplierId === pendingSupplier)!;
    expect(exported).toMatchObject({ status: 'acknowledged', erpPoNumber: 'PO-1', lines: [{ recommendationId: recommendationIds.exported, itemId: items.exported, quantity: 12 }] });
    expect(pending).toMatchObject({ status: 'pending', lines: [{ recommendationId: recommendationIds.pending, itemId: items.pending, quantity: 12 }] });

    const acknowledged = await services.purchaseOrders.acknowledge(pending.id, {
      erpPoNumber: 'PO-2',
      idempotencyKey: 'ack-2',
      actor: 'erp',
      pulledChangeKey: pending.changeKey[0],
    });
    expect(acknowledged.status).toBe('acknowledged');
    const history = (await services.recommendations.get(recommendationIds.pending)).events.map((event) => event.action);
    expect(history).toEqual(['approve', 'export']);
  });

  it('prunes nothing the second time: pruned runs are marked', async () => {
    const again = await services.pipeline.pruneRuns();
    expect(again).toMatchObject({ runsDeleted: 0, runsThinned: 0 });
    expect(Object.values(again.deleted).every((rows) => rows === 0)).toBe(true);
  });

  it('knows every table that holds rows of a run: all that reference forecast_runs are pruned, or outlive it', async () => {
    const { rows } = await db.raw(
      `select conrelid::regclass::text as name, confdeltype = 'n' as set_null
         from pg_constraint where contype = 'f' and confrelid = 'forecast_runs'::regclass order by 1`,
    );
    const tables = rows as Array<{ name: string; set_null: boolean }>;
    expect(tables.filter((row) => !row.set_null).map((row) => row.name)).toEqual([...runOutputTables, 'recommendations'].sort());
    // An exception outlives the run that found it (it stays open until a later run resolves it): its run becomes null.
    expect(tables.filter((row) => row.set_null).map((row) => row.name)).toEqual(['demand_exceptions']);
  });
});
