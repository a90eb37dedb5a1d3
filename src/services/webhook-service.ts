import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  claimDueDeliveries,
  deleteWebhookEndpoint,
  disableFailingEndpoints,
  findWebhookDelivery,
  findWebhookEndpoint,
  insertWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  recordDeliveryAttempts,
  requeueWebhookDelivery,
  updateWebhookEndpoint,
  writeOutboxEvents,
  type AttemptOutcome,
  type ClaimedDelivery,
  type OutboxEvent,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../../db/repositories/webhooks';
import { NotFoundError, ValidationError } from '../errors';
import type { Logger } from '../logger';

/** The events an endpoint may subscribe to (README "Telling customers when their order ships"). */
export const WEBHOOK_EVENT_TYPES = [
  'backorder.eta_changed',
  'backorder.covered',
  'backorder.uncovered',
  'backorder.ready_to_ship',
  'purchase_order.acknowledged',
  'recommendation.approved',
  'exception.opened',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
/** Sent by POST /webhooks/:id/test to that endpoint only. */
export const TEST_EVENT_TYPE = 'webhook.test';

/** An outbox event with a fresh, stable public id: retries of its deliveries all carry this id. */
export function outboxEvent(type: WebhookEventType | typeof TEST_EVENT_TYPE, data: unknown, orderingKey: string | null = null): OutboxEvent {
  return { id: `evt_${randomUUID().replace(/-/g, '')}`, type, orderingKey, data };
}

/** Events about one sales-order line reach every endpoint in the order they were written. */
export const salesOrderLineKey = (salesOrderLineId: number) => `sales-order-line:${salesOrderLineId}`;

/** `Replen-Signature` header value: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body" keyed by the endpoint's secret>`. */
export function signatureHeader(secret: string, body: string, unixSeconds: number): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`;
}

export interface WebhookSettings {
  /** A 2xx within this many milliseconds is success (10 000). */
  timeoutMs: number;
  /** Failed deliveries are retried for this long after the event, then marked failed (24). */
  retryHours: number;
  /** The first retry waits this long, each next one twice as long, up to retryMaxSeconds. */
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  /** An endpoint whose every delivery failed for this many days is disabled (3). */
  disableAfterDays: number;
}

export const defaultWebhookSettings: WebhookSettings = { timeoutMs: 10_000, retryHours: 24, retryBaseSeconds: 30, retryMaxSeconds: 3600, disableAfterDays: 3 };

/** Deliveries one sweep claims at a time, and how many it sends at once. */
const CLAIM_BATCH = 50;
const SEND_CONCURRENCY = 10;

export interface WebhookEndpointInput {
  url: string;
  description?: string;
  events: string[];
}

/** The Host a request to the API came by (host:port): a webhook pointing there would have replen call itself. */
export type RequestHost = string | undefined;

export interface DeliverySweep {
  attempted: number;
  succeeded: number;
  retrying: number;
  failed: number;
  disabledEndpoints: number[];
}

export interface WebhookService {
  create(input: WebhookEndpointInput, requestHost: RequestHost): Promise<WebhookEndpoint & { secret: string }>;
  list(): Promise<WebhookEndpoint[]>;
  get(id: number): Promise<WebhookEndpoint>;
  update(id: number, patch: Partial<WebhookEndpointInput> & { enabled?: boolean }, requestHost: RequestHost): Promise<WebhookEndpoint>;
  remove(id: number): Promise<void>;
  deliveries(id: number, page: { before?: number; limit: number }): Promise<WebhookDelivery[]>;
  /** Queues the delivery again, due at once. */
  retry(id: number, deliveryId: number): Promise<WebhookDelivery>;
  /** Queues a `webhook.test` event to this endpoint alone. */
  sendTest(id: number): Promise<{ eventId: string }>;
  /** Sends every due delivery (the delivery job); loops until none is due. */
  deliverDue(): Promise<DeliverySweep>;
  /** Asks the job runner for a delivery sweep soon (after a transaction that wrote events committed). */
  kick(): void;
}

export function createWebhookService(deps: {
  db: Knex;
  settings?: WebhookSettings;
  now?: () => Date;
  logger?: Logger;
  /** Where this API listens (HOST:PORT), besides the Host of each request. */
  apiHosts?: string[];
  /** Queues a delivery sweep on the job runner; without one, the schedule's sweep sends them. */
  requestDelivery?: () => Promise<void>;
}): WebhookService {
  const { db, logger } = deps;
  const settings = deps.settings ?? defaultWebhookSettings;
  const now = deps.now ?? (() => new Date());
  const selfHosts = (requestHost: RequestHost) => [...(deps.apiHosts ?? []), ...(requestHost ? [requestHost] : [])];

  const requireEndpoint = async (id: number) => {
    const endpoint = await findWebhookEndpoint(db, id);
    if (!endpoint) throw new NotFoundError(`webhook ${id}`);
    return endpoint;
  };

  const kick = () => {
    deps.requestDelivery?.().catch((error: unknown) => logger?.warn({ err: error }, 'could not queue a webhook delivery sweep; the schedule will send them'));
  };

  async function send(delivery: ClaimedDelivery): Promise<AttemptOutcome> {
    const body = JSON.stringify({ id: delivery.eventId, type: delivery.type, createdAt: delivery.eventCreatedAt, data: delivery.data });
    const attemptedAt = now();
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'replen-webhooks',
          'Replen-Event-Id': delivery.eventId,
          'Replen-Signature': signatureHeader(delivery.secret, body, Math.floor(attemptedAt.getTime() / 1000)),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (statusCode < 200 || statusCode > 299) error = `answered ${statusCode}`;
    } catch (caught) {
      const name = (caught as Error).name;
      error = name === 'TimeoutError' || name === 'AbortError' ? `no answer within ${settings.timeoutMs} ms` : describeFetchError(caught);
    }
    const durationMs = Math.round(performance.now() - started);
    if (error === null) return { deliveryId: delivery.deliveryId, attemptedAt, durationMs, statusCode, error, status: 'succeeded', nextAttemptAt: null };
    const nextAttemptAt = nextAttempt(settings, delivery.attempts + 1, attemptedAt);
    const deadline = new Date(new Date(delivery.createdAt).getTime() + settings.retryHours * 3_600_000);
    const exhausted = nextAttemptAt.getTime() > deadline.getTime();
    return { deliveryId: delivery.deliveryId, attemptedAt, durationMs, statusCode, error, status: exhausted ? 'failed' : 'pending', nextAttemptAt: exhausted ? null : nextAttemptAt };
  }

  return {
    async create(input, requestHost) {
      checkUrl(input.url, selfHosts(requestHost));
      const events = checkEvents(input.events);
      const secret = `whsec_${randomBytes(32).toString('base64url')}`;
      const endpoint = await insertWebhookEndpoint(db, { url: input.url, description: input.description ?? '', events, secret });
      return { ...endpoint, secret };
    },

    list: () => listWebhookEndpoints(db),
    get: requireEndpoint,

    async update(id, patch, requestHost) {
      if (patch.url !== undefined) checkUrl(patch.url, selfHosts(requestHost));
      const events = patch.events === undefined ? undefined : checkEvents(patch.events);
      const updated = await updateWebhookEndpoint(db, id, { ...patch, events });
      if (!updated) throw new NotFoundError(`webhook ${id}`);
      if (updated.enabled) kick();
      return updated;
    },

    async remove(id) {
      if (!(await deleteWebhookEndpoint(db, id))) throw new NotFoundError(`webhook ${id}`);
    },

    async deliveries(id, page) {
      await requireEndpoint(id);
      return listWebhookDeliveries(db, id, page);
    },

    async retry(id, deliveryId) {
      await requireEndpoint(id);
      if (!(await requeueWebhookDelivery(db, id, deliveryId, now()))) throw new NotFoundError(`delivery ${deliveryId} of webhook ${id}`);
      kick();
      return (await findWebhookDelivery(db, id, deliveryId))!;
    },

    async sendTest(id) {
      const endpoint = await requireEndpoint(id);
      const event = outboxEvent(TEST_EVENT_TYPE, { webhookId: endpoint.id, message: 'A test event from replen: the signature checks out if you can read this.' });
      await writeOutboxEvents(db, [event], now(), endpoint.id);
      kick();
      return { eventId: event.id };
    },

    async deliverDue() {
      const sweep: DeliverySweep = { attempted: 0, succeeded: 0, retrying: 0, failed: 0, disabledEndpoints: [] };
      const tried: number[] = [];
      for (;;) {
        const started = now();
        // The lease outlives every attempt of the batch (SEND_CONCURRENCY at a time, each within the timeout), plus one
        // timeout's margin to record them; a sweep that died lets its deliveries go after this.
        const leaseMs = (Math.ceil(CLAIM_BATCH / SEND_CONCURRENCY) + 1) * settings.timeoutMs;
        const claimed = await claimDueDeliveries(db, { now: started, leaseUntil: new Date(started.getTime() + leaseMs), limit: CLAIM_BATCH, exceptIds: tried });
        if (claimed.length === 0) return sweep;
        tried.push(...claimed.map((delivery) => delivery.deliveryId));
        const outcomes = await mapLimited(claimed, SEND_CONCURRENCY, send);
        await db.transaction(async (trx) => {
          await recordDeliveryAttempts(trx, outcomes);
          const failingEndpoints = [...new Set(claimed.filter((_, index) => outcomes[index].status !== 'succeeded').map((delivery) => delivery.endpointId))];
          const at = now();
          const disabled = await disableFailingEndpoints(trx, failingEndpoints, {
            since: new Date(at.getTime() - settings.disableAfterDays * 86_400_000),
            now: at,
            reason: (firstFailure) => `every delivery failed since ${firstFailure} (${settings.disableAfterDays} days in a row); fix the receiver and enable it again`,
          });
          sweep.disabledEndpoints.push(...disabled.map((endpoint) => endpoint.id));
          for (const endpoint of disabled) logger?.warn({ webhookId: endpoint.id, reason: endpoint.disabledReason }, 'webhook endpoint disabled');
        });
        sweep.attempted += outcomes.length;
        for (const outcome of outcomes) {
          if (outcome.status === 'succeeded') sweep.succeeded += 1;
          else if (outcome.status === 'failed') sweep.failed += 1;
          else sweep.retrying += 1;
        }
      }
    },

    kick,
  };
}

/** Exponential backoff: retryBaseSeconds after the first failure, doubling, at most retryMaxSeconds. */
export function nextAttempt(settings: WebhookSettings, failedAttempts: number, after: Date): Date {
  const seconds = Math.min(settings.retryBaseSeconds * 2 ** (failedAttempts - 1), settings.retryMaxSeconds);
  return new Date(after.getTime() + seconds * 1000);
}

function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `could not connect: ${cause.code}` : `could not send: ${(error as Error).message}`;
}

const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]', '::1', '0.0.0.0', '[::]']);
const defaultPort = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');

/** http(s) only, no user name or password in it, not the API itself. */
function checkUrl(raw: string, selfHosts: string[]): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError(`webhook url ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError(`webhook url must be http or https, not ${url.protocol.replace(':', '')}`);
  if (url.username || url.password) throw new ValidationError('webhook url must not carry a user name or password: the signature authenticates replen to the receiver');
  const port = defaultPort(url);
  for (const host of selfHosts) {
    const [selfName, selfPort] = splitHost(host);
    const sameName = selfName === url.hostname || (loopbackHosts.has(selfName) && loopbackHosts.has(url.hostname));
    if (sameName && selfPort === port) throw new ValidationError(`webhook url points at this API (${host}): replen would be calling itself`);
  }
}

function splitHost(host: string): [string, string] {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host.toLowerCase());
  return match ? [match[1], match[2] ?? '80'] : [host.toLowerCase(), '80'];
}

function checkEvents(events: string[]): string[] {
  const unknown = events.filter((event) => !(WEBHOOK_EVENT_TYPES as readonly string[]).includes(event));
  if (unknown.length > 0) throw new ValidationError(`unknown webhook events: ${unknown.join(', ')} (known: ${WEBHOOK_EVENT_TYPES.join(', ')})`, { unknown });
  return [...new Set(events)];
}

async function mapLimited<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(lanes);
  return results;
}
