/**
 * The nightly batch end to end (npm run bench:pipeline): generates N SKUs × 3 years of daily sales with the demo
 * generator, streams them with COPY into a fresh PostgreSQL database (seedDemoData: one transaction, keys and
 * indexes built after the load), then, per worker-process count, runs the whole pipeline (forecast chunks and
 * planning, as a BullMQ flow) twice: 'select', every SKU's model chosen afresh (FORECAST_RESELECT_DAYS=0, a
 * weekly run), then 'refit', the nightly run between two selections, which refits the models just chosen. Prints
 * rows/s of the load, SKUs/s of the forecast stage (start of the run until the last chunk is written), SKUs/s of
 * the whole run, and the peak RSS (VmHWM, worker threads included) of each worker process.
 * Run: npx tsx bench/pipeline.ts [--skus N | --large] [--catalogue demo|long-tail] [--workers 1,2] [--concurrency C] [--load-only]
 *   --large: 100,000 SKUs. --catalogue: the demand mix (db/seeds/demo.ts patternShares; 'demo' by default, about
 *   990 daily-sales rows per SKU; 'long-tail' about 510). --concurrency: WORKER_CONCURRENCY of each worker process
 *   (default 1, so that one process uses one core for models and two processes use two). --load-only: stop after the load. Needs PostgreSQL (BENCH_DATABASE_URL, else
 *   DATABASE_URL, else postgres://root@127.0.0.1:5432/test; a database replen_bench_* is created beside it and
 *   dropped at the end) and Redis (REDIS_URL, else redis://127.0.0.1:6379).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import pg from 'pg';
import { closeDb, createDb } from '../db/connection';
import { migrateLatest } from '../db/migrate';
import { seedDemoData } from '../db/seeds/demo';
import { BullmqDispatcher, redisConnection } from '../jobs/bullmq';
import { loadConfig } from '../src/config';
import { createServices } from '../src/container';
import { createLogger } from '../src/logger';
import { formatTable } from './m3';

const { values: args } = parseArgs({
  options: {
    skus: { type: 'string' },
    catalogue: { type: 'string', default: 'demo' },
    large: { type: 'boolean', default: false },
    workers: { type: 'string', default: '1,2' },
    concurrency: { type: 'string', default: '1' },
    'load-only': { type: 'boolean', default: false },
  },
});
const skuCount = Number(args.skus ?? (args.large ? 100_000 : 10_000));
const workerCounts = args['load-only'] ? [] : args.workers.split(',').map(Number);
const concurrency = Number(args.concurrency);
if (args.catalogue !== 'demo' && args.catalogue !== 'long-tail') throw new Error(`--catalogue must be demo or long-tail, got ${args.catalogue}`);
const catalogue = args.catalogue;
const baseUrl = process.env.BENCH_DATABASE_URL || process.env.DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const root = path.resolve(__dirname, '..');
const logger = createLogger('warn');

const seconds = (from: number) => (Date.now() - from) / 1000;
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Every process below `pid` (npx → tsx → node): the worker is the one that holds the most memory. */
function descendants(pid: number): number[] {
  const children = fs
    .readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map(Number);
  return children.flatMap((child) => [child, ...descendants(child)]);
}

/** Peak resident set (VmHWM, KiB) of the largest process in the tree: the node process running jobs/worker-main.ts. */
function peakRssKib(pid: number): number {
  const peaks = descendants(pid).map((child) => {
    const status = fs.readFileSync(`/proc/${child}/status`, 'utf8');
    return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  });
  return Math.max(0, ...peaks);
}

function startWorkerProcess(databaseUrl: string, queueName: string, reselectDays: number): ChildProcess {
  const child = spawn('npx', ['tsx', 'jobs/worker-main.ts'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_NAME: queueName,
      WORKER_CONCURRENCY: String(concurrency),
      FORECAST_RESELECT_DAYS: String(reselectDays),
      REPLEN_ADMIN_KEY: 'bench-pipeline-admin-key-0000000',
      LOG_LEVEL: 'warn',
    },
  });
  child.on('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') console.error(`worker ${child.pid} exited (${code ?? signal})`);
  });
  return child;
}

async function stopWorkerProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

async function main(): Promise<void> {
  const name = `replen_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  await admin(`create database ${name}`);
  const db = await createDb({ databaseUrl, dataDir: os.tmpdir() });
  const connection = redisConnection(redisUrl);
  try {
    await migrateLatest(db);
    console.log(
      `${skuCount} SKUs (${catalogue} catalogue) × 3 years of daily sales; ${os.availableParallelism()} CPUs; workers ${workerCounts.join(', ')} × concurrency ${concurrency}`,
    );

    const loadStart = Date.now();
    const seeded = await seedDemoData(db, { skuCount, endDate: '2026-06-30', seed: 1, catalogue });
    const loadSeconds = seconds(loadStart);
    const rows = Object.values(seeded.counts).reduce((sum, count) => sum + count, 0);
    console.log(
      `load (generate + COPY + keys and indexes, one transaction): ${rows} rows (${seeded.counts.daily_sales} daily sales) in ${loadSeconds.toFixed(1)} s = ${Math.round(rows / loadSeconds)} rows/s`,
    );

    const config = loadConfig({});
    const table: string[][] = [];
    for (const [workers, mode] of workerCounts.flatMap((count) => [[count, 'select'], [count, 'refit']] as const)) {
      const queueName = `bench-${randomUUID()}`;
      const queue = new Queue(queueName, { connection });
      const dispatcher = new BullmqDispatcher(connection, queueName);
      const services = createServices({ db, config, logger, dispatcher });
      const reselectDays = mode === 'select' ? 0 : config.FORECAST_RESELECT_DAYS;
      const children = Array.from({ length: workers }, () => startWorkerProcess(databaseUrl, queueName, reselectDays));
      try {
        // Start the clock once every worker is listening, so process start-up is not counted.
        while ((await queue.getWorkers()).length < workers) await new Promise((resolve) => setTimeout(resolve, 200));
        const started = Date.now();
        const { runId, chunks } = await services.pipeline.startRun('bench');
        let forecastSeconds = 0;
        for (;;) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          const run = await services.pipeline.getRun(runId);
          if (!forecastSeconds && run.counts.chunksDone >= chunks) forecastSeconds = seconds(started);
          if (run.status === 'failed') throw new Error(`run ${runId} failed: ${run.error}`);
          if (run.status === 'succeeded') {
            const totalSeconds = seconds(started);
            const items = run.counts.items;
            table.push([
              String(workers),
              mode,
              String(chunks),
              String(run.counts.forecastedSeries),
              forecastSeconds.toFixed(1),
              (items / forecastSeconds).toFixed(1),
              totalSeconds.toFixed(1),
              (items / totalSeconds).toFixed(1),
              children.map((child) => mib(peakRssKib(child.pid!))).join(', '),
            ]);
            // One line per run as it ends, so a long benchmark that is stopped early still reports what it measured.
            console.log(`${workers} worker(s), ${mode}: ${table[table.length - 1]!.slice(2).join(' | ')}`);
            break;
          }
        }
      } finally {
        await Promise.all(children.map(stopWorkerProcess));
        await dispatcher.close();
        await queue.obliterate({ force: true });
        await queue.close();
      }
    }
    console.log(
      formatTable(
        ['worker processes', 'run', 'chunks', 'series', 'forecast s', 'forecast SKUs/s', 'total s', 'total SKUs/s', 'peak RSS per worker'],
        table,
      ),
    );
  } finally {
    connection.disconnect();
    await closeDb(db);
    await admin(`drop database if exists ${name} with (force)`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
