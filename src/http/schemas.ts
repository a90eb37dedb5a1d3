import { z } from 'zod';
import { ValidationError } from '../errors';

/**
 * Request schemas of the buyer and ERP API. The routers parse with them and src/http/openapi.ts documents them,
 * so the document cannot drift from what the handlers accept. Every object is strict: unknown fields are a 400.
 */

/** The largest value of a PostgreSQL integer column: ids of most tables. */
export const MAX_INTEGER = 2147483647;

/**
 * A path or query value that must be a whole number: plain decimal digits only, so that '0x43', '1e3', ' ' and ''
 * are errors rather than 67, 1000 and 0 (Number's reading). Other input types go to `schema` as they are.
 */
export const decimalInteger = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value, context) => {
    if (typeof value !== 'string') return value;
    if (/^\d{1,16}$/.test(value)) return Number(value);
    context.addIssue({ code: 'custom', message: `expected a whole number in decimal digits, got ${JSON.stringify(value)}`, input: value });
    return z.NEVER;
  }, schema);

/** Ids in paths and query strings arrive as text; in JSON bodies they must be numbers. */
const id = decimalInteger(z.number().int().positive().max(MAX_INTEGER));
const bodyId = z.number().int().positive().max(MAX_INTEGER);
const limit = (max: number, fallback: number) => decimalInteger(z.number().int().min(1).max(max).default(fallback));
const cursor = z.string().min(1).max(512).describe('Opaque: pass back the nextCursor of the previous page.');

export const urgencies = ['critical', 'high', 'normal', 'low'] as const;
export const recommendationStatuses = ['proposed', 'approved', 'rejected', 'exported'] as const;
export const recommendationSorts = ['urgency', 'value', 'stockout'] as const;
export const rejectReasons = [
  'overstock',
  'demand-change',
  'supplier-issue',
  'price',
  'duplicate',
  'discontinued',
  'other',
] as const;

export const idParams = z.strictObject({ id });
export const skuParams = z.strictObject({ sku: z.string().min(1).max(100) });

export const recommendationListQuery = z.strictObject({
  runId: id.optional().describe('Default: the latest succeeded pipeline run.'),
  supplierId: id.optional(),
  locationId: id.optional(),
  urgency: z.enum(urgencies).optional(),
  status: z.enum(recommendationStatuses).optional(),
  abcClass: z.enum(['A', 'B', 'C']).optional(),
  sort: z
    .enum(recommendationSorts)
    .default('urgency')
    .describe('urgency: critical first, then earliest stock-out; value: largest quantity × unit cost first; stockout: earliest first.'),
  cursor: cursor.optional(),
  limit: limit(200, 50),
});

export const recommendationPatchBody = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('approve') }),
  z.strictObject({ action: z.literal('reject'), reasonCode: z.enum(rejectReasons), note: z.string().max(500).optional() }),
  z.strictObject({
    action: z.literal('set-quantity'),
    quantity: z.number().positive().max(1e9).describe('Rounded up to the order multiple of the supplier item.'),
  }),
]);

export const bulkApproveBody = z.strictObject({
  supplierId: bodyId,
  locationId: bodyId,
  runId: bodyId.optional().describe('Default: the latest succeeded pipeline run.'),
});

export const suggestedPurchaseOrderQuery = z.strictObject({
  cursor: cursor.optional().describe('The nextCursor of the last pull: only purchase orders changed since then are returned.'),
  limit: limit(200, 50),
});

export const acknowledgeBody = z.strictObject({ erpPoNumber: z.string().trim().min(1).max(64) });
export const idempotencyKeyHeader = z.string().min(8).max(200);

export const supplierListQuery = z.strictObject({ cursor: cursor.optional(), limit: limit(200, 50) });

export const skuListQuery = z.strictObject({
  search: z.string().min(1).max(100).optional().describe('Case-insensitive prefix of the SKU.'),
  cursor: cursor.optional(),
  limit: limit(200, 50),
});

export const skuDetailQuery = z.strictObject({
  runId: id.optional().describe('Default: the latest succeeded pipeline run.'),
  historyWeeks: limit(520, 52),
});

export const backorderStatuses = ['covered', 'partial', 'uncovered'] as const;
export const backorderListQuery = z.strictObject({
  runId: id.optional().describe('Default: the latest succeeded pipeline run.'),
  sku: z.string().min(1).max(100).optional(),
  locationId: id.optional(),
  customer: z.string().min(1).max(200).optional().describe("The sales order's customer reference."),
  salesOrder: z.string().min(1).max(200).optional().describe("The sales order's ERP number (external id)."),
  status: z
    .enum(backorderStatuses)
    .optional()
    .describe('covered: every unit has an arrival date; partial: some units do; uncovered: none do. Only covered lines have an ETA.'),
  cursor: cursor.optional(),
  limit: limit(200, 50),
});
export const backorderParams = z.strictObject({ salesOrderLineId: id });
export const backorderDetailQuery = z.strictObject({ runId: id.optional().describe('Default: the latest succeeded pipeline run.') });

export const createKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(['viewer', 'buyer', 'erp', 'admin']),
});

export type CursorKey = Array<string | number>;

/**
 * Cursors are the keyset of the last row, tagged with what they page through (e.g. the sort order), in base64url
 * JSON: opaque to clients. A cursor from another listing, or tampered with, fails `keySchema` and is a 400.
 */
export function encodeCursor(tag: string, key: CursorKey): string {
  return Buffer.from(JSON.stringify([tag, ...key])).toString('base64url');
}

export function decodeCursor<T extends CursorKey>(tag: string, cursorText: string, keySchema: z.ZodType<T>): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursorText, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = Array.isArray(decoded) && decoded[0] === tag ? keySchema.safeParse(decoded.slice(1)) : undefined;
  if (!parsed?.success) throw new ValidationError('request is invalid', [{ path: 'cursor', message: 'not a cursor of this listing' }]);
  return parsed.data;
}

/** A calendar date that exists, in years 0001 to 9999 (PostgreSQL has no year 0; 2026-13-45 matches the pattern only). */
export function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !text.startsWith('0000') && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/**
 * Pieces of cursor keys, each within what its column holds, so that a forged cursor is a 400 and never reaches the
 * database as an out-of-range error: a row id of an integer column (bigId: of a bigint one, as far as a JavaScript
 * number is exact), a date (or 'infinity' for "none"), a number as PostgreSQL prints it, a bigint as text.
 */
export const cursorParts = {
  id: z.number().int().positive().max(MAX_INTEGER),
  bigId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  date: z.string().refine((text) => text === 'infinity' || isCalendarDate(text)),
  integer: z.string().regex(/^-?\d{1,9}$/),
  float: z.string().regex(/^-?(\d+(\.\d+)?(e[+-]?\d+)?|Infinity)$/).refine((text) => text.endsWith('Infinity') || Number.isFinite(Number(text))),
  bigint: z.string().regex(/^\d{1,19}$/).refine((text) => BigInt(text) <= 9223372036854775807n),
};

/*
 * Response shapes, for the OpenAPI document; the HTTP tests parse real responses with them, so they stay true.
 * Strict like the requests: a field added to a response without documenting it fails those tests.
 */
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
const instant = z.iso.datetime();
const money = z.number();

export const recommendationResponse = z.strictObject({
  id: z.number().int(),
  runId: z.number().int(),
  itemId: z.number().int(),
  sku: z.string(),
  description: z.string(),
  locationId: z.number().int(),
  locationCode: z.string(),
  supplierId: z.number().int().nullable(),
  supplierName: z.string().nullable(),
  status: z.enum(recommendationStatuses),
  quantity: z.number(),
  suggestedQuantity: z.number(),
  unitCost: money.nullable(),
  lineValue: money.nullable(),
  needByDate: date.nullable(),
  projectedStockoutDate: date.nullable(),
  urgency: z.enum(urgencies),
  abcClass: z.string().nullable(),
  version: z.number().int(),
  decidedBy: z.string().nullable(),
  decidedAt: instant.nullable(),
  reasonCode: z.string().nullable(),
  updatedAt: instant,
});

export const recommendationDetailResponse = recommendationResponse.extend({
  moq: z.number().nullable(),
  orderMultiple: z.number().nullable(),
  explanation: z.record(z.string(), z.unknown()).describe('How the planner got the quantity: forecast, lead time, safety stock, rounding.'),
  createdAt: instant,
  events: z.array(
    z.strictObject({
      id: z.number().int(),
      actor: z.string(),
      action: z.string(),
      before: z.record(z.string(), z.unknown()).nullable(),
      after: z.record(z.string(), z.unknown()).nullable(),
      reason: z.string().nullable(),
      createdAt: instant,
    }),
  ),
});

export const recommendationDecisionResponse = recommendationDetailResponse.extend({ warnings: z.array(z.string()) });

export const recommendationPageResponse = z.strictObject({
  runId: z.number().int().nullable(),
  data: z.array(recommendationResponse),
  nextCursor: z.string().nullable(),
});

export const bulkApproveResponse = z.strictObject({ runId: z.number().int(), approvedIds: z.array(z.number().int()) });

export const suggestedPurchaseOrderResponse = z.strictObject({
  id: z.number().int(),
  supplierId: z.number().int(),
  supplierName: z.string(),
  currency: z.string(),
  locationId: z.number().int(),
  locationCode: z.string(),
  status: z.enum(['pending', 'exported', 'acknowledged', 'cancelled']),
  erpPoNumber: z.string().nullable(),
  needByDate: date.nullable(),
  total: money,
  lines: z.array(
    z.strictObject({
      id: z.number().int(),
      recommendationId: z.number().int(),
      itemId: z.number().int(),
      sku: z.string(),
      description: z.string(),
      supplierSku: z.string().nullable(),
      quantity: z.number(),
      unitCost: money.nullable(),
      lineValue: money.nullable(),
      needByDate: date.nullable(),
    }),
  ),
  createdAt: instant,
  updatedAt: instant,
  exportedAt: instant.nullable(),
  acknowledgedAt: instant.nullable(),
  etag: z.string().describe('The order as pulled: send it in If-Match when acknowledging.'),
});

export const suggestedPurchaseOrderPageResponse = z.strictObject({
  data: z.array(suggestedPurchaseOrderResponse),
  nextCursor: z.string().nullable(),
  hasMore: z.boolean(),
});

export const locationListQuery = z.strictObject({});
export const locationResponse = z.strictObject({ id: z.number().int(), externalId: z.string(), code: z.string(), name: z.string() });
export const locationListResponse = z.strictObject({ data: z.array(locationResponse) });

export const supplierResponse = z.strictObject({
  id: z.number().int(),
  externalId: z.string(),
  name: z.string(),
  currency: z.string(),
  minOrderValue: money,
  reviewPeriodDays: z.number().int(),
  orderCost: money,
  active: z.boolean(),
  itemCount: z.number().int(),
});

const observedLeadTime = z.strictObject({
  receiptCount: z.number().int(),
  meanDays: z.number().nullable(),
  stdDevDays: z.number().nullable(),
  p50Days: z.number().nullable(),
  p90Days: z.number().nullable(),
  p95Days: z.number().nullable(),
  meanLatenessDays: z.number().nullable(),
  onTimeRate: z.number().nullable(),
});

export const supplierDetailResponse = supplierResponse.extend({
  overall: observedLeadTime,
  items: z.array(
    z.strictObject({
      itemId: z.number().int(),
      sku: z.string(),
      description: z.string().optional(),
      supplierSku: z.string().nullable().optional(),
      unitCost: money.optional(),
      moq: z.number().optional(),
      orderMultiple: z.number().optional(),
      promisedLeadTimeDays: z.number().int().optional(),
      priority: z.number().int().optional(),
      offered: z.boolean().describe('false: ordered from this supplier in the past, no longer in its catalogue.'),
      leadTime: z.strictObject({
        promisedDays: z.number().nullable(),
        observed: observedLeadTime,
        plannedMeanDays: z.number(),
        plannedStdDevDays: z.number(),
        source: z.enum(['item', 'blended', 'supplier', 'promised']),
        itemWeight: z.number(),
      }),
    }),
  ),
});

export const skuResponse = z.strictObject({
  itemId: z.number().int(),
  sku: z.string(),
  description: z.string(),
  unitOfMeasure: z.string(),
  unitCost: money,
  unitPrice: money,
  abcClassOverride: z.string().nullable(),
  serviceLevelOverride: z.number().nullable(),
  active: z.boolean(),
});

export const skuDetailResponse = skuResponse.extend({
  runId: z.number().int().nullable(),
  asOfDate: date.nullable(),
  weekEnds: z.array(date),
  locations: z.array(
    z.strictObject({
      locationId: z.number().int(),
      locationCode: z.string(),
      history: z.strictObject({ quantities: z.array(z.number()), outOfStockDays: z.array(z.number().int()) }),
      forecast: z
        .strictObject({
          method: z.string(),
          demandClass: z.string(),
          errorSd: z.number().nullable(),
          accuracy: z.record(z.string(), z.number().nullable()),
          params: z.record(z.string(), z.unknown()),
          periods: z.array(
            z.strictObject({
              step: z.number().int(),
              periodStart: date,
              mean: z.number(),
              lo80: z.number().nullable(),
              hi80: z.number().nullable(),
              lo95: z.number().nullable(),
              hi95: z.number().nullable(),
            }),
          ),
        })
        .nullable(),
      policy: z
        .strictObject({
          supplierId: z.number().int().nullable(),
          serviceLevel: z.number(),
          safetyStock: z.number(),
          // Periodic review (every supplier with a review period) has an order-up-to level but no reorder point.
          reorderPoint: z.number().nullable(),
          orderUpTo: z.number(),
          eoq: z.number().nullable(),
          explanation: z.record(z.string(), z.unknown()),
        })
        .nullable(),
      onHand: z.number(),
      onHandDate: date.nullable(),
      onOrder: z.number(),
      onOrderEarliestExpectedDate: date.nullable(),
      backordered: z.number(),
      backorders: z
        .strictObject({ lines: z.number().int(), coveredLines: z.number().int(), quantityUncovered: z.number(), latestEta: date.nullable() })
        .nullable()
        .describe("The run's backorder allocation here (lines and ETAs: GET /backorders?sku=); null without backordered lines."),
      projectedStockout: z
        .strictObject({ stockoutDate: date.nullable(), daysOfCover: z.number().nullable(), horizonDays: z.number() })
        .nullable()
        .describe("On hand less backorders run down by the forecast, with open purchase-order lines arriving on their expected dates: the planner's projection."),
      recommendation: z
        .strictObject({
          id: z.number().int(),
          locationId: z.number().int(),
          status: z.enum(recommendationStatuses),
          quantity: z.number(),
          urgency: z.enum(urgencies),
          projectedStockoutDate: date.nullable(),
        })
        .nullable(),
    }),
  ),
});

export const backorderResponse = z.strictObject({
  runId: z.number().int(),
  salesOrderLineId: z.number().int(),
  salesOrderLineReference: z.string(),
  salesOrderId: z.number().int(),
  salesOrderReference: z.string(),
  customerRef: z.string(),
  itemId: z.number().int(),
  sku: z.string(),
  description: z.string(),
  locationId: z.number().int(),
  locationCode: z.string(),
  orderDate: date,
  promisedDate: date.nullable(),
  priorityRank: z.number().int().describe('1 = served first among the backorders of this SKU at this location.'),
  priorityDate: date.describe('What lines are ranked by: the promised date, else the order date.'),
  quantityBackordered: z.number(),
  quantityAllocated: z.number(),
  quantityUncovered: z.number(),
  status: z.enum(backorderStatuses),
  eta: date.nullable().describe("Arrival of the last unit allocated: the supplier's promise moved by its mean lateness. Null unless covered."),
  etaLateCase: date.nullable().describe('The same with the late-case lateness (9 deliveries in 10 arrive by then).'),
  uncoveredReason: z.enum(['no-incoming-supply', 'awaiting-approval', 'not-enough-supply']).nullable(),
  uncoveredMessage: z.string().nullable(),
  quantityAwaitingApproval: z.number().describe("The part of the uncovered quantity the run's proposal would cover once approved."),
  recommendationId: z.number().int().nullable().describe("The run's recommendation for this SKU at this location (approve it to date the line)."),
  erpEta: date.nullable().describe('The ETA the ERP sent on the line, shown beside replen\'s, never overwritten.'),
});

export const backorderDetailResponse = backorderResponse.extend({
  pieces: z.array(
    z.strictObject({
      kind: z.enum(['on-hand', 'purchase-order', 'approved-recommendation']),
      sourceId: z.number().int().nullable().describe('Purchase-order line id or recommendation id; null for stock on hand.'),
      reference: z.string().nullable().describe("The ERP's purchase-order and line numbers."),
      supplierId: z.number().int().nullable(),
      quantity: z.number(),
      arrivalDate: date,
      lateCaseArrivalDate: date,
      basis: z.enum(['on-hand', 'promised', 'expected', 'lead-time']),
      promisedDate: date.nullable(),
      latenessDays: z.number().nullable().describe("The supplier's learned mean lateness in days (negative: early); the promise moves by it rounded up, never earlier."),
    }),
  ),
});

export const backorderPageResponse = z.strictObject({
  runId: z.number().int().nullable(),
  data: z.array(backorderResponse),
  nextCursor: z.string().nullable(),
});

const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ data: z.array(item), nextCursor: z.string().nullable() });
export const supplierPageResponse = pageOf(supplierResponse);
export const skuPageResponse = pageOf(skuResponse);

export const apiKeyResponse = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  role: z.enum(['viewer', 'buyer', 'erp', 'admin']),
  prefix: z
    .string()
    .max(8)
    .nullable()
    .describe("The first 8 characters of a key replen generated ('rpl_' and 4 more), to tell keys apart; null for a key set in configuration."),
  createdAt: instant,
  revokedAt: instant.nullable(),
});
export const createdApiKeyResponse = apiKeyResponse.extend({ key: z.string().describe('Shown once: store it now.') });
export const apiKeyListResponse = z.strictObject({ data: z.array(apiKeyResponse) });
/** Whose key the buyers' page holds: it shows the name and hides decisions from roles that cannot make them. */
export const sessionResponse = apiKeyResponse.pick({ name: true, role: true });
