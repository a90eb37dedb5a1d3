import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import type { Knex } from 'knex';
import { closeDb, createDb } from '../../../db/connection';
import { loadConfig } from '../../../src/config';
import { schedules } from '../../../jobs/schedules';
import { migrateLatest } from '../../../db/migrate';
import { seedDemoData } from '../../../db/seeds/demo';
import { freePort, privateServersAvailable, spawnReplen, startPrivatePostgres, startPrivateRedis, type PrivatePostgres, type PrivateRedis, type ReplenProcess } from '../../helpers/private-servers';

/**
 * The faults of issue 16 and of issue 15 item 13, with real processes (an API and two workers, as `npm start` and
 * `npm run worker` run them) on a PostgreSQL and a Redis of this file's own, which it kills and restarts. Each test
 * states how long the run may take to end once the dependency is back; the figures measured are printed at the end
 * (the README's "What happens when…" table). Small catalogue (60 SKUs × 2 locations, 12 chunks of 5) to stay quick.
 */
const servers = privateServersAvailable();
const describeFaults = servers.ok ? describe : describe.skip;

const ADMIN_KEY = 'fault-tests-admin-key-0000000000';
const HORIZON_WEEKS = 8;
const settings = {
  FORECAST_CHUNK_SIZE: '5',
  FORECAST_HORIZON_WEEKS: String(HORIZON_WEEKS),
  HISTORY_WEEKS: '104',
  FORECAST_RESELECT_DAYS: '0',
  WORKER_CONCURRENCY: '1',
  WORKER_LOCK_DURATION_MS: '2000',
  WORKER_STALLED_INTERVAL_MS: '1000',
  RUN_STALL_SECONDS: '5',
  RUN_WATCHDOG_INTERVAL_SECONDS: '1',
  DEPENDENCY_RETRY_SECONDS: '120',
  SEED_DEMO_DATA: 'false',
  RUN_ON_START: 'false',
  REPLEN_ADMIN_KEY: ADMIN_KEY,
  LOG_LEVEL: 'info',
};
/** The schedules the API declares with these settings (no ERP source configured), by id. */
const SCHEDULE_IDS = schedules(loadConfig(settings))
  .map((schedule) => schedule.id)
  .sort();

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;

describeFaults('the nightly batch survives its dependencies going away (own PostgreSQL and Redis, real API and worker processes)', () => {
  let pg: PrivatePostgres;
  let redis: PrivateRedis;
  let databaseCounter = 0;
  /** The counts of a clean run over the same data: every run after a fault must match them. */
  let cleanCounts: Record<string, number>;
  const measured: Array<{ fault: string; recovery: string }> = [];

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startPrivatePostgres(), startPrivateRedis({ appendonly: false })]);
    const admin = await createDb({ databaseUrl: pg.url(), dataDir: os.tmpdir() });
    await admin.raw('create database fault_template');
    await closeDb(admin);
    const template = await createDb({ databaseUrl: pg.url('fault_template'), dataDir: os.tmpdir() });
    await migrateLatest(template);
    await seedDemoData(template, { skuCount: 60, endDate: '2026-06-30', seed: 11 });
    await closeDb(template);
  }, 180_000);
  afterAll(async () => {
    if (measured.length > 0) console.log(`recovery times (load ${os.loadavg()[0].toFixed(1)}):\n${measured.map((line) => `  ${line.fault}: ${line.recovery}`).join('\n')}`);
    await Promise.all([pg?.destroy(), redis?.destroy()]);
  });

  /** One deployment: a fresh database cloned from the seeded template, a fresh queue, the API and two workers. */
  async function deploy(extraEnv: Record<string, string> = {}) {
    const name = `fault_${++databaseCounter}`;
    const admin = await createDb({ databaseUrl: pg.url(), dataDir: os.tmpdir() });
    await admin.raw(`create database ${name} template fault_template`);
    await closeDb(admin);
    const databaseUrl = pg.url(name);
    const db: Knex = await createDb({ databaseUrl, dataDir: os.tmpdir() });
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-fault-data-'));
    const env = { ...settings, DATABASE_URL: databaseUrl, REDIS_URL: redis.url, QUEUE_NAME: `fault-${name}`, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ...extraEnv };
    const processes: ReplenProcess[] = [];
    const startApi = async () => {
      const api = spawnReplen(process.execPath, ['--import', 'tsx', 'src/main.ts'], env);
      processes.push(api);
      const answering = until('the API to answer', async () => ((await fetch(`http://127.0.0.1:${port}/health`)).ok ? true : undefined), 90_000);
      const exited = api.exited().then(({ code, signal }) => {
        throw new Error(`the API exited (${code ?? signal}) before answering: ${api.otherLines.slice(-20).join('\n')}`);
      });
      // Every API is killed at the end of its test: only an exit before it answers is a failure.
      exited.catch(() => undefined);
      await Promise.race([answering, exited]);
      return api;
    };
    const startWorker = async () => {
      const worker = spawnReplen(process.execPath, ['--import', 'tsx', 'jobs/worker-main.ts'], env);
      processes.push(worker);
      await worker.waitForLog('the worker to start', (line) => line.msg === 'worker started', 90_000);
      return worker;
    };
    const [api, ...workers] = await Promise.all([startApi(), startWorker(), startWorker()]);
    const call = async (method: string, route: string, body?: unknown, headers: Record<string, string> = {}) => {
      const response = await fetch(`http://127.0.0.1:${port}${route}`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN_KEY}`, ...(body ? { 'Content-Type': 'application/json' } : {}), ...headers },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(30_000),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> & { error?: { message: string } } };
    };
    /** One value of the API's /metrics. */
    const metric = async (name: string) => {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${ADMIN_KEY}` } })).text();
      return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]);
    };
    const runCount = async () => (await db.raw('select count(*)::int as n from forecast_runs')).rows[0].n as number;
    const queueConnection = new IORedis(redis.url, { maxRetriesPerRequest: null });
    queueConnection.on('error', () => undefined);
    const queue = new Queue(env.QUEUE_NAME, { connection: queueConnection });
    queue.on('error', () => undefined);
    return {
      db,
      env,
      api,
      workers,
      startApi,
      startWorker,
      call,
      queue,
      runCount,
      metric,
      /** Every process started for this deployment, those restarted included. */
      processes,
      /** Polls the run until it leaves 'running'. */
      async runEnds(runId: number, timeoutMs: number) {
        return until(
          `run ${runId} to end`,
          async () => {
            const { rows } = await db.raw('select status, error, counts from forecast_runs where id = ?', [runId]);
            return rows[0].status === 'running' ? undefined : (rows[0] as { status: string; error: string | null; counts: Record<string, number> });
          },
          timeoutMs,
        );
      },
      /** Waits until the run has this many chunks done. */
      async chunksDone(runId: number, atLeast: number) {
        await until(
          `run ${runId} to finish ${atLeast} chunks`,
          async () => {
            const { rows } = await db.raw(`select (counts->>'chunksDone')::int as done from forecast_runs where id = ?`, [runId]);
            return (rows[0].done ?? 0) >= atLeast ? true : undefined;
          },
          120_000,
        );
      },
      /** The job schedulers in Redis, by id (one each: a second declaration of one would show as two). */
      async schedulers() {
        return (await queue.getJobSchedulers()).map((scheduler) => scheduler.key).sort();
      },
      async close() {
        await Promise.all(processes.map((child) => child.kill('SIGKILL')));
        await queue.close().catch(() => undefined);
        queueConnection.disconnect();
        await closeDb(db);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  type Deployment = Awaited<ReturnType<typeof deploy>>;

  /** Exactly one forecast per active SKU × location × week, and the counts of a clean run. */
  async function expectCompleteRun(deployment: Deployment, runId: number, options: { cleanCounts: boolean } = { cleanCounts: true }) {
    const { rows } = await deployment.db.raw(
      `select count(*)::int as n, count(distinct (item_id, location_id, step))::int as distinct_keys, count(distinct (item_id, location_id))::int as pairs
         from forecasts where run_id = ?`,
      [runId],
    );
    const active = await deployment.db.raw(`select count(distinct (s.item_id, s.location_id))::int as n from daily_sales s join items i on i.id = s.item_id where i.active`);
    expect(rows[0].pairs).toBe(active.rows[0].n);
    expect(rows[0].n).toBe(rows[0].distinct_keys);
    expect(rows[0].n).toBe(rows[0].pairs * HORIZON_WEEKS);
    const run = await deployment.runEnds(runId, 1000);
    expect(run.status).toBe('succeeded');
    if (options.cleanCounts) expect(pick(run.counts)).toEqual(pick(cleanCounts));
  }

  /** The lines a process may write that are not JSON logs: the API's start-up banner and node's warnings. */
  const expectedText = /^(replen is serving|  (database|jobs|admin API key|try):|\(node:\d+\) \w+Warning|\(Use `node --trace-warnings)/;
  /** Fault 6: every other line each process wrote is a JSON log line: no raw stack trace. */
  function expectJsonLogsOnly(deployment: Deployment) {
    for (const child of deployment.processes) expect(child.otherLines.filter((line) => !expectedText.test(line))).toEqual([]);
  }

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  /** Times one GET /ready. */
  async function timedReady(deployment: Deployment) {
    const started = Date.now();
    const answer = await deployment.call('GET', '/ready');
    return { ms: Date.now() - started, status: answer.status, checks: answer.body.checks as Array<{ name: string; ok: boolean; detail?: string }> };
  }
  /** The counts a run's outcome is judged by (timings and dispatch bookkeeping aside). */
  const pick = (counts: Record<string, number>) =>
    Object.fromEntries(Object.entries(counts).filter(([key]) => ['chunks', 'chunksDone', 'items', 'forecastedSeries', 'plannedItems', 'recommendations', 'planErrors'].includes(key)));

  /**
   * After a fault: a new run starts and succeeds with exactly one forecast per SKU × location × week and the clean
   * run's counts (nothing is left holding the single-flight guard), and every schedule is declared once.
   */
  async function expectNewRunSucceeds(deployment: Deployment) {
    const started = await deployment.call('POST', '/runs');
    expect(started.status).toBe(202);
    const runId = started.body.runId as number;
    const run = await deployment.runEnds(runId, 120_000);
    expect(run.status).toBe('succeeded');
    await expectCompleteRun(deployment, runId);
    expect(await deployment.schedulers()).toEqual(SCHEDULE_IDS);
  }

  async function startRun(deployment: Deployment): Promise<number> {
    const started = await deployment.call('POST', '/runs');
    expect(started.status).toBe(202);
    return started.body.runId as number;
  }

  it('a clean run: the counts every faulted run must match, the schedules declared once', async () => {
    const deployment = await deploy();
    try {
      const started = Date.now();
      const runId = await startRun(deployment);
      const run = await deployment.runEnds(runId, 120_000);
      expect(run.status).toBe('succeeded');
      cleanCounts = run.counts;
      expect(cleanCounts.chunks).toBe(12);
      measured.push({ fault: 'clean run', recovery: `${seconds(Date.now() - started)} s` });
      expect(await deployment.schedulers()).toEqual(SCHEDULE_IDS);
    } finally {
      await deployment.close();
    }
  }, 300_000);

  it('fault 1 / 15.12: Redis without persistence killed mid-run and restarted empty: the run is dispatched again with its finished chunks kept and succeeds, the schedules are back', async () => {
    const deployment = await deploy();
    try {
      const runId = await startRun(deployment);
      await deployment.chunksDone(runId, 3);
      await redis.kill();
      await sleep(2000);
      await redis.start();
      const back = Date.now();
      // Stated: within RUN_STALL_SECONDS (5 s here; 300 s by default) + a watchdog round + the chunks left.
      const run = await deployment.runEnds(runId, 90_000);
      const recovery = Date.now() - back;
      expect(run).toMatchObject({ status: 'succeeded', error: null });
      await expectCompleteRun(deployment, runId);
      const { rows } = await deployment.db.raw('select dispatches from forecast_runs where id = ?', [runId]);
      expect(rows[0].dispatches).toBe(2);
      await until('the schedules to be declared again', async () => ((await deployment.schedulers()).length === SCHEDULE_IDS.length ? true : undefined), 30_000);
      expect(await deployment.schedulers()).toEqual(SCHEDULE_IDS);
      const schedulesBack = Date.now() - back;
      measured.push({ fault: 'Redis killed mid-run, restarted empty', recovery: `run succeeded ${seconds(recovery)} s after Redis was back; schedules back after ${seconds(schedulesBack)} s` });
      await expectNewRunSucceeds(deployment);
      expectJsonLogsOnly(deployment);
    } finally {
      await deployment.close();
    }
  }, 300_000);

  it('fault 2 / 15.13: PostgreSQL stopped (-m immediate) for 30 s mid-run: /ready says 503 within 2 s, the jobs wait it out without spending a try, the run succeeds', async () => {
    const deployment = await deploy();
    try {
      const runId = await startRun(deployment);
      await deployment.chunksDone(runId, 3);
      await pg.stopImmediate();
      const down = Date.now();
      const ready = await timedReady(deployment);
      expect(ready.status).toBe(503);
      expect(ready.ms).toBeLessThan(2000);
      expect(ready.checks.find((check) => check.name === 'database')).toMatchObject({ ok: false });
      await sleep(Math.max(0, 30_000 - (Date.now() - down)));
      await pg.start();
      const back = Date.now();
      // Stated: within the workers' probe backoff (at most 10 s) + the chunks left.
      const run = await deployment.runEnds(runId, 90_000);
      const recovery = Date.now() - back;
      expect(run).toMatchObject({ status: 'succeeded', error: null });
      await expectCompleteRun(deployment, runId);
      // The outage cost no job a try: nothing failed, every chunk finished on its first.
      expect(await deployment.queue.getFailed()).toHaveLength(0);
      const chunks = (await deployment.queue.getCompleted()).filter((job) => job.name === 'forecast-chunk' && job.data.runId === runId);
      expect(chunks).toHaveLength(12);
      for (const chunk of chunks) expect(chunk.attemptsMade).toBe(1);
      expect((await timedReady(deployment)).status).toBe(200);
      measured.push({ fault: 'PostgreSQL stopped -m immediate for 30 s mid-run', recovery: `/ready 503 in ${ready.ms} ms; run succeeded ${seconds(recovery)} s after PostgreSQL was back, no try spent` });
      await expectNewRunSucceeds(deployment);
      expectJsonLogsOnly(deployment);
    } finally {
      await deployment.close();
    }
  }, 300_000);

  it('faults 3, 4 and 6: with Redis down /ready says 503 within 2 s, POST /runs 503 within 5 s opening no run; errors are logged once with a count; all is back with Redis', async () => {
    const deployment = await deploy();
    try {
      const before = await deployment.runCount();
      // Redis goes away after the API has started (its schedules declared): killed while the API's queue connection is
      // still initialising, BullMQ keeps that failed start for good (see the README's known limits).
      await until('the API to declare its schedules', async () => ((await deployment.schedulers()).length === SCHEDULE_IDS.length ? true : undefined), 30_000);
      await redis.kill();
      await sleep(1000);
      const ready = await timedReady(deployment);
      expect(ready.status).toBe(503);
      expect(ready.ms).toBeLessThan(2000);
      expect(ready.checks.find((check) => check.name === 'redis')).toMatchObject({ ok: false });
      const posted = Date.now();
      const refused = await deployment.call('POST', '/runs');
      const postMs = Date.now() - posted;
      expect(refused.status).toBe(503);
      expect(postMs).toBeLessThan(5000);
      expect(refused.body.error?.message).toMatch(/Redis/);
      expect(await deployment.runCount()).toBe(before);
      expect(await deployment.metric('replen_queue_connected')).toBe(0);
      await sleep(5000);
      await redis.start();
      const back = Date.now();
      await until('/ready to say 200', async () => ((await timedReady(deployment)).status === 200 ? true : undefined), 30_000);
      const readyAgain = Date.now() - back;
      expect(await deployment.metric('replen_queue_connected')).toBe(1);
      await until('the schedules to be declared again', async () => ((await deployment.schedulers()).length === SCHEDULE_IDS.length ? true : undefined), 30_000);
      const schedulesBack = Date.now() - back;
      await expectNewRunSucceeds(deployment);
      // Six seconds of reconnection attempts: one error line per process and kind, then a summary with the count.
      for (const worker of deployment.workers) {
        const errors = worker.lines.filter((line) => line.msg === 'worker connection error');
        expect(errors.length).toBeGreaterThanOrEqual(1);
        expect(errors.length).toBeLessThanOrEqual(3);
        expect(errors[0]).toMatchObject({ level: 50, count: 1, error: expect.stringMatching(/ECONNREFUSED/) });
      }
      expectJsonLogsOnly(deployment);
      measured.push({
        fault: 'Redis down (no run going)',
        recovery: `/ready 503 in ${ready.ms} ms, POST /runs 503 in ${postMs} ms (no run opened); /ready 200 ${seconds(readyAgain)} s and schedules back ${seconds(schedulesBack)} s after Redis returned`,
      });
    } finally {
      await deployment.close();
    }
  }, 300_000);

  it('15.13: the API killed (SIGKILL) mid-run in BullMQ mode and started again: one of each schedule, the run completes', async () => {
    const deployment = await deploy();
    try {
      const runId = await startRun(deployment);
      await deployment.chunksDone(runId, 2);
      await deployment.api.kill('SIGKILL');
      const restarted = Date.now();
      await deployment.startApi();
      const run = await deployment.runEnds(runId, 90_000);
      expect(run.status).toBe('succeeded');
      await expectCompleteRun(deployment, runId);
      expect(await deployment.schedulers()).toEqual(SCHEDULE_IDS);
      // One next occurrence queued per schedule, not two.
      const next = (await deployment.queue.getDelayed()).filter((job) => job.repeatJobKey);
      expect(next.map((job) => job.repeatJobKey).sort()).toEqual(SCHEDULE_IDS);
      measured.push({ fault: 'API SIGKILLed mid-run and started again', recovery: `run succeeded ${seconds(Date.now() - restarted)} s after the restart; ${SCHEDULE_IDS.length} schedules, 1 next job each` });
      await expectNewRunSucceeds(deployment);
    } finally {
      await deployment.close();
    }
  }, 300_000);

  it('15.13: both workers killed (SIGKILL) mid-run and started 10 s later: the run completes with exactly one forecast per SKU × location × week', async () => {
    const deployment = await deploy();
    try {
      const runId = await startRun(deployment);
      await deployment.chunksDone(runId, 3);
      await Promise.all(deployment.workers.map((worker) => worker.kill('SIGKILL')));
      await sleep(10_000);
      const restarted = Date.now();
      await Promise.all([deployment.startWorker(), deployment.startWorker()]);
      // Stated: the killed workers' locks expire (WORKER_LOCK_DURATION_MS, 2 s here, 30 s by default), then the chunks left.
      const run = await deployment.runEnds(runId, 90_000);
      expect(run.status).toBe('succeeded');
      await expectCompleteRun(deployment, runId);
      measured.push({ fault: 'both workers SIGKILLed mid-run, started 10 s later', recovery: `run succeeded ${seconds(Date.now() - restarted)} s after the workers started` });
      await expectNewRunSucceeds(deployment);
    } finally {
      await deployment.close();
    }
  }, 300_000);

  it("15.13: a buyer's approval and an ERP pull during a run lose nothing", async () => {
    const dropFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-fault-drop-'));
    const sourcesFile = path.join(dropFolder, 'sources.json');
    fs.mkdirSync(path.join(dropFolder, 'in'));
    fs.writeFileSync(sourcesFile, JSON.stringify([{ name: 'drop', type: 'csv-folder', folder: 'in', kind: 'daily-sales', settleSeconds: 0 }]));
    const deployment = await deploy({ SOURCES_FILE: sourcesFile });
    try {
      const first = await startRun(deployment);
      expect((await deployment.runEnds(first, 120_000)).status).toBe('succeeded');
      const listed = await deployment.call('GET', '/recommendations?limit=1');
      const recommendation = (listed.body.data as Array<{ id: number; sku: string; version: number }>)[0];
      const { rows: sale } = await deployment.db.raw(
        `select i.sku, l.code as location from daily_sales s join items i on i.id = s.item_id join locations l on l.id = s.location_id order by s.sales_date desc, i.sku limit 1`,
      );

      const runId = await startRun(deployment);
      await deployment.chunksDone(runId, 2);
      const approved = await deployment.call('PATCH', `/recommendations/${recommendation.id}`, { action: 'approve' }, { 'If-Match': `W/"${recommendation.id}-${recommendation.version}"` });
      expect(approved.status).toBe(200);
      fs.writeFileSync(path.join(dropFolder, 'in', 'daily-sales-fault.csv'), `sku,location,sales_date,quantity\n${sale[0].sku},${sale[0].location},2026-06-30,4321\n`);
      const pull = spawnReplen(process.execPath, ['--import', 'tsx', 'src/cli/index.ts', 'pull', '--source', 'drop'], deployment.env);
      expect(await pull.exited()).toEqual({ code: 0, signal: null });

      const run = await deployment.runEnds(runId, 120_000);
      expect(run.status).toBe('succeeded');
      await expectCompleteRun(deployment, runId, { cleanCounts: false });
      const after = await deployment.call('GET', `/recommendations/${recommendation.id}`);
      expect(after.body).toMatchObject({ id: recommendation.id, status: 'approved', version: recommendation.version + 1 });
      const { rows: imported } = await deployment.db.raw(
        `select s.quantity::float8 as quantity from daily_sales s join items i on i.id = s.item_id join locations l on l.id = s.location_id
          where i.sku = ? and l.code = ? and s.sales_date = '2026-06-30'`,
        [sale[0].sku, sale[0].location],
      );
      expect(imported).toEqual([{ quantity: 4321 }]);
      expect(fs.readdirSync(path.join(dropFolder, 'in', 'processed'))).toContain('daily-sales-fault.csv');
    } finally {
      await deployment.close();
      fs.rmSync(dropFolder, { recursive: true, force: true });
    }
  }, 300_000);

  it('fault 5: SIGTERM to `npm run worker` and to `npm start` reaches node, which shuts down cleanly; no process is left behind', async () => {
    const deployment = await deploy();
    await Promise.all(deployment.processes.map((child) => child.kill('SIGTERM')));
    try {
      for (const [script, stopped] of [
        ['worker', 'worker stopping after its current jobs'],
        ['start', 'shutting down'],
      ] as const) {
        const npm = spawnReplen('npm', ['run', '--silent', script], { ...deployment.env, PORT: String(await freePort()) });
        // Killed by close() if this test fails half-way: a live child would keep jest from exiting.
        deployment.processes.push(npm);
        if (script === 'worker') await npm.waitForLog('npm run worker to start', (line) => line.msg === 'worker started', 90_000);
        else await until('the API banner', async () => (npm.otherLines.some((line) => line.includes('replen is serving')) ? true : undefined), 90_000);
        const npmPid = npm.child.pid!;
        // With `exec` in the script, npm's child is node itself.
        const children = execChildren(npmPid);
        expect(children).toHaveLength(1);
        const signalled = Date.now();
        npm.child.kill('SIGTERM');
        const logged = await npm.waitForLog(`node to log "${stopped}"`, (line) => line.msg === stopped, 30_000).catch(() => undefined);
        await npm.exited();
        expect(logged).toMatchObject({ signal: 'SIGTERM' });
        await until('node to exit', async () => (alive(children[0]) ? undefined : true), 15_000);
        measured.push({ fault: `SIGTERM to npm ${script === 'start' ? 'start' : 'run worker'}`, recovery: `node logged "${stopped}" and exited within ${seconds(Date.now() - signalled)} s` });
      }
    } finally {
      await deployment.close();
    }
  }, 300_000);
});

/** The pids of a process's children (procfs: no ps needed). */
function execChildren(pid: number): number[] {
  const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return children === '' ? [] : children.split(/\s+/).map(Number);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
