import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service';
import { WEBHOOK_EVENT_TYPES, type WebhookService } from '../../services/webhook-service';
import { requirePermission } from '../auth';
import { decimalInteger, MAX_INTEGER } from '../schemas';

/** Request and response schemas of /webhooks: the handlers parse with them and src/http/openapi.ts documents them. */
const webhookId = decimalInteger(z.number().int().positive().max(MAX_INTEGER));
const deliveryId = decimalInteger(z.number().int().positive().max(Number.MAX_SAFE_INTEGER));
export const webhookParams = z.strictObject({ id: webhookId });
export const deliveryParams = z.strictObject({ id: webhookId, deliveryId });
/** Any string here: the service names unknown events in its 400, with the list of known ones. */
const events = z.array(z.string().min(1).max(100)).min(1).max(WEBHOOK_EVENT_TYPES.length + 10).describe(`Any of: ${WEBHOOK_EVENT_TYPES.join(', ')}.`);
const url = z.string().min(1).max(2000).describe('http or https, without user name or password, not this API.');
export const createWebhookBody = z.strictObject({ url, events, description: z.string().max(500).optional() });
export const updateWebhookBody = z
  .strictObject({ url: url.optional(), events: events.optional(), description: z.string().max(500).optional(), enabled: z.boolean().optional() })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');
export const deliveryListQuery = z.strictObject({
  before: deliveryId.optional().describe('A delivery id: list the deliveries before it (nextCursor of the previous page).'),
  limit: decimalInteger(z.number().int().min(1).max(200).default(50)),
});

const instant = z.iso.datetime();
export const webhookResponse = z.strictObject({
  id: z.number().int(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  enabled: z.boolean(),
  disabledReason: z.string().nullable().describe('Why replen disabled the endpoint (every delivery failing for days); PATCH enabled: true clears it.'),
  disabledAt: instant.nullable(),
  createdAt: instant,
  updatedAt: instant,
});
export const createdWebhookResponse = webhookResponse.extend({
  secret: z.string().describe('Shown once: the key of the HMAC-SHA256 in each Replen-Signature header. Store it now.'),
});
export const webhookListResponse = z.strictObject({ data: z.array(webhookResponse) });
export const deliveryResponse = z.strictObject({
  id: z.number().int(),
  endpointId: z.number().int(),
  eventId: z.string().describe('Stable across retries: de-duplicate on it.'),
  eventType: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  nextAttemptAt: instant.nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: instant,
  completedAt: instant.nullable(),
  attemptLog: z.array(
    z.strictObject({ attemptedAt: instant, durationMs: z.number().int(), statusCode: z.number().int().nullable(), error: z.string().nullable(), succeeded: z.boolean() }),
  ),
});
export const deliveryPageResponse = z.strictObject({ data: z.array(deliveryResponse), nextCursor: z.number().int().nullable() });
export const testEventResponse = z.strictObject({ eventId: z.string() });

/** Webhook endpoints and their deliveries, for admins. */
export function webhookRoutes(webhooks: WebhookService, apiKeys: ApiKeyService): Router {
  const router = Router();
  const admin = requirePermission(apiKeys, 'admin');

  router.post('/webhooks', admin, async (req, res) => {
    const input = createWebhookBody.parse(req.body);
    const created = await webhooks.create(input, req.get('host'));
    res.status(201).location(`/webhooks/${created.id}`).setHeader('Cache-Control', 'no-store').json(created);
  });
  router.get('/webhooks', admin, async (_req, res) => {
    res.json({ data: await webhooks.list() });
  });
  router.get('/webhooks/:id', admin, async (req, res) => {
    res.json(await webhooks.get(webhookParams.parse(req.params).id));
  });
  router.patch('/webhooks/:id', admin, async (req, res) => {
    const { id } = webhookParams.parse(req.params);
    res.json(await webhooks.update(id, updateWebhookBody.parse(req.body), req.get('host')));
  });
  router.delete('/webhooks/:id', admin, async (req, res) => {
    await webhooks.remove(webhookParams.parse(req.params).id);
    res.status(204).end();
  });
  router.get('/webhooks/:id/deliveries', admin, async (req, res) => {
    const { id } = webhookParams.parse(req.params);
    const query = deliveryListQuery.parse(req.query);
    const data = await webhooks.deliveries(id, query);
    res.json({ data, nextCursor: data.length === query.limit ? data[data.length - 1].id : null });
  });
  router.post('/webhooks/:id/deliveries/:deliveryId/retry', admin, async (req, res) => {
    const { id, deliveryId } = deliveryParams.parse(req.params);
    res.status(202).json(await webhooks.retry(id, deliveryId));
  });
  router.post('/webhooks/:id/test', admin, async (req, res) => {
    const { id } = webhookParams.parse(req.params);
    res.status(202).json(await webhooks.sendTest(id));
  });
  return router;
}
