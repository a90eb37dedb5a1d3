/**
 * Load benchmark of the buyer and ERP API over HTTP on loopback, driven by autocannon, on PostgreSQL.
 * Run: npm run bench:api -- [skus=100000] [secondsPerScenario=10] [--load-only] [--use=<database>] [--only=list,sku,detail,search]
 * DATABASE_URL names the server (default postgres://root@127.0.0.1:5432/test); the bench creates a scratch database
 * beside it, loads it with COPY, and drops it at the end. `--load-only` loads it, prints its URL and keeps it, for
 * EXPLAIN (ANALYZE, BUFFERS) on the very data the scenarios read (drop it by hand afterwards). The API runs in a child process, so that autocannon's
 * own work does not sit on the server's event loop. `--use=<database>` reads a database --load-only kept, without
 * loading, and runs only the read scenarios (paced and in bursts); `--only=…` runs just those paced scenarios. The
 * list's row is followed by one row per query shape (filters × sort), from the same responses.
 *
 * Data: `skus` items with one recommendation each (4 locations, 20 suppliers), a 12-week forecast, a policy and
 * stock on hand per SKU; a year of daily sales for the SKUs the detail scenario asks for (one in 50), summed into
 * weekly_sales, which GET /skus/:sku reads. Scenarios and targets (issue 6):
 * - GET /recommendations, a filtered page of 100, at a fixed 200 requests/s: p99 under 50 ms;
 * - GET /skus/:sku: p99 under 30 ms (also at 200 requests/s);
 * - GET /recommendations/:id at 200 requests/s; PATCH approve with If-Match, distinct ids, as fast as it goes;
 * The 200 requests/s are sent paced (spread over each second, as many clients send them: the target rows), then in
 * autocannon's bursts (10 connections each sending its 20 back to back at the start of every second), for comparison.
 * - pull of the suggested purchase orders holding 10,000 approved lines, JSON and CSV, end to end: under 2 s.
 * - search (issue 14): GET /recommendations?q= and GET /skus?q= (a substring of SKU, description or supplier SKU; a
 *   term without three letters or digits in a row, the start of a SKU or supplier SKU), a page of 50, at 200 requests/s
 *   paced: p99 under 50 ms. The terms mix one exact SKU, SKU, supplier-SKU and description fragments matching 10 to
 *   100 items, a short supplier-SKU prefix matching about 11,000 and a word of every description (100,000).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import autocannon from 'autocannon';
import pg from 'pg';
import { copyRows, withKeysSuspended } from '../db/bulk';
import { closeDb, createDb } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { withWeeklySalesRebuilt } from '../db/weekly-sales';
import { loadConfig } from '../src/config';
import { createServices } from '../src/container';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logger';

const LOCATIONS = 4;
const SUPPLIERS = 20;
const FORECAST_WEEKS = 12;
const HISTORY_DAYS = 364;
/** One SKU in this many has a year of daily sales, and the detail scenario asks only for those. */
const DETAIL_SAMPLE = 50;
const AS_OF_DATE = '2026-11-22';
const PULL_LINES = 10_000;
const sku = (itemId: number) => `SKU-${String(itemId).padStart(7, '0')}`;

/** The API in this process, on the scratch database: the child side of the bench. */
async function serve(databaseUrl: string): Promise<void> {
  const db = await createDb({ databaseUrl, dataDir: os.tmpdir() });
  const logger = createLogger('silent');
  const services = createServices({ db, config: loadConfig({}), logger, dispatcher: { dispatchRun: async () => {} } });
  const { key } = await services.apiKeys.create({ name: 'bench', role: 'admin' });
  const server = createApp({ services, logger }).listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send!({ port: typeof address === 'object' && address ? address.port : 0, key });
  });
  process.on('disconnect', () => {
    server.close();
    server.closeAllConnections();
    void closeDb(db).then(() => process.exit(0));
  });
}

function* range(count: number): Generator<number> {
  for (let n = 1; n <= count; n++) yield n;
}

function* map<T, U>(values: Iterable<T>, each: (value: T) => Iterable<U>): Generator<U> {
  for (const value of values) yield* each(value);
}

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** 0..modulus-1, spread over ids by MurmurHash3's finaliser: each attribute its own salt, so attributes are independent. */
function spread(id: number, salt: number, modulus: number): number {
  let hash = (id + salt * 0x9e3779b9) | 0;
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return ((hash ^ (hash >>> 16)) >>> 0) % modulus;
}
const locationOf = (itemId: number) => 1 + spread(itemId, 1, LOCATIONS);
const supplierOf = (itemId: number) => 1 + spread(itemId, 2, SUPPLIERS);

/** Loads the scratch database with COPY, keys and indexes suspended and rebuilt once (db/bulk.ts). Returns the run id. */
async function load(databaseUrl: string, skus: number): Promise<number> {
  const db = await createDb({ databaseUrl, dataDir: os.tmpdir() });
  try {
    await migrateLatest(db);
    return await db.transaction(async (trx) => {
      await trx.raw(`insert into locations (external_id, code, name) select 'L' || g, 'DC' || g, 'Location ' || g from generate_series(1, ?) g`, [LOCATIONS]);
      await trx.raw(`insert into suppliers (external_id, name) select 'S' || g, 'Supplier ' || g from generate_series(1, ?) g`, [SUPPLIERS]);
      const { rows } = await trx.raw(
        `insert into forecast_runs (kind, trigger, status, as_of_date, finished_at) values ('pipeline', 'bench', 'succeeded', ?, now()) returning id`,
        [AS_OF_DATE],
      );
      const runId = Number(rows[0].id);
      const tables = ['items', 'supplier_items', 'recommendations', 'forecasts', 'forecast_fits', 'inventory_policies', 'on_hand_snapshots', 'daily_sales'];
      // As any bulk load of daily_sales: its weekly_sales triggers off, the weeks summed once at the end.
      await withWeeklySalesRebuilt(trx, () => withKeysSuspended(trx, tables, async () => {
        const unitCost = (itemId: number) => 1 + spread(itemId, 3, 50);
        await copyRows(trx, 'items', ['id', 'external_id', 'sku', 'description', 'unit_cost', 'unit_price'],
          map(range(skus), (id) => [[id, `I${id}`, sku(id), `Bench item ${id}`, unitCost(id), unitCost(id) * 1.4]]));
        await copyRows(trx, 'supplier_items', ['external_id', 'supplier_id', 'item_id', 'supplier_sku', 'unit_cost', 'moq', 'order_multiple', 'promised_lead_time_days'],
          map(range(skus), (id) => [[`SI${id}`, supplierOf(id), id, `V-${id}`, unitCost(id), 12, 6, 14]]));
        await copyRows(
          trx,
          'recommendations',
          ['run_id', 'item_id', 'location_id', 'supplier_id', 'quantity', 'suggested_quantity', 'unit_cost', 'need_by_date', 'projected_stockout_date', 'urgency', 'explanation'],
          map(range(skus), (id) => {
            const quantity = 6 * (1 + spread(id, 4, 20));
            const stockout = spread(id, 5, 3) === 0 ? null : addDays('2026-11-25', spread(id, 6, 90));
            const urgency = ['critical', 'high', 'normal', 'low'][spread(id, 7, 4)];
            const abcClass = 'ABC'[spread(id, 8, 3)];
            // The explanation's figures a line shows (the list reads them from it, as from a planned line's).
            const shown = { abcClass, planDate: addDays(AS_OF_DATE, 1), leadTimeMeanDays: 14, onHand: id % 40, onOrder: 0, backordered: 0, daysOfCover: spread(id, 6, 90) };
            return [[runId, id, locationOf(id), supplierOf(id), quantity, quantity, unitCost(id), addDays('2026-12-01', spread(id, 9, 60)), stockout, urgency, shown]];
          }),
        );
        await copyRows(trx, 'forecast_fits', ['run_id', 'item_id', 'location_id', 'method', 'demand_class', 'accuracy', 'error_sd', 'params'],
          map(range(skus), (id) => [[runId, id, locationOf(id), 'ets', 'smooth', { mase: 0.8, smape: 0.2 }, 3.5, { alpha: 0.2 }]]));
        await copyRows(trx, 'forecasts', ['run_id', 'item_id', 'location_id', 'method', 'demand_class', 'period_start', 'step', 'mean', 'lo_80', 'hi_80', 'lo_95', 'hi_95'],
          map(range(skus), (id) =>
            Array.from({ length: FORECAST_WEEKS }, (_, index) => {
              const mean = 10 + (id % 7);
              return [runId, id, locationOf(id), 'ets', 'smooth', addDays(AS_OF_DATE, 1 + 7 * index), index + 1, mean, mean - 4, mean + 4, mean - 6, mean + 6];
            }),
          ));
        await copyRows(trx, 'inventory_policies', ['run_id', 'item_id', 'location_id', 'supplier_id', 'service_level', 'safety_stock', 'reorder_point', 'order_up_to', 'eoq', 'explanation'],
          map(range(skus), (id) => [[runId, id, locationOf(id), supplierOf(id), 0.95, 12, 40, 80, 60, { leadTimeDays: 14 }]]));
        await copyRows(trx, 'on_hand_snapshots', ['item_id', 'location_id', 'snapshot_date', 'quantity'],
          map(range(skus), (id) => [[id, locationOf(id), AS_OF_DATE, id % 40]]));
        await copyRows(trx, 'daily_sales', ['item_id', 'location_id', 'sales_date', 'quantity', 'out_of_stock'],
          map(range(Math.floor(skus / DETAIL_SAMPLE)), (n) => {
            const id = n * DETAIL_SAMPLE;
            return Array.from({ length: HISTORY_DAYS }, (_, day) => [id, locationOf(id), addDays(AS_OF_DATE, -day), (id + day) % 5, day % 97 === 0]);
          }));
      }));
      await trx.raw(`select setval(pg_get_serial_sequence('items', 'id'), ?)`, [skus]);
      return runId;
    });
  } finally {
    await closeDb(db);
  }
}

interface Measured {
  requests: number;
  seconds: number;
  statuses: Record<string, number>;
  p50: number;
  p95: number;
  p99: number;
  /** CPU time of the API process and its PostgreSQL backends per response, in ms; null where /proc cannot tell. */
  cpuMsPerRequest?: number | null;
  /** Latencies by the request's query shape (`shapeOf` of its path), where each run has one connection. */
  byShape: Map<string, number[]>;
}

/** Linux's USER_HZ: the unit of utime and stime in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

/** User + system CPU seconds a process has used (Linux /proc); undefined once it has exited, or without /proc. */
function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces: utime and stime are 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * What a scenario costs in CPU, which other work on the machine does not change as it changes latencies: the API
 * process's and its database backends' CPU time over the scenario, per response. A backend that exits during the
 * scenario (the pool closes idle connections after 30 s; under load they stay) would be left out.
 */
async function withCpu(apiPid: number, monitor: pg.Client, run: () => Promise<Measured>): Promise<Measured> {
  const sample = async () => {
    const { rows } = await monitor.query<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    return new Map([apiPid, ...rows.map((row) => row.pid)].map((pid) => [pid, processCpuSeconds(pid)]));
  };
  const before = await sample();
  const measured = await run();
  const after = await sample();
  if ([...after.values()].every((seconds) => seconds === undefined)) return { ...measured, cpuMsPerRequest: null };
  let seconds = 0;
  for (const [pid, end] of after) if (end !== undefined) seconds += end - (before.get(pid) ?? 0);
  return { ...measured, cpuMsPerRequest: (seconds * 1000) / measured.requests };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;

/**
 * autocannon runs, side by side. Latencies are taken from every response (autocannon's own histogram keeps whole
 * milliseconds and, under a rate, adds coordinated-omission samples on a 1 ms interval): p50 and p99 here are of real
 * responses. autocannon's rate is a per-connection quota per second sent back to back, so a fixed rate arrives in
 * bursts: `delaysMs` starts each run that much later, which spreads the bursts of several runs over the second.
 */
async function drive(runs: Array<{ options: autocannon.Options; delayMs?: number }>, shapeOf?: (path: string) => string): Promise<Measured> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const byShape = new Map<string, number[]>();
  const started = performance.now();
  const one = ({ options, delayMs = 0 }: { options: autocannon.Options; delayMs?: number }) =>
    new Promise((resolve, reject) => {
      setTimeout(() => {
        const rated = options.overallRate !== undefined || options.connectionRate !== undefined;
        // One connection answers in the order it asks: the shapes sent, first in first out, name the responses.
        const sent: string[] = [];
        const requests = shapeOf && options.connections === 1
          ? options.requests?.map((request) => ({
              ...request,
              setupRequest: (built: autocannon.Request, context: unknown) => {
                const next = typeof request.setupRequest === 'function' ? request.setupRequest(built, context as object) : built;
                sent.push(shapeOf(String(next.path)));
                return next;
              },
            }))
          : options.requests;
        const instance = autocannon({ ...options, requests, ...(rated ? { ignoreCoordinatedOmission: true } : {}) }, (error, result) => (error ? reject(error) : resolve(result)));
        instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
          latencies.push(responseTime);
          statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
          const shape = sent.shift();
          if (shape !== undefined) byShape.set(shape, [...(byShape.get(shape) ?? []), responseTime]);
        });
      }, delayMs);
    });
  await Promise.all(runs.map(one));
  // Every run lasts the same: the rate is over that time, not over the runs' start offsets.
  const seconds = (performance.now() - started - Math.max(...runs.map((run) => run.delayMs ?? 0))) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, seconds, statuses, p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99), byShape };
}

/** 200 requests/s as autocannon sends a rate: each of 10 connections sends its 20 back to back at the start of every second. */
const bursts = (options: autocannon.Options) => drive([{ options: { ...options, connections: 10, overallRate: 200 } }]);

/**
 * 200 requests/s spread over the second, as many clients would send them: 50 single-connection runs of 4 requests/s,
 * each started 20 ms after the one before.
 */
const PACED_STREAMS = 50;
const paced = (options: autocannon.Options, shapeOf?: (path: string) => string) =>
  drive(
    Array.from({ length: PACED_STREAMS }, (_, stream) => ({
      options: { ...options, connections: 1, connectionRate: 200 / PACED_STREAMS },
      delayMs: (stream * 1000) / PACED_STREAMS,
    })),
    shapeOf,
  );

async function main(): Promise<void> {
  const loadOnly = process.argv.includes('--load-only');
  const [skus = 100_000, seconds = 10] = process.argv.slice(2).filter((arg) => !arg.startsWith('--')).map(Number);
  const serverUrl = new URL(process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/test');
  // --use=<database>: a database --load-only kept, read again without loading; only the read scenarios run, so it
  // stays as loaded. --only=list,sku,detail,search: those paced scenarios alone.
  const use = process.argv.find((arg) => arg.startsWith('--use='))?.slice('--use='.length);
  const only = process.argv.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',');
  const readOnly = use !== undefined || only !== undefined;
  const scratch = use ?? `replen_bench_api_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  if (!/^[a-z0-9_]+$/.test(scratch)) throw new Error(`--use wants a database name, not ${scratch}`);
  if (use === undefined) {
    const admin = new pg.Client({ connectionString: serverUrl.toString() });
    await admin.connect();
    await admin.query(`create database ${scratch}`);
    await admin.end();
  }
  const databaseUrl = Object.assign(new URL(serverUrl), { pathname: `/${scratch}` }).toString();
  let child: ChildProcess | undefined;
  let keep = use !== undefined;
  try {
    const loadStarted = performance.now();
    let runId: number;
    if (use === undefined) {
      runId = await load(databaseUrl, skus);
      const analyse = new pg.Client({ connectionString: databaseUrl });
      await analyse.connect();
      await analyse.query('vacuum analyze');
      // The load's dirty pages written now, not by a checkpoint in the middle of the first scenario.
      await analyse.query('checkpoint');
      await analyse.end();
    } else {
      const existing = new pg.Client({ connectionString: databaseUrl });
      await existing.connect();
      const { rows } = await existing.query<{ id: string; items: number }>(`select max(id) as id, (select count(*)::int from items) as items from forecast_runs`);
      await existing.end();
      runId = Number(rows[0].id);
      if (rows[0].items !== skus) throw new Error(`${scratch} holds ${rows[0].items} SKUs, not ${skus}: give that count`);
    }
    const loadSeconds = (performance.now() - loadStarted) / 1000;
    if (loadOnly) {
      console.log(`${skus} SKUs loaded in ${loadSeconds.toFixed(1)} s into ${databaseUrl} (kept: drop database ${scratch} when done; --use=${scratch} reads it again)`);
      keep = true;
      return;
    }

    child = fork(__filename, ['serve', databaseUrl], { execArgv: process.execArgv, stdio: 'inherit' });
    const { port, key } = await new Promise<{ port: number; key: string }>((resolve, reject) => {
      child!.once('message', (message) => resolve(message as { port: number; key: string }));
      child!.once('exit', (code) => reject(new Error(`API process exited with ${code}`)));
    });
    const base = `http://127.0.0.1:${port}`;
    const headers = { authorization: `Bearer ${key}` };
    console.log(`${skus} SKUs with recommendations (run ${runId}) ${use === undefined ? `loaded with COPY in ${loadSeconds.toFixed(1)} s` : `in the kept database ${use}`}; ${seconds} s per scenario`);
    console.log(`load average before the scenarios: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} (${os.cpus().length} cores)`);

    const common = { url: base, headers, duration: seconds };
    let listCall = 0;
    const listScenario: autocannon.Options = {
      ...common,
      requests: [
        {
          setupRequest: (request) => {
            const n = listCall++;
            const filters = [`supplierId=${1 + (n % SUPPLIERS)}`, `locationId=${1 + (n % LOCATIONS)}&status=proposed`, `urgency=high&abcClass=${'ABC'[n % 3]}`];
            const sort = ['urgency', 'value', 'stockout'][n % 3];
            return { ...request, path: `/recommendations?limit=100&sort=${sort}&${filters[Math.floor(n / 3) % 3]}` };
          },
        },
      ],
    };
    let skuCall = 0;
    const skuScenario: autocannon.Options = {
      ...common,
      requests: [{ setupRequest: (request) => ({ ...request, path: `/skus/${sku(DETAIL_SAMPLE * (1 + ((skuCall++ * 7919) % Math.floor(skus / DETAIL_SAMPLE))))}` }) }],
    };
    let detailCall = 0;
    const detailScenario: autocannon.Options = {
      ...common,
      requests: [{ setupRequest: (request) => ({ ...request, path: `/recommendations/${1 + ((detailCall++ * 7919) % skus)}` }) }],
    };
    let searchCall = 0;
    const searchTerm = (n: number) => {
      const id = 1 + ((n * 7919) % skus);
      const terms = [
        sku(id),
        `SKU-${String(id).padStart(7, '0').slice(0, 5)}`,
        `V-${Math.floor(id / 10)}`,
        `item ${Math.floor(id / 10)}`,
        // A short term: the start of a supplier SKU, matching about 11,000 items.
        `V-${1 + (id % 9)}`,
        // A word of every item's description.
        'Bench',
      ];
      return encodeURIComponent(terms[n % terms.length]);
    };
    const searchScenario = (path: string): autocannon.Options => ({
      ...common,
      requests: [{ setupRequest: (request) => ({ ...request, path: `${path}?limit=50&q=${searchTerm(searchCall++)}` }) }],
    });
    const monitor = new pg.Client({ connectionString: databaseUrl });
    await monitor.connect();
    const cpu = (run: () => Promise<Measured>) => withCpu(child!.pid!, monitor, run);
    const wanted = (scenario: string) => only === undefined || only.includes(scenario);
    // A list page by its filters and sort (the path less its limit and values), for the list's rows per query.
    const listShape = (path: string) => path.replace(/^\/recommendations\?limit=\d+&/, '').replace(/=\d+/g, '=N').replace(/abcClass=[ABC]/, 'abcClass=X');
    const rows: Array<[string, string, string, string, string, string, string, string]> = [];
    const rowOf = (name: string, measured: Measured, target: string, met: boolean | null) => {
      const codes = Object.entries(measured.statuses).map(([code, count]) => `${code}×${count}`).join(' ');
      const cpuMs = measured.cpuMsPerRequest === undefined || measured.cpuMsPerRequest === null ? '' : measured.cpuMsPerRequest.toFixed(2);
      rows.push([name, (measured.requests / measured.seconds).toFixed(0), measured.p50.toFixed(1), measured.p95.toFixed(1), measured.p99.toFixed(1), cpuMs, target, `${met === null ? '' : met ? 'met' : 'MISSED'} ${codes}`]);
    };
    /** The list's responses of each query shape, as rows under the list's (p99 of about 220 responses each). */
    const shapeRows = (measured: Measured) => {
      for (const [shape, latencies] of [...measured.byShape].sort(([a], [b]) => a.localeCompare(b))) {
        latencies.sort((a, b) => a - b);
        const p99 = percentile(latencies, 0.99);
        rows.push([`    ${shape}`, '', percentile(latencies, 0.5).toFixed(1), percentile(latencies, 0.95).toFixed(1), p99.toFixed(1), '', '', `${p99 < 50 ? '' : 'over 50 ms'} n=${latencies.length}`]);
      }
    };
    if (wanted('list')) {
      const list = await cpu(() => paced(listScenario, listShape));
      rowOf('GET /recommendations (100, filtered) @200/s paced', list, 'p99 < 50 ms', list.p99 < 50);
      shapeRows(list);
    }
    if (wanted('sku')) {
      const skuDetail = await cpu(() => paced(skuScenario));
      rowOf('GET /skus/:sku @200/s paced', skuDetail, 'p99 < 30 ms', skuDetail.p99 < 30);
    }
    if (wanted('detail')) rowOf('GET /recommendations/:id @200/s paced', await cpu(() => paced(detailScenario)), '', null);
    if (wanted('search')) {
      const searchRecommendations = await cpu(() => paced(searchScenario('/recommendations')));
      rowOf('GET /recommendations?q= (50) @200/s paced', searchRecommendations, 'p99 < 50 ms', searchRecommendations.p99 < 50);
      const searchSkus = await cpu(() => paced(searchScenario('/skus')));
      rowOf('GET /skus?q= (50) @200/s paced', searchSkus, 'p99 < 50 ms', searchSkus.p99 < 50);
    }
    if (wanted('list') && only === undefined) {
      // The list once more, every cache warm: the first run follows the load, this one the other scenarios.
      const again = await cpu(() => paced(listScenario, listShape));
      rowOf('GET /recommendations again, after the others', again, 'p99 < 50 ms', again.p99 < 50);
    }
    if (only === undefined) {
      rowOf('  the same in bursts: list', await cpu(() => bursts(listScenario)), '', null);
      rowOf('  the same in bursts: SKU', await cpu(() => bursts(skuScenario)), '', null);
      rowOf('  the same in bursts: detail', await cpu(() => bursts(detailScenario)), '', null);
    }
    await monitor.end();

    if (!readOnly) {
      // Distinct ids, each at version 1 (never changed before): every PATCH is a real approval. The draft orders
      // of supplier 1 are left alone for the pull below.
      let approveCall = 0;
      const approvable = (n: number) => 2 + n * 2;
      const approve = await drive([{ options: {
        url: base,
        headers,
        duration: seconds,
        connections: 10,
        requests: [
          {
            method: 'PATCH',
            setupRequest: (request) => {
              let id = approvable(approveCall++);
              while (supplierOf(id) === 1) id = approvable(approveCall++);
              return { ...request, path: `/recommendations/${id}`, headers: { ...headers, 'content-type': 'application/json', 'if-match': `W/"${id}-1"` }, body: '{"action":"approve"}' };
            },
          },
        ],
      } }]);
      rowOf('PATCH /recommendations/:id approve, 10 conns', approve, '', null);

      // Bulk-approve draft orders until the approved lines reach PULL_LINES, then time the pull of all of them.
      const approved = async () => {
        const response = await fetch(`${base}/purchase-orders/suggested?limit=200`, { headers: { ...headers, accept: 'text/csv' } });
        return (await response.text()).trim().split('\n').length - 1;
      };
      let lines = await approved();
      for (let supplierId = 1, locationId = 1; lines < PULL_LINES && supplierId <= SUPPLIERS; locationId = (locationId % LOCATIONS) + 1) {
        const response = await fetch(`${base}/recommendations/approve`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify({ supplierId, locationId }),
        });
        lines += ((await response.json()) as { approvedIds: number[] }).approvedIds.length;
        if (locationId === LOCATIONS) supplierId++;
      }
      const pull = async (accept: string) => {
        const started = performance.now();
        const response = await fetch(`${base}/purchase-orders/suggested?limit=200`, { headers: { ...headers, accept } });
        const firstByte = performance.now() - started;
        const body = await response.text();
        return { status: response.status, firstByte, total: performance.now() - started, megabytes: body.length / 1e6 };
      };
      await pull('application/json');
      const pullJson = await pull('application/json');
      const pullCsv = await pull('text/csv');
      lines = await approved();
      const pullRow = (name: string, result: Awaited<ReturnType<typeof pull>>) =>
        rows.push([name, '', `first byte ${result.firstByte.toFixed(0)} ms`, '', `all ${result.total.toFixed(0)} ms`, '', 'all < 2000 ms', `${result.total < 2000 ? 'met' : 'MISSED'} ${result.status} ${result.megabytes.toFixed(1)} MB`]);
      pullRow(`pull ${lines} approved lines, JSON`, pullJson);
      pullRow(`pull ${lines} approved lines, CSV`, pullCsv);
    }

    const header: [string, string, string, string, string, string, string, string] = ['scenario', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'CPU ms/req', 'target', 'result'];
    const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
    for (const row of [header, ...rows]) console.log(row.map((cell, column) => cell.padEnd(widths[column])).join('  '));
    console.log(`load average after: ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  } finally {
    child?.disconnect();
    if (child) await new Promise((resolve) => child!.once('exit', resolve));
    if (!keep) {
      const cleanup = new pg.Client({ connectionString: serverUrl.toString() });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${scratch} with (force)`);
      await cleanup.end();
    }
  }
}

if (process.argv[2] === 'serve') {
  serve(process.argv[3]).catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
