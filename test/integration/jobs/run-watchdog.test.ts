import { execFile } from 'node:child_process';
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { ServiceUnavailableError } from '../../../src/errors';
import { createApp } from '../../../src/http/app';
import { listen } from '../../../src/http/server';
import { resumedRunResponse, runResponse } from '../../../src/http/routes/runs';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { completeChunk } from '../../../db/repositories/runs';
import { seedDemoData } from '../../../db/seeds/demo';
import type { ItemRange, RunDispatcher } from '../../../jobs/dispatcher';
import { expectShape } from '../../helpers/catalogue';
import { openTestDb, testEngines, type TestDb } from '../../helpers/database';

/** Records dispatches; whether they still have jobs, and whether the queue answers, is up to the test. */
class ControlledDispatcher implements RunDispatcher {
  readonly dispatched: Array<{ runId: number; chunks: ItemRange[]; dispatch: number }> = [];
  live = true;
  reachable = true;
  refuseDispatch = false;
  async dispatchRun(runId: number, chunks: ItemRange[], dispatch = 1): Promise<void> {
    if (this.refuseDispatch) throw new Error('queueing the run in Redis: no answer within 5000 ms');
    this.dispatched.push({ runId, chunks, dispatch });
  }
  async hasLiveJobs(): Promise<boolean> {
    return this.live;
  }
  async ensureReachable(): Promise<void> {
    if (!this.reachable) throw new ServiceUnavailableError('the job queue (Redis) is unreachable (connection reconnecting); try again once it is back');
  }
}

describe.each(testEngines())('runs that lose their jobs: cancel, resume and the watchdog on %s', (engine) => {
  let testDb: TestDb;
  let services: Services;
  let app: Express;
  let admin: string;
  let dispatcher: ControlledDispatcher;
  const stallSeconds = 60;

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    await seedDemoData(testDb.db, { skuCount: 20, endDate: '2026-06-30', seed: 7 });
    const logger = createLogger('silent');
    dispatcher = new ControlledDispatcher();
    const config = loadConfig({ FORECAST_CHUNK_SIZE: '7', RUN_STALL_SECONDS: String(stallSeconds), RUN_MAX_DISPATCHES: '2' });
    services = createServices({ db: testDb.db, config, logger, dispatcher });
    app = createApp({ services, logger });
    admin = (await services.apiKeys.create({ name: 'a', role: 'admin' })).key;
  });
  afterAll(() => testDb.drop());
  beforeEach(async () => {
    await testDb.db.raw(`update forecast_runs set status = 'failed', finished_at = now() where status = 'running'`);
    Object.assign(dispatcher, { live: true, reachable: true, refuseDispatch: false });
    dispatcher.dispatched.length = 0;
  });

  const post = (path: string) => request(app).post(path).set('Authorization', `Bearer ${admin}`);
  const runCount = async () => (await testDb.db.raw('select count(*)::int as n from forecast_runs')).rows[0].n as number;
  /** Moves a run's start and dispatch back in time, as if it had gone that long without progress. */
  const age = (runId: number, seconds: number) =>
    testDb.db.raw(`update forecast_runs set started_at = started_at - make_interval(secs => ?), dispatched_at = dispatched_at - make_interval(secs => ?) where id = ?`, [
      seconds,
      seconds,
      runId,
    ]);

  it('POST /runs answers 503 and opens no run while the queue is unreachable, or when the dispatch fails', async () => {
    const before = await runCount();
    dispatcher.reachable = false;
    const refused = await post('/runs').expect(503);
    expect(refused.body.error).toMatchObject({ code: 'not_ready', message: expect.stringContaining('Redis') });
    dispatcher.reachable = true;
    dispatcher.refuseDispatch = true;
    const failed = await post('/runs').expect(503);
    expect(failed.body.error.message).toMatch(/could not queue run \d+: queueing the run in Redis: no answer/);
    expect(await runCount()).toBe(before);
    dispatcher.refuseDispatch = false;
    await post('/runs').expect(202);
  });

  it('POST /runs/:id/cancel fails a running run; a second cancel is 409', async () => {
    const { body } = await post('/runs').expect(202);
    const cancelled = await post(`/runs/${body.runId}/cancel`).expect(200);
    expect(cancelled.body).toMatchObject({ id: body.runId, status: 'failed', error: 'cancelled by an admin' });
    expectShape(runResponse, cancelled.body);
    const again = await post(`/runs/${body.runId}/cancel`).expect(409);
    expect(again.body.error.message).toBe(`run ${body.runId} is not running (failed)`);
    await post('/runs/987654/cancel').expect(404);
  });

  it('POST /runs/:id/resume dispatches only the unfinished chunks once the jobs are gone (409 while they are queued)', async () => {
    const { body } = await post('/runs').expect(202);
    const [first] = dispatcher.dispatched;
    expect(first).toMatchObject({ runId: body.runId, dispatch: 1 });
    expect(first.chunks.length).toBe(body.chunks);
    await completeChunk(testDb.db, body.runId, first.chunks[1].firstItemId, { forecastedSeries: 7 });

    const queued = await post(`/runs/${body.runId}/resume`).expect(409);
    expect(queued.body.error.message).toBe(`run ${body.runId} still has jobs in the queue; cancel it first or let them finish`);

    dispatcher.live = false;
    const resumed = await post(`/runs/${body.runId}/resume`).expect(202);
    expectShape(resumedRunResponse, resumed.body);
    expect(resumed.body).toEqual({ runId: body.runId, chunks: body.chunks - 1, dispatch: 2 });
    expect(dispatcher.dispatched[1]).toEqual({ runId: body.runId, dispatch: 2, chunks: first.chunks.filter((_, index) => index !== 1) });
  });

  it('a failed run is resumed as running again, unless another run is running', async () => {
    const { body } = await post('/runs').expect(202);
    await post(`/runs/${body.runId}/cancel`).expect(200);
    const other = await post('/runs').expect(202);
    const blocked = await post(`/runs/${body.runId}/resume`).expect(409);
    expect(blocked.body.error.message).toBe(`run ${body.runId} cannot be resumed: another run is running or it was pruned`);
    await post(`/runs/${other.body.runId}/cancel`).expect(200);
    dispatcher.live = false;
    await post(`/runs/${body.runId}/resume`).expect(202);
    expect(await services.pipeline.getRun(body.runId)).toMatchObject({ status: 'running', error: null, finishedAt: null });
  });

  it('the watchdog leaves a run alone while it progresses or has jobs, dispatches it again once stalled, then fails it with the reason', async () => {
    const { body } = await post('/runs').expect(202);
    dispatcher.live = false;
    expect(await services.pipeline.recoverStalledRuns()).toEqual([]);
    await age(body.runId, stallSeconds + 5);
    dispatcher.live = true;
    expect(await services.pipeline.recoverStalledRuns()).toEqual([]);

    dispatcher.live = false;
    expect(await services.pipeline.recoverStalledRuns()).toEqual([{ runId: body.runId, action: 'dispatched' }]);
    expect(dispatcher.dispatched.at(-1)).toMatchObject({ runId: body.runId, dispatch: 2, chunks: dispatcher.dispatched[0].chunks });
    // The dispatch is progress: not stalled again until stallSeconds pass once more.
    expect(await services.pipeline.recoverStalledRuns()).toEqual([]);

    await age(body.runId, stallSeconds + 5);
    expect(await services.pipeline.recoverStalledRuns()).toEqual([{ runId: body.runId, action: 'failed' }]);
    const run = await services.pipeline.getRun(body.runId);
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/^stalled: no progress for 6\d s and its jobs are gone from the queue, after 2 dispatches$/);
    const metrics = await services.metrics.registry.getSingleMetricAsString('replen_run_stuck_total');
    expect(metrics).toContain('replen_run_stuck_total 2');
    await post('/runs').expect(202);
  });

  it('/ready names a run going without progress and /metrics shows how long it has run', async () => {
    const { body } = await post('/runs').expect(202);
    await age(body.runId, stallSeconds + 30);
    const ready = await request(app).get('/ready').expect(200);
    expect(ready.body.checks).toContainEqual({ name: 'runs', ok: true, detail: expect.stringMatching(new RegExp(`^run ${body.runId} running 9\\d s, no progress for 9\\d s$`)) });
    const gauge = await services.metrics.registry.getSingleMetricAsString('replen_run_running_seconds');
    expect(Number(/^replen_run_running_seconds (\S+)$/m.exec(gauge)![1])).toBeGreaterThanOrEqual(90);
  });
});

describe('replen run: list, cancel and resume through the running server', () => {
  let testDb: TestDb;
  let server: http.Server;
  let url: string;
  let adminKey: string;
  const dispatcher = new ControlledDispatcher();

  beforeAll(async () => {
    testDb = await openTestDb('pglite');
    await seedDemoData(testDb.db, { skuCount: 10, endDate: '2026-06-30', seed: 7 });
    const logger = createLogger('silent');
    const services = createServices({ db: testDb.db, config: loadConfig({ FORECAST_CHUNK_SIZE: '4' }), logger, dispatcher });
    adminKey = (await services.apiKeys.create({ name: 'cli', role: 'admin' })).key;
    server = await listen(createApp({ services, logger }), { host: '127.0.0.1', port: 0, headersTimeoutSeconds: 10, requestTimeoutSeconds: 60 });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await testDb.drop();
  });

  /** The command in a child process; asynchronously, as the server it calls runs in this one. */
  const cli = (...args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'src/cli/index.ts', 'run', ...args],
        { cwd: path.resolve(__dirname, '../../..'), env: { ...process.env, NODE_OPTIONS: '', REPLEN_ADMIN_KEY: adminKey }, encoding: 'utf8' },
        (error, stdout, stderr) => resolve({ status: error ? Number(error.code) : 0, stdout, stderr }),
      );
    });

  it('lists the runs, cancels a running one, resumes it, and says why it cannot', async () => {
    const started = await request(server).post('/runs').set('Authorization', `Bearer ${adminKey}`).expect(202);
    const runId = started.body.runId as number;
    const listed = await cli('list', '--url', url);
    expect(listed.status).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${runId}\\trunning\\tapi\\t\\S+\\t0/3 chunks\\n`));

    const cancelled = await cli('cancel', '--id', String(runId), '--url', url);
    expect({ status: cancelled.status, stdout: cancelled.stdout }).toEqual({ status: 0, stdout: `run ${runId} failed: cancelled by an admin\n` });
    const again = await cli('cancel', '--id', String(runId), '--url', url);
    expect({ status: again.status, stderr: again.stderr }).toEqual({ status: 1, stderr: `replen run: the server at ${url} answered 409: run ${runId} is not running (failed)\n` });

    dispatcher.live = false;
    const resumed = await cli('resume', '--id', String(runId), '--url', url);
    expect({ status: resumed.status, stdout: resumed.stdout }).toEqual({ status: 0, stdout: `run ${runId} dispatched again (dispatch 2): 3 chunks left\n` });

    const usage = await cli('resume', '--url', url);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^replen run: resume needs --id\nusage: replen run list/);
  }, 120_000);
});
