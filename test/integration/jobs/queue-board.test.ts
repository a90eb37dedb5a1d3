import { Queue } from 'bullmq';
import request from 'supertest';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createApp } from '../../../src/http/app';
import { createLogger } from '../../../src/logger';
import type { Services } from '../../../src/services';
import { redisConnection } from '../../../jobs/bullmq';
import { queueBoardRouter } from '../../../jobs/queue-board';
import { openTestDb, type TestDb } from '../../helpers/database';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';

const logger = createLogger('silent');
const redis = redisAvailable();
const describeWithRedis = redis.ok ? describe : describe.skip;

describeWithRedis('Bull Board at /admin/queues', () => {
  let testDb: TestDb;
  let services: Services;
  let connection: ReturnType<typeof redisConnection>;
  let queue: Queue;
  const queueName = uniqueQueueName();
  const keys: Record<'viewer' | 'admin', string> = { viewer: '', admin: '' };

  beforeAll(async () => {
    testDb = await openTestDb('pglite');
    services = createServices({ db: testDb.db, config: loadConfig({}), logger, dispatcher: { dispatchRun: async () => {} } });
    for (const role of ['viewer', 'admin'] as const) keys[role] = (await services.apiKeys.create({ name: role, role })).key;
    connection = redisConnection(testRedisUrl());
    queue = new Queue(queueName, { connection });
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    await testDb.drop();
  });

  it('answers 401 without a key and 403 to a viewer key', async () => {
    const app = createApp({ services, logger, queueBoard: queueBoardRouter(queue) });
    expect((await request(app).get('/admin/queues')).status).toBe(401);
    expect((await request(app).get('/admin/queues').set('Authorization', `Bearer ${keys.viewer}`)).status).toBe(403);
    expect((await request(app).get('/admin/queues/api/queues').set('Authorization', `Bearer ${keys.viewer}`)).status).toBe(403);
  });

  it('serves the board and its queue list to an admin key', async () => {
    const app = createApp({ services, logger, queueBoard: queueBoardRouter(queue) });
    const page = await request(app).get('/admin/queues').set('Authorization', `Bearer ${keys.admin}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<div id="root">');
    const api = await request(app).get('/admin/queues/api/queues').set('Authorization', `Bearer ${keys.admin}`);
    expect(api.status).toBe(200);
    expect(api.body.queues.map((entry: { name: string }) => entry.name)).toEqual([queueName]);
  });

  it('is not mounted when the app gets no board (no REDIS_URL)', async () => {
    const app = createApp({ services, logger });
    expect((await request(app).get('/admin/queues').set('Authorization', `Bearer ${keys.admin}`)).status).toBe(404);
  });
});
