import request from 'supertest';
import type { Express } from 'express';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { seedDemoData } from '../../../db/seeds/demo';
import { InProcessRunner } from '../../../jobs/in-process-runner';
import { openTestDb, testEngines, type TestDb } from '../../helpers/database';
import { insertItem, insertLocation, insertRecommendation, insertRun, openTestApp, type TestApp } from '../../helpers/catalogue';

/** The value of the one sample of `name` whose labels include `labels`, from Prometheus text; undefined when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const matches = text
    .split('\n')
    .map((line) => /^(\w+)(?:\{(.*)\})? (\S+)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && match[1] === name)
    .filter((match) => {
      const present = Object.fromEntries([...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
      return Object.entries(labels).every(([key, value]) => present[key] === value);
    });
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0] ? Number(matches[0][3]) : undefined;
}

describe.each(testEngines())('GET /metrics on %s', (engine) => {
  let t: TestApp;
  const scrape = async () => (await request(t.app).get('/metrics').set('Authorization', `Bearer ${t.keys.viewer}`).expect(200)).text;

  beforeAll(async () => {
    t = await openTestApp(engine);
  });
  afterAll(() => t.testDb.drop());

  it('needs a key (401) and answers any role in the Prometheus text format', async () => {
    await request(t.app).get('/metrics').expect(401);
    const response = await request(t.app).get('/metrics').set('Authorization', `Bearer ${t.keys.viewer}`).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(response.text).toContain('# TYPE replen_http_request_duration_seconds histogram');
    expect(response.text).toContain('# TYPE replen_job_duration_seconds histogram');
    expect(response.text).toContain('# TYPE replen_skus_planned_total counter');
  });

  it('counts requests under their route pattern and status, not the raw URL', async () => {
    const before = await scrape();
    const runs = { method: 'GET', route: '/runs', status: '200' };
    const missingRun = { method: 'GET', route: '/runs/:id', status: '404' };
    await request(t.app).get('/runs').set('Authorization', `Bearer ${t.keys.viewer}`).expect(200);
    await request(t.app).get('/runs').set('Authorization', `Bearer ${t.keys.viewer}`).expect(200);
    await request(t.app).get('/runs/424242').set('Authorization', `Bearer ${t.keys.viewer}`).expect(404);
    await request(t.app).get('/no/such/path/31337').expect(404);

    const after = await scrape();
    const count = (text: string, labels: Record<string, string>) => sample(text, 'replen_http_request_duration_seconds_count', labels) ?? 0;
    expect(count(after, runs) - count(before, runs)).toBe(2);
    expect(count(after, missingRun) - count(before, missingRun)).toBe(1);
    expect(count(after, { route: 'unmatched', status: '404' }) - count(before, { route: 'unmatched', status: '404' })).toBe(1);
    expect(sample(after, 'replen_http_request_duration_seconds_sum', runs)).toBeGreaterThan(0);
    expect(after).not.toContain('424242');
    expect(after).not.toContain('31337');
  });

  it('reports the recommendations of the latest succeeded run by status, read on each scrape', async () => {
    const locationId = await insertLocation(t.db);
    const olderRun = await insertRun(t.db);
    await insertRecommendation(t.db, { runId: olderRun, itemId: await insertItem(t.db), locationId, supplierId: null, status: 'approved' });
    const runId = await insertRun(t.db);
    for (const status of ['proposed', 'proposed', 'proposed', 'approved', 'rejected'] as const) {
      await insertRecommendation(t.db, { runId, itemId: await insertItem(t.db), locationId, supplierId: null, status });
    }
    await insertRun(t.db, { status: 'failed' });

    const text = await scrape();
    const byStatus = Object.fromEntries(
      ['proposed', 'approved', 'rejected', 'exported'].map((status) => [status, sample(text, 'replen_recommendations', { status })]),
    );
    expect(byStatus).toEqual({ proposed: 3, approved: 1, rejected: 1, exported: 0 });

    await t.db.raw(`update recommendations set status = 'approved' where run_id = ? and status = 'proposed'`, [runId]);
    expect(sample(await scrape(), 'replen_recommendations', { status: 'approved' })).toBe(4);
  });
});

describe('job metrics of a pipeline run in-process on PGlite', () => {
  let testDb: TestDb;
  let runner: InProcessRunner;
  let services: Services;
  let app: Express;
  let key: string;

  beforeAll(async () => {
    testDb = await openTestDb('pglite');
    await seedDemoData(testDb.db, { skuCount: 8, endDate: '2026-06-30', seed: 3 });
    const logger = createLogger('silent');
    runner = new InProcessRunner(logger);
    services = createServices({ db: testDb.db, config: loadConfig({ FORECAST_CHUNK_SIZE: '4', HISTORY_WEEKS: '104' }), logger, dispatcher: runner });
    runner.attach(services);
    app = createApp({ services, logger });
    key = (await services.apiKeys.create({ name: 'prometheus', role: 'viewer' })).key;
  });
  afterAll(async () => {
    await runner.close();
    await testDb.drop();
  });

  it('observes every forecast chunk and the plan step, and counts the SKUs the run planned', async () => {
    const { runId, chunks } = await services.pipeline.startRun('test');
    await runner.idle();
    const run = await services.pipeline.getRun(runId);
    expect(run.status).toBe('succeeded');

    const text = (await request(app).get('/metrics').set('Authorization', `Bearer ${key}`).expect(200)).text;
    expect(sample(text, 'replen_job_duration_seconds_count', { job: 'forecast-chunk', outcome: 'succeeded' })).toBe(chunks);
    expect(sample(text, 'replen_job_duration_seconds_count', { job: 'plan-run', outcome: 'succeeded' })).toBe(1);
    expect(run.counts.plannedItems).toBeGreaterThan(0);
    expect(sample(text, 'replen_skus_planned_total')).toBe(run.counts.plannedItems);
  });

  it('labels a job that throws as failed', async () => {
    await expect(services.pipeline.planRun(987654)).rejects.toThrow(/not found/);
    const text = (await request(app).get('/metrics').set('Authorization', `Bearer ${key}`).expect(200)).text;
    expect(sample(text, 'replen_job_duration_seconds_count', { job: 'plan-run', outcome: 'failed' })).toBe(1);
  });
});
