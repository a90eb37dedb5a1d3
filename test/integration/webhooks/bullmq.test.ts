import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { writeOutboxEvents } from '../../../db/repositories/webhooks';
import { BullmqDispatcher, redisConnection, startWorker } from '../../../jobs/bullmq';
import { loadConfig } from '../../../src/config';
import { createServices } from '../../../src/container';
import { createLogger } from '../../../src/logger';
import { outboxEvent } from '../../../src/services/webhook-service';
import { openTestDb, servicesAvailable, testDatabaseUrl, type TestDb } from '../../helpers/database';
import { redisAvailable, testRedisUrl, uniqueQueueName } from '../../helpers/redis';
import { Receiver, until } from './receiver';

const logger = createLogger('silent');
// The receiver's time limit in the worker process: its lease on a sweep's deliveries is (50 / 10 + 1) × this = 6 s.
const TIMEOUT_MS = 1000;
const config = loadConfig({ WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS) });

const postgres = servicesAvailable();
const redis = postgres.postgres ? redisAvailable() : { ok: false as const, reason: 'no PostgreSQL' };
const describeWithServices = postgres.postgres && redis.ok ? describe : describe.skip;

describeWithServices('webhook deliveries on BullMQ (real Redis, real worker processes)', () => {
  let testDb: TestDb;
  let databaseUrl: string;
  let receiver: Receiver;
  let receiverUrl: string;

  beforeAll(async () => {
    testDb = await openTestDb('postgres');
    const { rows } = await testDb.db.raw('select current_database() as name');
    const url = new URL(testDatabaseUrl());
    url.pathname = `/${rows[0].name}`;
    databaseUrl = url.toString();
    receiver = new Receiver();
    receiverUrl = await receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await testDb.drop();
  });

  async function withQueue(work: (context: { queueName: string; dispatcher: BullmqDispatcher; services: ReturnType<typeof createServices> }) => Promise<void>) {
    const queueName = uniqueQueueName();
    const connection = redisConnection(testRedisUrl());
    const dispatcher = new BullmqDispatcher(connection, queueName);
    const services = createServices({ db: testDb.db, config, logger, dispatcher });
    try {
      await work({ queueName, dispatcher, services });
    } finally {
      await dispatcher.close();
      const queue = new Queue(queueName, { connection });
      await queue.obliterate({ force: true });
      await queue.close();
      connection.disconnect();
    }
  }

  async function register(services: ReturnType<typeof createServices>) {
    const created = await services.webhooks.create({ url: receiverUrl, events: ['backorder.covered'] }, undefined);
    receiver.secret = created.secret;
  }

  it('a BullMQ worker sends a committed outbox event, signed, when the sweep is queued', async () => {
    await withQueue(async ({ queueName, dispatcher, services }) => {
      await register(services);
      receiver.received.length = 0;
      receiver.respond = () => 200;
      const event = outboxEvent('backorder.covered', { salesOrderLineId: 1 });
      await writeOutboxEvents(testDb.db, [event], new Date());
      const connection = redisConnection(testRedisUrl());
      const worker = startWorker({ connection, services, logger, concurrency: 1, queueName });
      try {
        await dispatcher.dispatchWebhookDelivery();
        await until('the receiver to get the event', () => (receiver.received.length > 0 ? true : undefined));
        expect(receiver.received).toEqual([expect.objectContaining({ id: event.id, verified: true, answered: 200 })]);
      } finally {
        await worker.close();
        connection.disconnect();
      }
    });
  });

  it('a worker process killed while sending loses no event: after its lease runs out another worker sends the same id', async () => {
    await withQueue(async ({ queueName, dispatcher, services }) => {
      await testDb.db.raw('delete from webhook_endpoints');
      await register(services);
      receiver.received.length = 0;
      // The first attempt never gets an answer: the worker process is inside the delivery when it is killed.
      receiver.respond = (_event, index) => (index === 0 ? 'hang' : 200);
      const event = outboxEvent('backorder.covered', { salesOrderLineId: 2 });
      await writeOutboxEvents(testDb.db, [event], new Date());

      const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'jobs/worker-main.ts'], {
        cwd: path.resolve(__dirname, '../../..'),
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          DATABASE_URL: databaseUrl,
          REDIS_URL: testRedisUrl(),
          QUEUE_NAME: queueName,
          REPLEN_ADMIN_KEY: 'webhook-kill-test-admin-key-00000',
          WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
          WORKER_CONCURRENCY: '1',
          LOG_LEVEL: 'silent',
        },
      });
      let stderr = '';
      child.stderr?.on('data', (data: Buffer) => (stderr += data.toString()));
      const connection = redisConnection(testRedisUrl());
      let rescuer: ReturnType<typeof startWorker> | undefined;
      try {
        await dispatcher.dispatchWebhookDelivery();
        await until(
          'the worker process to send the event',
          () => {
            if (child.exitCode !== null) throw new Error(`worker process exited with ${child.exitCode}: ${stderr}`);
            return receiver.received.length > 0 ? true : undefined;
          },
          60_000,
        );
        child.kill('SIGKILL');
        await new Promise((resolve) => child.once('exit', resolve));
        const { rows } = await testDb.db.raw(`select status, attempts, leased_until from webhook_deliveries`);
        expect(rows).toEqual([expect.objectContaining({ status: 'pending', attempts: 0, leased_until: expect.anything() })]);

        rescuer = startWorker({ connection, services, logger, concurrency: 1, queueName });
        await until(
          'another worker to send the event once the lease ran out',
          async () => {
            if (receiver.received.some((received) => received.answered === 200)) return true;
            await dispatcher.dispatchWebhookDelivery();
            await new Promise((resolve) => setTimeout(resolve, 500));
            return undefined;
          },
          // The killed process leased for (50 / 10 + 1) × 1 s: its lease is what the rescuer waits out.
          30_000,
        );
        // At least once, never zero times: the same id, possibly twice, and the delivery done.
        expect(new Set(receiver.ids())).toEqual(new Set([event.id]));
        expect(receiver.received.every((received) => received.verified)).toBe(true);
        const { rows: after } = await testDb.db.raw(`select status from webhook_deliveries`);
        expect(after).toEqual([{ status: 'succeeded' }]);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await rescuer?.close();
        connection.disconnect();
      }
    });
  }, 120_000);
});
