import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service';
import { calendarDate } from '../../services/imports/kinds';
import type { OverrideService } from '../../services/override-service';
import { requirePermission } from '../auth';
import { cursorParts, decodeCursor, encodeCursor, idParams } from '../schemas';

/** Request and response schemas of /forecast-overrides and /forecast-value-added (src/http/openapi.ts documents them). */
const date = calendarDate;
const reason = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'expected a lowercase word such as promotion or lost-customer')
  .describe('What /forecast-value-added groups by: promotion, lost-customer, new-listing, …');
const overrideValue = {
  mode: z.enum(['absolute', 'percent']).describe('absolute: units per week; percent: the statistical forecast plus value %.'),
  value: z.number().finite().describe('absolute: 0 to 1,000,000,000 units per week; percent: above -100, at most 10,000 (20 = 20 % more).'),
};
const fields = {
  startDate: date.describe('The forecast weeks (Monday to Sunday) overlapping startDate … endDate are overridden.'),
  endDate: date,
  ...overrideValue,
  reason,
  note: z.string().max(1000).refine((text) => !text.includes('\0'), 'must not contain a NUL character').optional(),
  expiresOn: date.optional().describe('Not used for planning after this day. Default: endDate.'),
};
const valueInRange = (body: { mode?: 'absolute' | 'percent'; value?: number }, context: z.RefinementCtx) => {
  if (body.mode === undefined || body.value === undefined) return;
  const ok = body.mode === 'absolute' ? body.value >= 0 && body.value <= 1e9 : body.value > -100 && body.value <= 10_000;
  if (!ok) context.addIssue({ code: 'custom', path: ['value'], message: body.mode === 'absolute' ? 'units per week from 0 to 1000000000' : 'a percentage above -100 and at most 10000' });
};
export const createOverrideBody = z
  .strictObject({ sku: z.string().trim().min(1).max(200), location: z.string().trim().min(1).max(200), ...fields })
  .superRefine(valueInRange);
export const updateOverrideBody = z
  .strictObject({
    startDate: fields.startDate.optional(),
    endDate: fields.endDate.optional(),
    mode: overrideValue.mode.optional(),
    value: overrideValue.value.optional(),
    reason: reason.optional(),
    note: fields.note,
    expiresOn: fields.expiresOn,
    version: z.number().int().positive().optional().describe("The override's version read before: another change since is a 409."),
  })
  .superRefine((body, context) => {
    if ((body.mode === undefined) !== (body.value === undefined)) context.addIssue({ code: 'custom', path: ['value'], message: 'change mode and value together' });
    valueInRange(body, context);
  });
export const overrideListQuery = z.strictObject({
  sku: z.string().min(1).max(200).optional(),
  location: z.string().min(1).max(200).optional().describe('A location code.'),
  active: z.enum(['true', 'false']).optional().transform((text) => text === 'true').describe('true: only those not cancelled and not expired today.'),
  cursor: z.string().min(1).max(512).optional(),
  limit: z.preprocess((value) => (typeof value === 'string' && /^\d{1,4}$/.test(value) ? Number(value) : value), z.number().int().min(1).max(200).default(50)),
});
export const overrideResponse = z.strictObject({
  id: z.number().int(),
  itemId: z.number().int(),
  sku: z.string(),
  locationId: z.number().int(),
  locationCode: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  mode: z.enum(['absolute', 'percent']),
  value: z.number(),
  reason: z.string(),
  note: z.string(),
  expiresOn: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  cancelledAt: z.string().nullable(),
  cancelledBy: z.string().nullable(),
  version: z.number().int(),
});
export const overrideDetailResponse = overrideResponse.extend({
  audit: z.array(
    z.strictObject({
      id: z.number().int(),
      overrideId: z.number().int(),
      action: z.enum(['created', 'updated', 'cancelled']),
      actor: z.string(),
      at: z.string(),
      before: overrideResponse.nullable(),
      after: overrideResponse.nullable(),
      forecast: z.array(z.strictObject({ periodStart: z.string(), statistical: z.number(), planned: z.number() })),
    }),
  ),
});
export const overridePageResponse = z.strictObject({ data: z.array(overrideResponse), nextCursor: z.string().nullable() });
const valueAdded = z.strictObject({
  group: z.string(),
  weeks: z.number().int(),
  statisticalMae: z.number(),
  overrideMae: z.number(),
  statisticalMape: z.number().nullable(),
  overrideMape: z.number().nullable(),
  valueAdded: z.number().describe('statisticalMae − overrideMae: positive when the overrides brought the forecast closer to demand.'),
  overrideCloser: z.number().int(),
});
export const valueAddedResponse = z.strictObject({ weeks: z.number().int(), byBuyer: z.array(valueAdded), byReason: z.array(valueAdded) });

const cursorKey = z.tuple([cursorParts.bigId]);
const CURSOR_TAG = 'forecast-overrides';

/** Buyers' forecast overrides (set, change, cancel, each audited) and their forecast value added. */
export function overrideRoutes(overrides: OverrideService, apiKeys: ApiKeyService): Router {
  const router = Router();
  router.post('/forecast-overrides', requirePermission(apiKeys, 'decide'), async (req, res) => {
    res.status(201).json(await overrides.create(createOverrideBody.parse(req.body), req.apiKey!.name));
  });
  router.get('/forecast-overrides', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { cursor, ...query } = overrideListQuery.parse(req.query);
    const beforeId = cursor ? decodeCursor(CURSOR_TAG, cursor, cursorKey)[0] : undefined;
    const data = await overrides.list({ ...query, beforeId });
    res.json({ data, nextCursor: data.length === query.limit ? encodeCursor(CURSOR_TAG, [data[data.length - 1].id]) : null });
  });
  router.get('/forecast-overrides/:id', requirePermission(apiKeys, 'read'), async (req, res) => {
    res.json(await overrides.get(idParams.parse(req.params).id));
  });
  router.patch('/forecast-overrides/:id', requirePermission(apiKeys, 'decide'), async (req, res) => {
    const { id } = idParams.parse(req.params);
    const { version, ...changes } = updateOverrideBody.parse(req.body);
    res.json(await overrides.update(id, changes, req.apiKey!.name, version));
  });
  router.delete('/forecast-overrides/:id', requirePermission(apiKeys, 'decide'), async (req, res) => {
    res.json(await overrides.cancel(idParams.parse(req.params).id, req.apiKey!.name));
  });
  router.get('/forecast-value-added', requirePermission(apiKeys, 'read'), async (_req, res) => {
    res.json(await overrides.valueAdded());
  });
  return router;
}
