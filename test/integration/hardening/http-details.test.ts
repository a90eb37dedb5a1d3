import { Writable } from 'node:stream';
import request from 'supertest';
import { createApp } from '../../../src/http/app';
import { createLogger } from '../../../src/logger';
import { openTestApp, type TestApp } from '../../helpers/catalogue';
import { testEngines } from '../../helpers/database';
import { databaseFingerprint } from './helpers';

/** The JSON lines a logger writes, for reading back. */
function logLines() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

/** Item 11 of issue 15: 405 with Allow, request ids, request log lines. */
describe.each(testEngines())('HTTP details on %s', (engine) => {
  let testApp: TestApp;
  beforeAll(async () => {
    testApp = await openTestApp(engine);
  });
  afterAll(() => testApp.testDb.drop());

  it('11. answers 405 with Allow for a method a route does not serve, keeps only short X-Request-Ids, logs one line per request without headers at info', async () => {
    const info = logLines();
    const app = createApp({ services: testApp.services, logger: createLogger('info', info.stream) });
    const before = await databaseFingerprint(testApp.db);

    const put = await request(app).put('/recommendations/5').set('Authorization', `Bearer ${testApp.keys.admin}`).send({ action: 'approve' }).expect(405);
    expect(put.headers.allow).toBe('GET, HEAD, PATCH');
    expect(put.body).toEqual({ error: { code: 'method_not_allowed', message: 'PUT is not allowed on /recommendations/5', details: { allow: ['GET', 'HEAD', 'PATCH'] } } });
    expect((await request(app).delete('/runs').expect(405)).headers.allow).toBe('GET, HEAD, POST');
    expect((await request(app).post('/health').expect(405)).headers.allow).toBe('GET, HEAD');
    expect((await request(app).patch('/keys').expect(405)).headers.allow).toBe('GET, HEAD, POST');
    await request(app).get('/no-such-route').expect(404);
    expect(await databaseFingerprint(testApp.db)).toEqual(before);

    const viewer = `Bearer ${testApp.keys.viewer}`;
    const kept = await request(app).get('/locations').set('Authorization', viewer).set('X-Request-Id', 'erp-7f3a.1:2').expect(200);
    expect(kept.headers['x-request-id']).toBe('erp-7f3a.1:2');
    for (const given of ['x'.repeat(10_000), '<script>alert(1)</script>', 'two words']) {
      const replaced = await request(app).get('/locations').set('Authorization', viewer).set('X-Request-Id', given).expect(200);
      expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    }

    const lines = info.lines.filter((line) => line.msg === 'request');
    expect(lines).toHaveLength(8); // /health is not logged
    expect(lines[0]).toEqual({
      level: 30,
      time: expect.any(Number),
      pid: expect.any(Number),
      hostname: expect.any(String),
      reqId: expect.any(String),
      method: 'PUT',
      route: 'unmatched',
      status: 405,
      ms: expect.any(Number),
      msg: 'request',
    });
    expect(lines[4]).toMatchObject({ reqId: 'erp-7f3a.1:2', method: 'GET', route: '/locations', status: 200 });
    expect(JSON.stringify(info.lines)).not.toContain(testApp.keys.viewer);
    expect(JSON.stringify(info.lines)).not.toContain('headers');
  });

  it('11. logs the URL and headers at debug level, the authorization and cookies redacted', async () => {
    const debug = logLines();
    const app = createApp({ services: testApp.services, logger: createLogger('debug', debug.stream) });
    await request(app).get('/skus?search=SKU').set('Authorization', `Bearer ${testApp.keys.viewer}`).set('Cookie', 'session=secret').expect(200);
    const [line] = debug.lines.filter((entry) => entry.msg === 'request');
    expect(line).toMatchObject({
      method: 'GET',
      route: '/skus',
      status: 200,
      url: '/skus?search=SKU',
      headers: expect.objectContaining({ authorization: '[redacted]', cookie: '[redacted]' }),
    });
    expect(JSON.stringify(debug.lines)).not.toContain(testApp.keys.viewer);
  });
});
