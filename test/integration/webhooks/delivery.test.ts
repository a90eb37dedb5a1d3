import request from 'supertest';
import { writeOutboxEvents } from '../../../db/repositories/webhooks';
import { InProcessRunner } from '../../../jobs/in-process-runner';
import { processors } from '../../../jobs/processors';
import { createLogger } from '../../../src/logger';
import { createdWebhookResponse, deliveryPageResponse, webhookResponse } from '../../../src/http/routes/webhooks';
import { createWebhookService, outboxEvent, salesOrderLineKey, type WebhookService } from '../../../src/services/webhook-service';
import { testEngines } from '../../helpers/database';
import { expectShape, openTestApp, type TestApp } from '../../helpers/catalogue';
import { Receiver } from './receiver';

const TIMEOUT_MS = 400;
const settings = { timeoutMs: TIMEOUT_MS, retryHours: 24, retryBaseSeconds: 30, retryMaxSeconds: 3600, disableAfterDays: 3 };

describe.each(testEngines())('webhooks on %s', (engine) => {
  let t: TestApp;
  let receiver: Receiver;
  let receiverUrl: string;
  /** replen's clock in these tests; the receiver's follows it. */
  let clock: Date;
  let webhooks: WebhookService;
  const admin = (method: 'get' | 'post' | 'patch' | 'delete', url: string) => request(t.app)[method](url).set('Authorization', `Bearer ${t.keys.admin}`);
  const advance = (seconds: number) => (clock = new Date(clock.getTime() + seconds * 1000));
  const deliver = () => processors['deliver-webhooks']({}, { webhooks });

  async function register(events: string[]): Promise<number> {
    const created = await admin('post', '/webhooks').send({ url: receiverUrl, events }).expect(201);
    receiver.secret = created.body.secret;
    return created.body.id;
  }

  beforeAll(async () => {
    t = await openTestApp(engine);
    receiver = new Receiver();
    receiverUrl = await receiver.start();
  });
  afterAll(async () => {
    await receiver.close();
    await t.testDb.drop();
  });
  beforeEach(async () => {
    await t.db.raw('delete from webhook_endpoints');
    receiver.received.length = 0;
    receiver.respond = () => 200;
    clock = new Date();
    receiver.nowSeconds = () => Math.floor(clock.getTime() / 1000);
    webhooks = createWebhookService({ db: t.db, settings, now: () => clock });
  });

  it('shows the signing secret once, at registration, and never in the listing', async () => {
    const created = await admin('post', '/webhooks').send({ url: receiverUrl, events: ['backorder.eta_changed'], description: 'ERP' }).expect(201);
    expectShape(createdWebhookResponse, created.body);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(created.headers['cache-control']).toBe('no-store');
    const listed = await admin('get', '/webhooks').expect(200);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
    expectShape(webhookResponse, (await admin('get', `/webhooks/${created.body.id}`).expect(200)).body);
  });

  it.each([
    ['a URL that is not http(s)', { url: 'ftp://127.0.0.1/hook', events: ['backorder.covered'] }, /http or https/],
    ['credentials in the URL', { url: 'https://user:pass@example.test/hook', events: ['backorder.covered'] }, /user name or password/],
    ['a URL that is no URL', { url: 'not a url', events: ['backorder.covered'] }, /not a URL/],
    ['an unknown event', { url: 'https://example.test/hook', events: ['backorder.covered', 'order.shipped'] }, /unknown webhook events: order.shipped/],
    ['no events', { url: 'https://example.test/hook', events: [] }, /request is invalid|too small|events/i],
  ])('answers 400 to %s and stores nothing', async (_name, body, message) => {
    const response = await admin('post', '/webhooks').send(body).expect(400);
    expect(response.body.error.code).toBe('validation_failed');
    expect(JSON.stringify(response.body.error)).toMatch(message);
    expect((await admin('get', '/webhooks').expect(200)).body.data).toEqual([]);
  });

  it('refuses a URL pointing at the API itself, by the Host it was called on', async () => {
    const response = await admin('post', '/webhooks').set('Host', 'replen.example.test:8080').send({ url: 'http://replen.example.test:8080/hooks', events: ['backorder.covered'] }).expect(400);
    expect(response.body.error.message).toMatch(/points at this API/);
    const local = createWebhookService({ db: t.db, apiHosts: ['127.0.0.1:3000'] });
    await expect(local.create({ url: 'http://localhost:3000/x', events: ['backorder.covered'] }, undefined)).rejects.toThrow(/points at this API/);
  });

  it('delivers a signed event with id, type, createdAt and data, and lists the delivery with its status code and duration', async () => {
    const id = await register(['backorder.eta_changed']);
    const event = outboxEvent('backorder.eta_changed', { salesOrderLineId: 7, eta: '2026-12-22', previousEta: '2026-12-08' }, salesOrderLineKey(7));
    await writeOutboxEvents(t.db, [event], clock);
    // An event nobody subscribed to goes nowhere.
    await writeOutboxEvents(t.db, [outboxEvent('backorder.covered', { salesOrderLineId: 7 })], clock);
    expect(await deliver()).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(receiver.received).toEqual([
      { id: event.id, type: 'backorder.eta_changed', createdAt: clock.toISOString(), data: event.data, verified: true, answered: 200 },
    ]);
    const deliveries = (await admin('get', `/webhooks/${id}/deliveries`).expect(200)).body;
    expectShape(deliveryPageResponse, deliveries);
    expect(deliveries.data).toEqual([
      expect.objectContaining({ eventId: event.id, status: 'succeeded', attempts: 1, lastStatusCode: 200, attemptLog: [expect.objectContaining({ statusCode: 200, succeeded: true, durationMs: expect.any(Number) })] }),
    ]);
  });

  it('retries 500s with exponential backoff, the same event id each time, until the receiver answers 200', async () => {
    const id = await register(['backorder.covered']);
    receiver.respond = (_event, index) => (index < 2 ? 500 : 200);
    const event = outboxEvent('backorder.covered', { salesOrderLineId: 1 });
    await writeOutboxEvents(t.db, [event], clock);
    expect(await deliver()).toMatchObject({ attempted: 1, retrying: 1 });
    // Not due yet: the first retry waits 30 s.
    advance(29);
    expect(await deliver()).toMatchObject({ attempted: 0 });
    advance(1);
    expect(await deliver()).toMatchObject({ attempted: 1, retrying: 1 });
    const [second] = (await admin('get', `/webhooks/${id}/deliveries`).expect(200)).body.data;
    // The second retry waits twice as long: 60 s after the second failure.
    expect(new Date(second.nextAttemptAt).getTime() - clock.getTime()).toBe(60_000);
    advance(60);
    expect(await deliver()).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(receiver.ids()).toEqual([event.id, event.id, event.id]);
    expect(receiver.received.every((received) => received.verified)).toBe(true);
    const [delivery] = (await admin('get', `/webhooks/${id}/deliveries`).expect(200)).body.data;
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(delivery.attemptLog.map((attempt: { statusCode: number }) => attempt.statusCode)).toEqual([500, 500, 200]);
  });

  it('counts a receiver that does not answer within the time limit as a failed attempt', async () => {
    const id = await register(['backorder.covered']);
    receiver.respond = () => 'hang';
    await writeOutboxEvents(t.db, [outboxEvent('backorder.covered', { salesOrderLineId: 2 })], clock);
    const started = Date.now();
    expect(await deliver()).toMatchObject({ attempted: 1, retrying: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
    const [delivery] = (await admin('get', `/webhooks/${id}/deliveries`).expect(200)).body.data;
    expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: null, lastError: `no answer within ${TIMEOUT_MS} ms` });
  });

  it('marks a delivery failed after 24 hours of retries, and a manual retry sends the same event again', async () => {
    const id = await register(['backorder.covered']);
    receiver.respond = () => 503;
    const event = outboxEvent('backorder.covered', { salesOrderLineId: 3 });
    await writeOutboxEvents(t.db, [event], clock);
    const started = clock.getTime();
    let sweeps = 0;
    for (; sweeps < 100; sweeps++) {
      await deliver();
      const [delivery] = (await admin('get', `/webhooks/${id}/deliveries`).expect(200)).body.data;
      if (delivery.status === 'failed') break;
      clock = new Date(delivery.nextAttemptAt);
    }
    const [failed] = (await admin('get', `/webhooks/${id}/deliveries`).expect(200)).body.data;
    expect(failed.status).toBe('failed');
    // 30 s doubling up to hourly: 30 s … 32 min (7 attempts, about 64 min), then hourly to 24 h.
    expect(clock.getTime() - started).toBeLessThanOrEqual(24 * 3_600_000);
    expect(clock.getTime() - started).toBeGreaterThan(23 * 3_600_000);
    expect(failed.attempts).toBe(sweeps + 1);

    receiver.respond = () => 200;
    const retried = await admin('post', `/webhooks/${id}/deliveries/${failed.id}/retry`).expect(202);
    expect(retried.body).toMatchObject({ status: 'pending' });
    await deliver();
    expect(receiver.ids().every((received) => received === event.id)).toBe(true);
    expect((await admin('get', `/webhooks/${id}/deliveries`).expect(200)).body.data[0]).toMatchObject({ status: 'succeeded' });
  });

  it('disables an endpoint whose every delivery failed for 3 days, says why, and sends what waited once enabled again', async () => {
    const id = await register(['backorder.covered']);
    receiver.respond = () => 500;
    for (let day = 0; day <= 3; day++) {
      await writeOutboxEvents(t.db, [outboxEvent('backorder.covered', { salesOrderLineId: 100 + day })], clock);
      await deliver();
      advance(86_400 - (day === 2 ? 0 : 1));
    }
    await deliver();
    const endpoint = (await admin('get', `/webhooks/${id}`).expect(200)).body;
    expect(endpoint.enabled).toBe(false);
    expect(endpoint.disabledReason).toMatch(/every delivery failed since .* \(3 days in a row\)/);
    // Events go on waiting for the disabled endpoint: nothing is sent, nothing is dropped.
    await writeOutboxEvents(t.db, [outboxEvent('backorder.covered', { salesOrderLineId: 200 })], clock);
    const before = receiver.received.length;
    await deliver();
    expect(receiver.received.length).toBe(before);

    receiver.respond = () => 200;
    const enabled = (await admin('patch', `/webhooks/${id}`).send({ enabled: true }).expect(200)).body;
    expect(enabled).toMatchObject({ enabled: true, disabledReason: null });
    advance(3600);
    await deliver();
    expect(receiver.received.slice(before).map((event) => event.data.salesOrderLineId)).toContain(200);
  });

  it('keeps the order of events per sales-order line: a later event waits while an earlier one of the line is retried', async () => {
    await register(['backorder.eta_changed']);
    receiver.respond = (event) => (event.data.step === 1 && receiver.received.filter((seen) => seen.data.step === 1).length === 0 ? 500 : 200);
    const first = outboxEvent('backorder.eta_changed', { salesOrderLineId: 9, step: 1 }, salesOrderLineKey(9));
    const second = outboxEvent('backorder.eta_changed', { salesOrderLineId: 9, step: 2 }, salesOrderLineKey(9));
    const otherLine = outboxEvent('backorder.eta_changed', { salesOrderLineId: 10, step: 1 }, salesOrderLineKey(10));
    await writeOutboxEvents(t.db, [first, second, otherLine], clock);
    await deliver();
    // Line 10 is not held up by line 9.
    expect(receiver.ids()).toEqual([first.id, otherLine.id]);
    advance(30);
    await deliver();
    expect(receiver.ids()).toEqual([first.id, otherLine.id, first.id, second.id]);
  });

  it('sends a test event to the endpoint alone through the in-process runner', async () => {
    const id = await register(['recommendation.approved']);
    const runner = new InProcessRunner(createLogger('silent'));
    runner.attach({ ...t.services, webhooks });
    const queued = await admin('post', `/webhooks/${id}/test`).expect(202);
    // The app's service wrote the event on the real clock: this one must be past it.
    clock = new Date(Date.now() + 1000);
    await runner.dispatchWebhookDelivery();
    await runner.idle();
    expect(receiver.received).toEqual([expect.objectContaining({ id: queued.body.eventId, type: 'webhook.test', verified: true })]);
    await runner.close();
  });

  it('loses no event when a sweep dies after claiming: the lease runs out and the next sweep sends it', async () => {
    await register(['backorder.uncovered']);
    const event = outboxEvent('backorder.uncovered', { salesOrderLineId: 4 });
    await writeOutboxEvents(t.db, [event], clock);
    // A sweep that claims and dies before sending: its lease holds the delivery for a while, then lets go.
    const { claimDueDeliveries } = await import('../../../db/repositories/webhooks');
    const claimed = await claimDueDeliveries(t.db, { now: clock, leaseUntil: new Date(clock.getTime() + 10_000), limit: 10, exceptIds: [] });
    expect(claimed.map((delivery) => delivery.eventId)).toEqual([event.id]);
    expect(await deliver()).toMatchObject({ attempted: 0 });
    advance(10);
    expect(await deliver()).toMatchObject({ attempted: 1, succeeded: 1 });
    expect(receiver.ids()).toEqual([event.id]);
  });

  it('answers 404 for an unknown endpoint or delivery and 400 for a malformed id', async () => {
    await admin('get', '/webhooks/999999').expect(404);
    await admin('patch', '/webhooks/999999').send({ enabled: false }).expect(404);
    await admin('delete', '/webhooks/999999').expect(404);
    const id = await register(['backorder.covered']);
    await admin('post', `/webhooks/${id}/deliveries/999999/retry`).expect(404);
    await admin('get', '/webhooks/abc').expect(400);
    await admin('patch', `/webhooks/${id}`).send({}).expect(400);
    await admin('patch', `/webhooks/${id}`).send({ url: 'javascript:alert(1)' }).expect(400);
    await admin('delete', `/webhooks/${id}`).expect(204);
    await admin('get', `/webhooks/${id}`).expect(404);
  });
});
