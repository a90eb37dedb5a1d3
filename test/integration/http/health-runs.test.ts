import request from 'supertest';
import type { Express } from 'express';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { createLogger } from '../../../src/logger';
import { runDetailResponse, runPageResponse, startedRunResponse } from '../../../src/http/routes/runs';
import type { ItemRange, RunDispatcher } from '../../../jobs/dispatcher';
import { openTestDb, testEngines, type TestDb } from '../../helpers/database';
import { expectShape, insertLocation, insertRecommendation, insertRun, insertSourcedItem, insertSupplier } from '../../helpers/catalogue';

/** Records dispatched runs instead of running them, so a run stays "running" for the conflict test. */
class RecordingDispatcher implements RunDispatcher {
  readonly dispatched: Array<{ runId: number; chunks: ItemRange[] }> = [];
  async dispatchRun(runId: number, chunks: ItemRange[]): Promise<void> {
    this.dispatched.push({ runId, chunks });
  }
}

describe.each(testEngines())('health, readiness and runs over HTTP on %s', (engine) => {
  let testDb: TestDb;
  let app: Express;
  let keys: Record<'viewer' | 'admin', string>;
  let services: ReturnType<typeof createServices>;
  const dispatcher = new RecordingDispatcher();

  beforeAll(async () => {
    testDb = await openTestDb(engine);
    const logger = createLogger('silent');
    services = createServices({ db: testDb.db, config: loadConfig({}), logger, dispatcher });
    app = createApp({ services, logger });
    keys = {
      viewer: (await services.apiKeys.create({ name: 'v', role: 'viewer' })).key,
      admin: (await services.apiKeys.create({ name: 'a', role: 'admin' })).key,
    };
  });
  afterAll(() => testDb.drop());

  it('GET /health answers without a key', async () => {
    const response = await request(app).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('GET /ready reports the database reachable, no migration pending and no run without progress', async () => {
    const response = await request(app).get('/ready').expect(200);
    expect(response.body.ready).toBe(true);
    expect(response.body.checks.map((check: { name: string; ok: boolean }) => [check.name, check.ok])).toEqual([
      ['database', true],
      ['migrations', true],
      ['runs', true],
    ]);
  });

  it('GET /runs needs a key (401) and POST /runs needs the admin role (403)', async () => {
    const missing = await request(app).get('/runs').expect(401);
    expect(missing.body.error.code).toBe('unauthorized');
    await request(app).get('/runs').set('Authorization', 'Bearer rpl_not_a_key').expect(401);
    const forbidden = await request(app).post('/runs').set('Authorization', `Bearer ${keys.viewer}`).expect(403);
    expect(forbidden.body.error.code).toBe('forbidden');
  });

  it('POST /runs starts a run and a second start gets 409 naming the running run', async () => {
    const started = await request(app).post('/runs').set('Authorization', `Bearer ${keys.admin}`).send({ trigger: 'test' }).expect(202);
    expect(started.body.runId).toEqual(expect.any(Number));
    expectShape(startedRunResponse, started.body);
    expect(dispatcher.dispatched.map((run) => run.runId)).toContain(started.body.runId);

    const second = await request(app).post('/runs').set('Authorization', `Bearer ${keys.admin}`).expect(409);
    expect(second.body.error.details).toEqual({ runningRunId: started.body.runId });

    const shown = await request(app).get(`/runs/${started.body.runId}`).set('Authorization', `Bearer ${keys.viewer}`).expect(200);
    expect(shown.body).toMatchObject({ id: started.body.runId, status: 'running', trigger: 'test', counts: { chunks: 0, items: 0 } });
    expectShape(runDetailResponse, shown.body);
    const listed = await request(app).get('/runs').set('Authorization', `Bearer ${keys.viewer}`).expect(200);
    expect(listed.body.data[0].id).toBe(started.body.runId);
    expectShape(runPageResponse, listed.body);
  });

  it('answers 404 for an unknown run and 400 for a malformed id or query', async () => {
    await request(app).get('/runs/999999').set('Authorization', `Bearer ${keys.viewer}`).expect(404);
    const malformed = await request(app).get('/runs/abc').set('Authorization', `Bearer ${keys.viewer}`).expect(400);
    expect(malformed.body.error.code).toBe('validation_failed');
    await request(app).get('/runs?limit=100000').set('Authorization', `Bearer ${keys.viewer}`).expect(400);
    await request(app).get('/runs?unknown=1').set('Authorization', `Bearer ${keys.viewer}`).expect(400);
  });

  it('GET /runs and /runs/:id show prunedAt once housekeeping has thinned a run, null for a whole run', async () => {
    const db = testDb.db;
    const supplierId = await insertSupplier(db);
    const locationId = await insertLocation(db);
    const itemId = await insertSourcedItem(db, { supplierId });
    // Past the 90-day retention, holding a rejected recommendation: housekeeping keeps its row and marks it pruned.
    const oldRun = await insertRun(db, { status: 'succeeded' });
    await db.raw(`update forecast_runs set started_at = now() - interval '200 days', finished_at = now() - interval '200 days' where id = ?`, [oldRun]);
    await insertRecommendation(db, { runId: oldRun, itemId, locationId, supplierId, status: 'rejected' });
    const latestRun = await insertRun(db, { status: 'succeeded' });

    const before = await request(app).get(`/runs/${oldRun}`).set('Authorization', `Bearer ${keys.viewer}`).expect(200);
    expect(before.body.prunedAt).toBeNull();
    const pruned = await services.pipeline.pruneRuns();
    expect(pruned).toMatchObject({ runsThinned: 1, runsDeleted: 0 });

    const shown = await request(app).get(`/runs/${oldRun}`).set('Authorization', `Bearer ${keys.viewer}`).expect(200);
    expectShape(runDetailResponse, shown.body);
    expect(Date.parse(shown.body.prunedAt)).toBeGreaterThan(Date.parse(shown.body.finishedAt));
    expect(new Date(shown.body.prunedAt).toISOString()).toBe(shown.body.prunedAt);
    const listed = await request(app).get('/runs').set('Authorization', `Bearer ${keys.viewer}`).expect(200);
    expectShape(runPageResponse, listed.body);
    const prunedById = Object.fromEntries(listed.body.data.map((run: { id: number; prunedAt: string | null }) => [run.id, run.prunedAt]));
    expect(prunedById).toMatchObject({ [oldRun]: shown.body.prunedAt, [latestRun]: null });
  });

  it('rejects a body that is not JSON with a 400 and no stack trace', async () => {
    const response = await request(app)
      .post('/runs')
      .set('Authorization', `Bearer ${keys.admin}`)
      .set('Content-Type', 'application/json')
      .send('{not json')
      .expect(400);
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts/);
  });
});
