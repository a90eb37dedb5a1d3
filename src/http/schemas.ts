import { z } from 'zod';
import { ValidationError } from '../errors';
import { calendarDate } from '../services/imports/kinds';

/**
 * Request schemas of the buyer and ERP API. The routers parse with them and src/http/openapi.ts documents them,
 * so the document cannot drift from what the handlers accept. Every object is strict: unknown fields are a 400.
 */

/**
 * An instant in a query that PostgreSQL's timestamptz reads: ISO 8601 with Z or an offset of at most 15:59 (its
 * limit; ISO allows 23:59), in years 0001 to 9999 (there is no year 0000).
 */
const queryInstant = z.iso
  .datetime({ offset: true, message: 'expected an instant such as 2026-11-27T09:30:00Z' })
  .refine((value) => !value.startsWith('0000'), 'there is no year 0000: dates start at 0001-01-01')
  .refine((value) => !/[+-](1[6-9]|2\d):?\d\d$/.test(value), 'a time zone offset must be within ±15:59');

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
export const recommendationSorts = ['urgency', 'value', 'stockout', 'decided'] as const;
/** The statuses a listing filters by: a line's own, or decided (any line a buyer acted on, across runs). */
export const recommendationStatusFilters = [...recommendationStatuses, 'decided'] as const;
/** json: the API's page; csv or xlsx: the whole list as a spreadsheet (Accept: text/csv or the XLSX type does the same). */
const exportFormat = z
  .enum(['json', 'csv', 'xlsx'])
  .optional()
  .describe('csv or xlsx: a spreadsheet download (also by Accept: text/csv, or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet).');
/** A search as typed: a substring of the SKU, the description or a supplier SKU. */
const searchText = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .describe(
    'With three letters or digits in a row: a substring (any case) of the SKU, its description or a supplier SKU of the item. Shorter: the start of the SKU or of a supplier SKU.',
  );
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
  status: z
    .enum(recommendationStatusFilters)
    .optional()
    .describe('decided: every line a buyer approved, rejected or edited (and those exported since), of every run unless runId is given.'),
  abcClass: z.enum(['A', 'B', 'C']).optional(),
  q: searchText.optional(),
  sort: z
    .enum(recommendationSorts)
    .default('urgency')
    .describe(
      'urgency: critical first, then earliest stock-out; value: largest quantity × unit cost first; stockout: earliest first; decided: latest decision first.',
    ),
  cursor: cursor.optional(),
  limit: limit(200, 50),
  format: exportFormat,
});

const approveChange = z.strictObject({ action: z.literal('approve') });
const rejectChange = z.strictObject({ action: z.literal('reject'), reasonCode: z.enum(rejectReasons), note: z.string().max(500).optional() });
const undoChange = z.strictObject({ action: z.literal('undo') }).describe('Takes an approved or rejected line back to proposed.');

export const recommendationPatchBody = z.discriminatedUnion('action', [
  approveChange,
  rejectChange,
  undoChange,
  z.strictObject({
    action: z.literal('set-quantity'),
    quantity: z.number().positive().max(1e9).describe('Rounded up to the order multiple of the supplier item.'),
    reason: z
      .string()
      .max(500)
      .optional()
      .describe("Required (422 without) when the quantity is below the supplier's MOQ or more than 3 times the suggested quantity."),
  }),
]);

const decisionLines = {
  lines: z
    .array(z.strictObject({ id: bodyId, version: z.number().int().positive().max(2147483647) }))
    .min(1)
    .max(500)
    .refine((lines) => new Set(lines.map((line) => line.id)).size === lines.length, 'each line once')
    .describe("The lines with the version the buyer saw (a line's version field, or the second number of its ETag)."),
};

export const bulkDecisionBody = z.discriminatedUnion('action', [approveChange.extend(decisionLines), rejectChange.extend(decisionLines), undoChange.extend(decisionLines)]);

export const noteBody = z.strictObject({ text: z.string().trim().min(1).max(1000) });

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
export const supplierLeadTimeQuery = z.strictObject({
  months: z.coerce.number().int().min(1).max(36).default(12).describe('Calendar months of receipts, up to the latest run\'s as-of date.'),
});

export const draftOrderListQuery = z.strictObject({
  runId: id.optional().describe('Default: the latest succeeded pipeline run.'),
  supplierId: id.optional(),
  locationId: id.optional(),
});
export const draftOrderParams = z.strictObject({ supplierId: id, locationId: id });
export const draftOrderQuery = z.strictObject({ runId: id.optional().describe('Default: the latest succeeded pipeline run.'), format: exportFormat });

export const skuListQuery = z.strictObject({
  search: z.string().min(1).max(100).optional().describe('Case-insensitive prefix of the SKU.'),
  q: searchText.optional(),
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
  changedSince: queryInstant
    .optional()
    .describe("Only lines whose promise (status, eta, etaLateCase or supply) changed after this instant: an ERP's pull instead of webhooks."),
  cursor: cursor.optional(),
  limit: limit(200, 50),
});
export const backorderAccuracyQuery = z.strictObject({
  from: calendarDate.optional().describe('Lines shipped on or after this date.'),
  to: calendarDate.optional().describe('Lines shipped on or before this date.'),
});
export const backorderParams = z.strictObject({ salesOrderLineId: id });

export const exceptionKinds = ['spike', 'drop', 'bias', 'outlier-cleaned', 'new', 'dying', 'forecast-jump', 'order-value-jump'] as const;
export const exceptionListQuery = z.strictObject({
  kind: z.enum(exceptionKinds).optional(),
  sku: z.string().min(1).max(100).optional(),
  locationId: id.optional(),
  acknowledged: z
    .enum(['true', 'false'])
    .optional()
    .transform((text) => text === 'true')
    .describe('true: the acknowledged ones still unresolved; default: the open ones.'),
  cursor: cursor.optional(),
  limit: limit(200, 50),
});
/** POST /exceptions/:id/acknowledge takes no fields: an empty object or no body. */
export const acknowledgeExceptionBody = z.strictObject({}).optional();
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
  /** A timestamptz as PostgreSQL prints it, or '-infinity' for "none". */
  instant: z.string().regex(/^(-infinity|\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2})$/),
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
  currency: z.string().nullable().describe("The supplier's currency, of unitCost and lineValue (ISO 4217); null when unsourced."),
  status: z.enum(recommendationStatuses),
  quantity: z.number(),
  suggestedQuantity: z.number(),
  unitCost: money.nullable(),
  lineValue: money.nullable(),
  needByDate: date.nullable(),
  projectedStockoutDate: date.nullable(),
  urgency: z.enum(urgencies),
  abcClass: z.string().nullable(),
  onHand: z.number().nullable().describe('Stock on hand the planner saw.'),
  onOrder: z.number().nullable().describe('Open purchase orders plus lines approved and not yet exported.'),
  backordered: z.number().nullable().describe('Units owed to customers on open sales orders.'),
  daysOfCover: z.number().nullable().describe('Days until the projected stock-out; null: none within the forecast.'),
  expectedArrivalDate: date.nullable().describe("When an order placed on the plan date would arrive (the chosen supplier's planned lead time, rounded up)."),
  daysShort: z
    .number()
    .int()
    .nullable()
    .describe('Days from the projected stock-out to that arrival: above 0, days without stock; 0 or below, days to spare. Null without a stock-out.'),
  noteCount: z.number().int(),
  version: z.number().int(),
  decidedBy: z.string().nullable(),
  decidedAt: instant.nullable(),
  reasonCode: z.string().nullable(),
  updatedAt: instant,
  topUpOf: z
    .number()
    .int()
    .nullable()
    .describe(
      "A top-up: the id of the line of the same run and SKU × location a buyer had already approved (or the ERP took) when a sense run raised the need; this line orders the extra only (the explanation's topUp says why). Null: the pair's own line.",
    ),
});

const recommendationEvent = z.strictObject({
  id: z.number().int(),
  actor: z.string(),
  action: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  reason: z.string().nullable(),
  createdAt: instant,
});
export const recommendationDetailResponse = recommendationResponse.extend({
  moq: z.number().nullable(),
  orderMultiple: z.number().nullable(),
  supplierSku: z.string().nullable(),
  explanation: z.record(z.string(), z.unknown()).describe('How the planner got the quantity: forecast, lead time, safety stock, rounding.'),
  createdAt: instant,
  events: z.array(recommendationEvent).describe('Decisions and notes (action note, its text in reason), oldest first.'),
  projection: z
    .strictObject({
      startDate: date,
      points: z.array(z.strictObject({ date, withoutOrder: z.number(), withOrder: z.number() })),
      orderArrivalDate: date.nullable(),
      orderQuantity: z.number(),
      reorderPoint: z.number().nullable(),
      safetyStock: z.number().nullable(),
      orderUpTo: z.number().nullable(),
      protectionEndDate: date,
    })
    .nullable()
    .describe(
      "The planner's stock projection over the protection interval (and until the order lands): stock on hand less backorders run down by the forecast, " +
        'open purchase orders added on their expected dates, without this order and with it arriving on its date. Null without a forecast.',
    ),
  protectionDemand: z
    .strictObject({
      horizonPeriods: z.number().describe('Periods the level covers: lead time, + review period when periodic.'),
      forecastDemand: z.number().describe('The forecast over them: the level less the safety stock.'),
      source: z.enum(['forecast-errors', 'normal', 'samples']).describe("What the distribution is: the forecast's own errors over those periods (with a random lead time's demand), a normal, or simulated demand."),
      points: z.array(
        z.strictObject({
          probability: z.number(),
          level: z.number().describe('The level the planner sets for this cycle service level: demand over the periods not exceeded with this probability, at least the forecast.'),
          target: z.boolean().describe("The item's own cycle-service target: this level is the policy's reorder point or order-up-to level."),
        }),
      ),
    })
    .nullable()
    .describe(
      "The planner's interval of demand over the protection interval, read from the record its safety stock is the quantile of (the explanation's protectionDemand), " +
        "at 80 %, 95 % and the item's target. Not the forecast's weekly bands: those describe one week's demand. Null for lines planned before the record was kept.",
    ),
});

export const recommendationDecisionResponse = recommendationDetailResponse.extend({ warnings: z.array(z.string()) });

export const recommendationPageResponse = z.strictObject({
  runId: z.number().int().nullable(),
  data: z.array(recommendationResponse),
  nextCursor: z.string().nullable(),
});

export const bulkDecisionResponse = z.strictObject({
  applied: z.array(z.strictObject({ id: z.number().int(), status: z.enum(recommendationStatuses), version: z.number().int() })),
  skipped: z
    .array(
      z.strictObject({
        id: z.number().int(),
        reason: z.enum(['not-found', 'stale', 'not-allowed', 'no-supplier', 'nothing-to-order']),
        status: z.enum(recommendationStatuses).nullable(),
      }),
    )
    .describe('Lines left as they were: stale (changed since the version given), not-allowed (their status forbids it), no supplier or nothing to order (approve).'),
});

export const noteResponse = recommendationEvent;

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

const pullForwardEntry = z.strictObject({
  itemId: z.number().int(),
  sku: z.string(),
  quantity: z.number(),
  unitCost: money,
  value: money,
  daysUntilReorder: z.number().nullable().describe('Days until the item would be due anyway; null: not within the forecast.'),
  cumulativeOrderValue: money.describe('The order value with this and every better-ranked item added.'),
  suggested: z.boolean().describe('Part of the shortest ranked list that lifts the order to its minimum value.'),
});

export const draftOrderSummaryResponse = z.strictObject({
  supplierId: z.number().int(),
  supplierName: z.string(),
  currency: z.string().describe('Of every amount of the order.'),
  locationId: z.number().int(),
  locationCode: z.string(),
  lineCount: z.number().int(),
  proposedCount: z.number().int(),
  approvedCount: z.number().int(),
  orderValue: money,
  minimumOrderValue: money.nullable(),
  shortfall: money.describe('What the order lacks to reach the minimum order value; 0 when it does or there is none.'),
  pullForward: z.array(pullForwardEntry).describe('Ranked items not due yet that would close the shortfall (only when short).'),
});

export const draftOrderListResponse = z.strictObject({ runId: z.number().int().nullable(), data: z.array(draftOrderSummaryResponse) });

export const draftOrderResponse = draftOrderSummaryResponse.extend({
  runId: z.number().int(),
  lines: z.array(
    z.strictObject({
      recommendationId: z.number().int(),
      version: z.number().int().describe('Send it with the line to POST /recommendations/decisions.'),
      status: z.enum(['proposed', 'approved']),
      itemId: z.number().int(),
      sku: z.string(),
      description: z.string(),
      supplierSku: z.string().nullable(),
      quantity: z.number(),
      suggestedQuantity: z.number(),
      moq: z.number().nullable(),
      unitCost: money,
      lineValue: money,
      urgency: z.enum(urgencies),
      projectedStockoutDate: date.nullable(),
    }),
  ),
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

const deliveryRecord = {
  receiptCount: z.number().int(),
  promisedMeanDays: z.number().nullable().describe('Mean days from order to the promised date.'),
  actualMeanDays: z.number().nullable().describe('Mean days from order to receipt.'),
  actualP90Days: z.number().nullable().describe('9 receipts in 10 came within this many days.'),
  meanLatenessDays: z.number().nullable().describe('Mean days received after the promise (negative: early).'),
  onTimeRate: z.number().nullable().describe('Share of receipts on or before their promise.'),
};

export const supplierLeadTimeResponse = z.strictObject({
  endDate: date.nullable().describe("The window's last day: the latest run's as-of date, else the latest receipt."),
  months: z.number().int(),
  data: z.array(
    supplierResponse.extend({
      ...deliveryRecord,
      latenessTrendDaysPerMonth: z
        .number()
        .nullable()
        .describe("Slope of the receipts' lateness against their month, days per month (positive: later each month); null with fewer than two months."),
      months: z.array(z.strictObject({ month: z.string().regex(/^\d{4}-\d{2}$/), ...deliveryRecord })).describe('The same per month: the trend.'),
    }),
  ),
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
  history: z
    .array(
      z.strictObject({
        changedOn: date.describe('As-of date of the run that found the change.'),
        cause: z.enum(['first-promise', 'supplier-delay', 'new-purchase-order', 'receipt', 'approval', 'cancellation', 'demand-ahead', 'shipped', 'supply-change']),
        runId: z.number().int().nullable(),
        oldStatus: z.string().nullable(),
        newStatus: z.string(),
        oldEta: date.nullable(),
        newEta: date.nullable(),
        oldEtaLateCase: date.nullable(),
        newEtaLateCase: date.nullable(),
        oldSupply: z.array(z.string()).nullable(),
        newSupply: z.array(z.string()).describe('kind:id of the supply the ETA rests on: purchase-order:<line id>, approved-recommendation:<id>, on-hand:0.'),
        receipt: z.string().nullable().describe("A receipt or shipped change: the ERP's number of the receipt last allocated to the line (GET /receipts/:receiptNumber/allocation)."),
        recordedAt: instant,
      }),
    )
    .describe("Every change of the line's promise, oldest first, with its cause."),
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
      latenessDays: z.number().nullable().describe("The supplier's learned mean lateness in days (negative: early), with what its orders past their promise and not come add; the ETA is the promise moved by the median lateness of deliveries not come by the as-of date, rounded up, never earlier."),
    }),
  ),
});

export const backorderPageResponse = z.strictObject({
  runId: z.number().int().nullable(),
  data: z.array(backorderResponse),
  nextCursor: z.string().nullable(),
  customerTotals: z
    .strictObject({
      customerRef: z.string(),
      lines: z.number().int(),
      units: z.number(),
      coveredLines: z.number().int(),
      unitsUncovered: z.number(),
      earliestEta: date.nullable(),
      latestEta: date.nullable().describe('Of the covered lines: the customer has everything by then only if coveredLines = lines.'),
      latestEtaLateCase: date.nullable(),
    })
    .optional()
    .describe("With customer=: that customer's totals over all its backordered lines in the run, not only this page."),
});

const accuracyMeasure = z.strictObject({
  onTimeLines: z.number().describe('Share of lines shipped on or before this date.'),
  onTimeUnits: z.number().describe('The same, weighted by units backordered.'),
  meanDaysLate: z.number().describe('Mean days shipped after this date (0 for a line on time).'),
});
const accuracyRow = z.strictObject({
  supplierId: z.number().int().nullable().describe('The supplier of the purchase order the last promise rested on; null: stock or recommendations.'),
  lines: z.number().int(),
  units: z.number(),
  measures: z.strictObject({ firstEta: accuracyMeasure, lastEta: accuracyMeasure, firstEtaLateCase: accuracyMeasure, lastEtaLateCase: accuracyMeasure }),
});
export const backorderAccuracyResponse = z.strictObject({ overall: accuracyRow, suppliers: z.array(accuracyRow) });
export const exceptionResponse = z.strictObject({
  id: z.number().int(),
  itemId: z.number().int(),
  sku: z.string(),
  locationId: z.number().int(),
  locationCode: z.string(),
  kind: z.enum(exceptionKinds),
  subject: z.string().describe("Tells apart two of one kind on one SKU × location (the week of a cleaned outlier); '' otherwise."),
  runId: z.number().int().nullable().describe('The run that last found it.'),
  asOfDate: date.nullable().describe("That run's as-of date: the day of the data it looked at (detectedAt and lastSeenAt are wall-clock times)."),
  details: z.record(z.string(), z.unknown()).describe('The numbers behind it (quantities, quantiles, tracking signal, ratio …).'),
  action: z.string().describe('What replen did about it.'),
  detectedAt: instant,
  lastSeenAt: instant,
  acknowledgedAt: instant.nullable(),
  acknowledgedBy: z.string().nullable(),
});

const pageOf = <T extends z.ZodType>(item: T) => z.strictObject({ data: z.array(item), nextCursor: z.string().nullable() });
export const supplierPageResponse = pageOf(supplierResponse);
export const skuPageResponse = pageOf(skuResponse);
export const exceptionPageResponse = pageOf(exceptionResponse);

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
