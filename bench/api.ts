/**
 * Load benchmark of the buyer and ERP API over real HTTP (no load-testing package: a fixed number of concurrent
 * fetch loops, each sending its next request when the last one answered).
 * Run: npx tsx bench/api.ts [recommendations=20000] [concurrency=16] [secondsPerScenario=5]
 * Uses DATABASE_URL (PostgreSQL, a scratch database: the bench writes rows) when set, else a fresh embedded PGlite.
 * Reports requests per second and latency percentiles per scenario, and the time to page through every recommendation.
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { closeDb, createDb } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { loadConfig } from '../src/config';
import { createServices } from '../src/container';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logger';

const [recommendationCount = 20_000, concurrency = 16, seconds = 5] = process.argv.slice(2).map(Number);

async function seed(db: Awaited<ReturnType<typeof createDb>>, count: number): Promise<void> {
  const suppliers = 20;
  const locations = 4;
  await db.raw(`insert into locations (external_id, code, name) select 'L' || g, 'L' || g, 'Location ' || g from generate_series(1, ?) g`, [locations]);
  await db.raw(`insert into suppliers (external_id, name) select 'S' || g, 'Supplier ' || g from generate_series(1, ?) g`, [suppliers]);
  const items = Math.ceil(count / locations);
  await db.raw(`insert into items (external_id, sku, unit_cost) select 'I' || g, 'SKU-' || lpad(g::text, 7, '0'), 1 + g % 50 from generate_series(1, ?) g`, [items]);
  await db.raw(
    `insert into supplier_items (external_id, supplier_id, item_id, unit_cost, moq, order_multiple, promised_lead_time_days)
     select 'SI' || i.id, 1 + i.id % ?, i.id, i.unit_cost, 12, 6, 14 from items i`,
    [suppliers],
  );
  const { rows } = await db.raw(`insert into forecast_runs (kind, trigger, status, as_of_date) values ('pipeline', 'bench', 'succeeded', '2026-11-22') returning id`);
  await db.raw(
    `insert into recommendations (run_id, item_id, location_id, supplier_id, quantity, suggested_quantity, unit_cost, need_by_date,
                                  projected_stockout_date, urgency, explanation)
     select ?, i.id, l.id, 1 + i.id % ?, 6 * (1 + (i.id + l.id) % 20), 6 * (1 + (i.id + l.id) % 20), i.unit_cost, date '2026-12-01' + (i.id % 60),
            case when i.id % 3 = 0 then null else date '2026-11-25' + (i.id % 90) end,
            (array['critical','high','normal','low'])[1 + (i.id + l.id) % 4], jsonb_build_object('abcClass', (array['A','B','C'])[1 + i.id % 3])
       from items i cross join locations l
      limit ?`,
    [rows[0].id, suppliers, count],
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

async function scenario(name: string, request: (loop: number, iteration: number) => Promise<Response>): Promise<void> {
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  const deadline = Date.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      for (let iteration = 0; Date.now() < deadline; iteration++) {
        const sent = performance.now();
        const response = await request(loop, iteration);
        await response.arrayBuffer();
        latencies.push(performance.now() - sent);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const statusText = [...statuses].map(([status, n]) => `${status}×${n}`).join(' ');
  console.log(
    `${name.padEnd(44)} ${(latencies.length / elapsed).toFixed(0).padStart(6)} req/s  p50 ${percentile(latencies, 0.5).toFixed(1)} ms  ` +
      `p95 ${percentile(latencies, 0.95).toFixed(1)} ms  p99 ${percentile(latencies, 0.99).toFixed(1)} ms  [${statusText}]`,
  );
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-bench-api-'));
  const db = await createDb({ databaseUrl: process.env.DATABASE_URL, dataDir });
  await migrateLatest(db);
  const logger = createLogger('silent');
  const services = createServices({ db, config: loadConfig({}), logger, dispatcher: { dispatchRun: async () => {} } });
  const seedStarted = Date.now();
  await seed(db, recommendationCount);
  const { key } = await services.apiKeys.create({ name: 'bench', role: 'admin' });
  const server = createApp({ services, logger }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const headers = { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
  const get = (url: string) => fetch(`${base}${url}`, { headers });
  console.log(
    `${recommendationCount} recommendations on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'} (seeded in ${Date.now() - seedStarted} ms); ` +
      `${concurrency} concurrent clients, ${seconds} s per scenario`,
  );

  const { rows } = await db.raw(`select min(id)::int as first, max(id)::int as last from recommendations`);
  const { first, last } = rows[0] as { first: number; last: number };
  const randomId = () => first + Math.floor(Math.random() * (last - first + 1));

  await scenario('GET /recommendations (first page of 50)', () => get('/recommendations?limit=50'));
  await scenario('GET /recommendations?sort=value&supplierId=…', (loop) => get(`/recommendations?sort=value&supplierId=${1 + (loop % 20)}`));
  await scenario('GET /recommendations/:id', () => get(`/recommendations/${randomId()}`));
  await scenario('GET + PATCH set-quantity with If-Match', async () => {
    const id = randomId();
    const current = await get(`/recommendations/${id}`);
    await current.arrayBuffer();
    return fetch(`${base}/recommendations/${id}`, {
      method: 'PATCH',
      headers: { ...headers, 'If-Match': current.headers.get('etag')! },
      body: JSON.stringify({ action: 'set-quantity', quantity: 30 }),
    });
  });

  for (const sort of ['urgency', 'value', 'stockout']) {
    const started = performance.now();
    let pages = 0;
    let cursor: string | null = null;
    do {
      const response = await get(`/recommendations?sort=${sort}&limit=200${cursor ? `&cursor=${cursor}` : ''}`);
      cursor = ((await response.json()) as { nextCursor: string | null }).nextCursor;
      pages++;
    } while (cursor);
    console.log(`paging all by ${sort.padEnd(8)} ${pages} pages of 200 in ${(performance.now() - started).toFixed(0)} ms`);
  }

  const approveStarted = performance.now();
  for (let supplierId = 1; supplierId <= 20; supplierId++) {
    for (let locationId = 1; locationId <= 4; locationId++) {
      const response = await fetch(`${base}/recommendations/approve`, { method: 'POST', headers, body: JSON.stringify({ supplierId, locationId }) });
      await response.arrayBuffer();
    }
  }
  console.log(`bulk approval of 80 draft orders in ${(performance.now() - approveStarted).toFixed(0)} ms`);
  await scenario('GET /purchase-orders/suggested (limit 10)', () => get('/purchase-orders/suggested?limit=10'));

  server.close();
  await closeDb(db);
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
