import { z } from 'zod';
import type { Permission } from './auth';
import { DEFAULT_BODY_LIMITS } from './body';
import { DEFAULT_MAX_IMPORT_ROWS } from '../services/import-service';
import { csvColumns, importKinds, type ImportKindName } from '../services/imports/kinds';
import { IMPORT_BODY_LIMITS, importErrors, importQuery, importResponse } from './routes/imports';
import { draftOrderSheetColumns, suggestedOrderCsvColumns } from './routes/purchase-orders';
import { recommendationSheetColumns } from './routes/recommendations';
import { XLSX_TYPE } from './spreadsheet';
import { sourceListQuery, sourceListResponse } from './routes/sources';
import { resumedRunResponse, runDetailResponse, runIdParams, runListQuery, runPageResponse, runResponse, startRunBody, startedRunResponse } from './routes/runs';
import {
  createdWebhookResponse,
  createWebhookBody,
  deliveryListQuery,
  deliveryPageResponse,
  deliveryParams,
  deliveryResponse,
  testEventResponse,
  updateWebhookBody,
  webhookListResponse,
  webhookParams,
  webhookResponse,
} from './routes/webhooks';
import {
  createOverrideBody,
  overrideDetailResponse,
  overrideListQuery,
  overridePageResponse,
  overrideResponse,
  updateOverrideBody,
  valueAddedResponse,
} from './routes/overrides';
import { receiptAllocationCsvColumns, receiptAllocationQuery, receiptAllocationResponse, receiptParams } from './routes/receipts';
import {
  acknowledgeBody,
  acknowledgeExceptionBody,
  exceptionListQuery,
  exceptionPageResponse,
  exceptionResponse,
  apiKeyListResponse,
  apiKeyResponse,
  backorderAccuracyQuery,
  backorderAccuracyResponse,
  backorderDetailQuery,
  backorderDetailResponse,
  backorderListQuery,
  backorderPageResponse,
  backorderParams,
  bulkApproveBody,
  bulkApproveResponse,
  bulkDecisionBody,
  bulkDecisionResponse,
  draftOrderListQuery,
  draftOrderListResponse,
  draftOrderParams,
  draftOrderQuery,
  draftOrderResponse,
  noteBody,
  noteResponse,
  supplierLeadTimeQuery,
  supplierLeadTimeResponse,
  createdApiKeyResponse,
  createKeyBody,
  idParams,
  idempotencyKeyHeader,
  recommendationDecisionResponse,
  recommendationDetailResponse,
  recommendationListQuery,
  recommendationPageResponse,
  recommendationPatchBody,
  skuDetailQuery,
  skuDetailResponse,
  skuListQuery,
  skuPageResponse,
  skuParams,
  suggestedPurchaseOrderPageResponse,
  suggestedPurchaseOrderQuery,
  suggestedPurchaseOrderResponse,
  supplierDetailResponse,
  supplierListQuery,
  supplierPageResponse,
  sessionResponse,
  locationListQuery,
  locationListResponse,
} from './schemas';

type JsonSchema = Record<string, unknown>;

/** A CSV body or answer: a header row naming columns, then one row per record. */
export interface CsvDoc {
  description: string;
  /** schema: the value's type once the cell is read (null: an empty cell); required (bodies): the cell must be filled. */
  columns: Array<{ name: string; required?: boolean; schema: JsonSchema }>;
}

export interface HeaderDoc {
  name: string;
  required: boolean;
  description: string;
  schema: z.ZodType;
}

/** One documented route: the same zod schemas the handler parses with, and who may call it. */
export interface RouteDoc {
  method: 'get' | 'post' | 'patch' | 'delete';
  /** Express form: /recommendations/:id */
  path: string;
  summary: string;
  description?: string;
  /** null: no key needed. */
  permission: Permission | null;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** The body may be left out (POST /runs); otherwise the document marks it required. */
  bodyOptional?: boolean;
  /** The body may also come as text/csv (an import): its columns. */
  csvBody?: CsvDoc;
  /** Request headers the handler reads. */
  headers?: HeaderDoc[];
  responses: Record<number, string>;
  /** Headers of an answer, by status (ETag, Location, the cursor of a CSV page). */
  responseHeaders?: Record<number, HeaderDoc[]>;
  /** Shape of the success answer (JSON). */
  result?: z.ZodType;
  /** Media types of the success answer, as the route sends them (Content-Type without parameters). Default: application/json. */
  produces?: string[];
  /** The columns of a text/csv success answer. */
  csvResult?: CsvDoc;
  /** Shape of error.details per error status, where a client acts on it (the rejected rows of an import). */
  errorDetails?: Record<number, z.ZodType>;
}

const rolesWith: Record<Permission, string> = {
  read: 'viewer, buyer, erp, admin',
  decide: 'buyer, admin',
  import: 'erp, admin',
  export: 'erp, admin',
  admin: 'admin',
};

const etagHeader = (description: string): HeaderDoc => ({ name: 'ETag', required: true, description, schema: z.string() });
const locationHeader = (description: string): HeaderDoc => ({ name: 'Location', required: true, description, schema: z.string() });

const ifMatch: HeaderDoc = {
  name: 'If-Match',
  required: true,
  description: 'The ETag of the recommendation as last read (W/"<id>-<version>"). Missing: 428. Stale: 412.',
  schema: z.string(),
};

export const routeDocs: RouteDoc[] = [
  { method: 'get', path: '/health', summary: 'Liveness', permission: null, responses: { 200: 'The process answers' } },
  {
    method: 'get',
    path: '/ready',
    summary: 'Readiness: database and Redis reachable, no migration pending',
    description: 'Answers within 2 s: a check that does not answer in 1.5 s fails with that as its detail. The runs check names a run going without progress (it never fails readiness).',
    permission: null,
    responses: { 200: 'Ready', 503: 'Not ready: checks[] names the failing check' },
  },
  {
    method: 'get',
    path: '/runs',
    summary: 'Pipeline runs, newest first',
    permission: 'read',
    query: runListQuery,
    result: runPageResponse,
    responses: { 200: '{ data: Run[], nextCursor }' },
  },
  {
    method: 'get',
    path: '/runs/:id',
    summary: 'One run: status, counts per stage, error, the SKUs it could not plan',
    permission: 'read',
    params: runIdParams,
    result: runDetailResponse,
    responses: { 200: 'The run', 404: 'No such run' },
  },
  {
    method: 'post',
    path: '/runs',
    summary: 'Start a pipeline run, or a sense run with {"kind": "sense"}',
    description:
      'The body is optional (a pipeline run). The run goes on in the background: poll GET /runs/{id} (the Location header). ' +
      'A sense run compares the last days of sales with the latest forecast, records spike, drop and bias exceptions and re-plans those SKUs.',
    permission: 'admin',
    body: startRunBody,
    bodyOptional: true,
    result: startedRunResponse,
    responses: {
      202: '{ runId, chunks }',
      409: 'A run is already going: details.runningRunId names it',
      503: 'The job queue (Redis) is unreachable: no run was opened',
    },
    responseHeaders: { 202: [locationHeader('/runs/<runId>: poll it.')] },
  },
  {
    method: 'post',
    path: '/runs/:id/cancel',
    summary: 'Fail a running run ("cancelled by an admin"); its remaining jobs are refused',
    permission: 'admin',
    params: runIdParams,
    result: runResponse,
    responses: { 200: 'The run, failed', 404: 'No such run', 409: 'The run is not running' },
  },
  {
    method: 'post',
    path: '/runs/:id/resume',
    summary: 'Dispatch again the unfinished chunks of a run whose jobs are gone, or of a failed run; finished chunks are kept',
    permission: 'admin',
    params: runIdParams,
    result: resumedRunResponse,
    responses: {
      202: '{ runId, chunks, dispatch }',
      404: 'No such run',
      409: 'The run succeeded, still has jobs in the queue, or another run is running',
      503: 'The job queue (Redis) is unreachable',
    },
    responseHeaders: { 202: [locationHeader('/runs/<runId>: poll it.')] },
  },
  {
    method: 'get',
    path: '/recommendations',
    summary: 'List recommendations of a run',
    description:
      'Filtered and sorted; cursor pagination (pass nextCursor back as cursor with the same sort). format=csv or xlsx (or Accept) answers ' +
      'the whole list with the same filters and sort as a spreadsheet download (cursor and limit ignored; at most 100,000 lines).',
    permission: 'read',
    query: recommendationListQuery,
    result: recommendationPageResponse,
    responses: { 200: '{ runId, data: Recommendation[], nextCursor }; text/csv or XLSX: one row per line', 404: 'runId names no run' },
    produces: ['application/json', 'text/csv', XLSX_TYPE],
    csvResult: {
      description: 'For format=csv (or Accept: text/csv); XLSX has the same columns, text as text cells. Formula-like text starts with an apostrophe.',
      columns: recommendationSheetColumns.map(({ name }) => ({ name, schema: { type: ['string', 'number', 'null'] } })),
    },
  },
  {
    method: 'post',
    path: '/recommendations/decisions',
    summary: 'Approve, reject or undo several lines at once, each at the version the buyer saw',
    description:
      'One transaction. A line changed since its version, or whose status does not allow the action (reject after approve: undo first), is ' +
      'left as it is and listed in skipped with the reason; the others are applied.',
    permission: 'decide',
    body: bulkDecisionBody,
    result: bulkDecisionResponse,
    responses: { 200: '{ applied, skipped }' },
  },
  {
    method: 'post',
    path: '/recommendations/:id/notes',
    summary: 'Add a note to a line (any status; it joins the line\'s history, the version stays)',
    permission: 'decide',
    params: idParams,
    body: noteBody,
    result: noteResponse,
    responses: { 201: 'The note as an event of the history', 404: 'No such recommendation' },
  },
  {
    method: 'get',
    path: '/recommendations/:id',
    summary: 'One recommendation with its explanation and history',
    description: 'The ETag header (W/"<id>-<version>") is what PATCH needs in If-Match.',
    permission: 'read',
    params: idParams,
    result: recommendationDetailResponse,
    responses: { 200: 'The recommendation', 404: 'No such recommendation' },
    responseHeaders: { 200: [etagHeader('W/"<id>-<version>": send it in If-Match to change the recommendation.')] },
  },
  {
    method: 'patch',
    path: '/recommendations/:id',
    summary: 'Approve, reject or set the quantity of a recommendation',
    description:
      'set-quantity rounds up to the order multiple of the supplier item; the response lists warnings (rounding, below MOQ). ' +
      'Each change is an event in the history. Exported recommendations cannot change (409).',
    permission: 'decide',
    params: idParams,
    body: recommendationPatchBody,
    result: recommendationDecisionResponse,
    headers: [ifMatch],
    responseHeaders: { 200: [etagHeader('The new version (W/"<id>-<version>"), for the next change.')] },
    responses: {
      200: 'The recommendation after the change, with warnings',
      404: 'No such recommendation',
      409: 'Not allowed in its status',
      412: 'If-Match is stale: someone changed it since',
      422: 'Nothing to order, or no supplier',
      428: 'If-Match missing',
    },
  },
  {
    method: 'post',
    path: '/recommendations/approve',
    summary: 'Approve every proposed line of one supplier × location draft order',
    permission: 'decide',
    body: bulkApproveBody,
    result: bulkApproveResponse,
    responses: { 200: '{ runId, approvedIds }', 404: 'No succeeded run, or runId names no run' },
  },
  {
    method: 'get',
    path: '/purchase-orders/suggested',
    summary: 'Pull suggested purchase orders changed since the last pull',
    description:
      'One order per supplier × location collects approved lines until the ERP acknowledges it. nextCursor is returned even on the ' +
      'last page: keep it and pull again later. Accept: text/csv gives one row per line, the cursor in X-Next-Cursor.',
    permission: 'export',
    query: suggestedPurchaseOrderQuery,
    result: suggestedPurchaseOrderPageResponse,
    responses: { 200: '{ data: SuggestedPurchaseOrder[], nextCursor, hasMore }; text/csv: one row per line' },
    produces: ['application/json', 'text/csv'],
    csvResult: {
      description: 'Sent for Accept: text/csv. One row per line, the lines of an order one after another, after a header row; RFC 4180 quoting.',
      columns: suggestedOrderCsvColumns.map(({ name, of, field }) => ({ name, schema: suggestedOrderField(of, field) })),
    },
    responseHeaders: {
      200: [
        { name: 'X-Next-Cursor', required: false, description: 'text/csv only: the nextCursor of the page (absent on a first pull that found nothing).', schema: z.string() },
        { name: 'X-Has-More', required: false, description: 'text/csv only: true when another page is waiting.', schema: z.enum(['true', 'false']) },
      ],
    },
  },
  {
    method: 'post',
    path: '/purchase-orders/suggested/:id/ack',
    summary: 'Acknowledge a suggested order with the ERP purchase-order number',
    description:
      'Its recommendations become exported. A retry with the same Idempotency-Key answers the same. If-Match names the order as ' +
      'pulled: if a buyer changed its lines since, the ERP has not seen them and the answer is 412 (pull again).',
    permission: 'export',
    params: idParams,
    body: acknowledgeBody,
    result: suggestedPurchaseOrderResponse,
    headers: [
      { name: 'Idempotency-Key', required: true, description: 'Unique per acknowledgement; reuse it on retries.', schema: idempotencyKeyHeader },
      { name: 'If-Match', required: true, description: 'The etag of the order as pulled (W/"<id>-<change number>"). Missing: 428. Stale: 412.', schema: z.string() },
    ],
    responses: {
      200: 'The acknowledged order',
      404: 'No such order',
      409: 'Acknowledged with another number, cancelled, or key reused',
      412: 'The order changed since it was pulled, or If-Match names another order',
      428: 'If-Match missing',
    },
  },
  {
    method: 'get',
    path: '/draft-orders',
    summary: "A run's draft purchase orders, one per supplier × location, as their lines stand: value, minimum order value, shortfall, pull-forward",
    description: 'Lines proposed or approved with a quantity; amounts in the supplier\'s currency (never converted). Not paged: one row per supplier × location.',
    permission: 'read',
    query: draftOrderListQuery,
    result: draftOrderListResponse,
    responses: { 200: '{ runId, data: DraftOrder[] }' },
  },
  {
    method: 'get',
    path: '/draft-orders/:supplierId/:locationId',
    summary: 'One draft purchase order with its lines (and their versions, to approve exactly what was shown)',
    description: 'format=csv or xlsx (or Accept) answers the lines as a spreadsheet, then rows for the order value, minimum order value and shortfall.',
    permission: 'read',
    params: draftOrderParams,
    query: draftOrderQuery,
    result: draftOrderResponse,
    responses: { 200: 'The order; text/csv or XLSX: one row per line, then the totals', 404: 'No such draft order in the run, or no run' },
    produces: ['application/json', 'text/csv', XLSX_TYPE],
    csvResult: {
      description: 'For format=csv (or Accept: text/csv); XLSX has the same columns. Formula-like text starts with an apostrophe.',
      columns: draftOrderSheetColumns({} as Parameters<typeof draftOrderSheetColumns>[0]).map(({ name }) => ({ name, schema: { type: ['string', 'number', 'null'] } })),
    },
  },
  {
    method: 'get',
    path: '/suppliers/lead-times',
    summary: "Every supplier's promised against actual lead time, lateness and on-time rate, over the window and per month (the trend)",
    permission: 'read',
    query: supplierLeadTimeQuery,
    result: supplierLeadTimeResponse,
    responses: { 200: '{ endDate, months, data }' },
  },
  { method: 'get', path: '/locations', summary: 'All stocking locations, by code (a handful: not paged)', permission: 'read', query: locationListQuery, result: locationListResponse, responses: { 200: '{ data }' } },
  { method: 'get', path: '/suppliers', summary: 'List suppliers', permission: 'read', query: supplierListQuery, result: supplierPageResponse, responses: { 200: '{ data, nextCursor }' } },
  {
    method: 'get',
    path: '/suppliers/:id',
    summary: 'One supplier with its items and learned lead times',
    permission: 'read',
    params: idParams,
    result: supplierDetailResponse,
    responses: { 200: 'The supplier', 404: 'No such supplier' },
  },
  {
    method: 'get',
    path: '/backorders',
    summary: 'Backordered sales-order lines with their ETA from incoming supply',
    description:
      'One run (default: the latest succeeded). Earliest ETA first, lines without one last; cursor pagination (pass nextCursor back as cursor). ' +
      'Per SKU × location, lines are served earliest promised date first (no promise: the order date), then earliest order date; ' +
      'supply earliest arrival first: free stock, open purchase-order lines (promise + the supplier\'s learned mean lateness), approved recommendations.',
    permission: 'read',
    query: backorderListQuery,
    result: backorderPageResponse,
    responses: { 200: '{ runId, data: Backorder[], nextCursor }', 404: 'runId names no run' },
  },
  {
    method: 'get',
    path: '/backorders/accuracy',
    summary: 'ETA accuracy: backordered lines that shipped, against the first ETA given and the last before shipping, by eta and etaLateCase, overall and per supplier',
    description: 'A line ships on the as-of date of the first run that finds it no longer backordered. Also the metric replen_backorder_eta_on_time_ratio{measure} (units).',
    permission: 'read',
    query: backorderAccuracyQuery,
    result: backorderAccuracyResponse,
    responses: { 200: '{ overall, suppliers }' },
  },
  {
    method: 'get',
    path: '/backorders/:salesOrderLineId',
    summary: 'One backordered line: its ETA and the stock, purchase-order lines and approved recommendations allocated to it',
    permission: 'read',
    params: backorderParams,
    query: backorderDetailQuery,
    result: backorderDetailResponse,
    responses: { 200: 'The line with its allocation', 404: 'The line is not backordered in that run, or no run' },
  },
  {
    method: 'get',
    path: '/exceptions',
    summary: 'Open exceptions: spikes, drops, forecast bias, cleaned outliers, new and dying items, forecast and order-value jumps',
    description:
      'Newest first; cursor pagination (pass nextCursor back as cursor). Each carries the numbers behind it and the action replen took. ' +
      'A run that no longer finds the condition resolves it; acknowledged=true lists the acknowledged ones still unresolved.',
    permission: 'read',
    query: exceptionListQuery,
    result: exceptionPageResponse,
    responses: { 200: '{ data: Exception[], nextCursor }' },
  },
  {
    method: 'post',
    path: '/exceptions/:id/acknowledge',
    summary: 'Acknowledge an exception: it leaves the open list (acknowledging again keeps the first acknowledgement)',
    permission: 'decide',
    params: idParams,
    body: acknowledgeExceptionBody,
    bodyOptional: true,
    result: exceptionResponse,
    responses: { 200: 'The exception, acknowledged', 404: 'No unresolved exception with that id' },
  },
  {
    method: 'post',
    path: '/forecast-overrides',
    summary: "A buyer's forecast override for a SKU × location over a date range: units per week or a percentage, with a reason and an expiry",
    description: 'The planner uses it for the forecast weeks overlapping the range until it expires; the creation is audited with the forecast it changed.',
    permission: 'decide',
    body: createOverrideBody,
    result: overrideResponse,
    responses: { 201: 'The override', 422: 'An unknown SKU × location pair, an end before the start, an expiry in the past' },
  },
  {
    method: 'get',
    path: '/forecast-overrides',
    summary: 'Forecast overrides, newest first, by SKU and location code; active=true: those in force today',
    permission: 'read',
    query: overrideListQuery,
    result: overridePageResponse,
    responses: { 200: '{ data: Override[], nextCursor }' },
  },
  {
    method: 'get',
    path: '/forecast-overrides/:id',
    summary: 'One forecast override with its audit: who changed what when, before and after, and the forecast weeks it covered',
    permission: 'read',
    params: idParams,
    result: overrideDetailResponse,
    responses: { 200: 'The override and its audit', 404: 'No such override' },
  },
  {
    method: 'patch',
    path: '/forecast-overrides/:id',
    summary: 'Change a forecast override (audited); version, when given, must be the current one',
    permission: 'decide',
    params: idParams,
    body: updateOverrideBody,
    result: overrideResponse,
    responses: { 200: 'The override as changed', 404: 'No such override', 409: 'Cancelled, or changed since that version', 422: 'An end before the start, an expiry in the past' },
  },
  {
    method: 'delete',
    path: '/forecast-overrides/:id',
    summary: 'Cancel a forecast override (audited; kept for the record and the forecast value added of the weeks before)',
    permission: 'decide',
    params: idParams,
    result: overrideResponse,
    responses: { 200: 'The override, cancelled', 404: 'No such override', 409: 'Already cancelled' },
  },
  {
    method: 'get',
    path: '/forecast-value-added',
    summary: 'Were the overrides closer to the demand than the statistical forecast? MAE and MAPE of both, per buyer and per reason',
    description: 'Over the complete weeks the overrides not cancelled covered: the actual weekly sales, the statistical forecast made before the week began, and the override.',
    permission: 'read',
    result: valueAddedResponse,
    responses: { 200: '{ weeks, byBuyer, byReason }' },
  },
  {
    method: 'get',
    path: '/app/session',
    summary: "The caller's key: name and role (the buyers' page shows them and hides what the role may not do)",
    permission: 'read',
    result: sessionResponse,
    responses: { 200: '{ name, role }' },
  },
  { method: 'get', path: '/skus', summary: 'List SKUs', permission: 'read', query: skuListQuery, result: skuPageResponse, responses: { 200: '{ data, nextCursor }' } },
  {
    method: 'get',
    path: '/skus/:sku',
    summary: 'One SKU: weekly history, forecast with intervals, policy, stock position, projected stock-out, accuracy',
    permission: 'read',
    params: skuParams,
    query: skuDetailQuery,
    result: skuDetailResponse,
    responses: { 200: 'The SKU per location', 404: 'No such SKU or run' },
  },
  {
    method: 'post',
    path: '/keys',
    summary: 'Create an API key',
    description: 'The key is in this response only; the service keeps its hash.',
    permission: 'admin',
    body: createKeyBody,
    result: createdApiKeyResponse,
    responses: { 201: 'The key record and the key' },
    responseHeaders: { 201: [locationHeader('/keys/<id>')] },
  },
  { method: 'get', path: '/keys', summary: 'List API keys (without secrets)', permission: 'admin', result: apiKeyListResponse, responses: { 200: '{ data }' } },
  {
    method: 'delete',
    path: '/keys/:id',
    summary: 'Revoke an API key',
    permission: 'admin',
    params: idParams,
    result: apiKeyResponse,
    responses: { 200: 'The revoked key record', 404: 'No such key', 409: 'It is the last active admin key: create another admin key first' },
  },
  {
    method: 'get',
    path: '/receipts/:id/allocation',
    summary: "A receipt's cross-dock list: which backordered sales-order lines to ship from it, in which order, before the rest goes to stock",
    description:
      'Allocated when the receipt is imported (pushed or pulled), first promised first served as in the nightly allocation; ' +
      'each line allocated also sends backorder.ready_to_ship.',
    permission: 'read',
    params: receiptParams,
    query: receiptAllocationQuery,
    result: receiptAllocationResponse,
    responses: { 200: 'The receipt with its lines; text/csv: one row per line', 404: 'No such receipt' },
    produces: ['application/json', 'text/csv'],
    csvResult: {
      description: 'For format=csv (or Accept: text/csv). Formula-like text starts with an apostrophe.',
      columns: receiptAllocationCsvColumns.map(({ name }) => ({ name, schema: { type: ['string', 'number', 'null'] } })),
    },
  },
  {
    method: 'post',
    path: '/webhooks',
    summary: 'Register a webhook endpoint',
    description:
      'Events are signed (Replen-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">) with the secret in this answer only; ' +
      'a 2xx within WEBHOOK_TIMEOUT_MS is success, anything else is retried with exponential backoff for WEBHOOK_RETRY_HOURS.',
    permission: 'admin',
    body: createWebhookBody,
    result: createdWebhookResponse,
    responses: { 201: 'The endpoint and its signing secret (shown once)', 400: 'Not http(s), credentials in the URL, this API itself, or an unknown event' },
    responseHeaders: { 201: [locationHeader('/webhooks/<id>')] },
  },
  { method: 'get', path: '/webhooks', summary: 'List webhook endpoints (without secrets)', permission: 'admin', result: webhookListResponse, responses: { 200: '{ data }' } },
  {
    method: 'get',
    path: '/webhooks/:id',
    summary: 'One webhook endpoint, with why it was disabled if it was',
    permission: 'admin',
    params: webhookParams,
    result: webhookResponse,
    responses: { 200: 'The endpoint', 404: 'No such endpoint' },
  },
  {
    method: 'patch',
    path: '/webhooks/:id',
    summary: 'Change an endpoint: url, events, description; enabled: true sends what waited while it was disabled',
    permission: 'admin',
    params: webhookParams,
    body: updateWebhookBody,
    result: webhookResponse,
    responses: { 200: 'The endpoint', 400: 'Bad url or unknown event', 404: 'No such endpoint' },
  },
  {
    method: 'delete',
    path: '/webhooks/:id',
    summary: 'Delete an endpoint and its deliveries',
    permission: 'admin',
    params: webhookParams,
    responses: { 204: 'Deleted', 404: 'No such endpoint' },
  },
  {
    method: 'get',
    path: '/webhooks/:id/deliveries',
    summary: "An endpoint's deliveries, newest first: status, attempts with status codes and durations, next attempt",
    permission: 'admin',
    params: webhookParams,
    query: deliveryListQuery,
    result: deliveryPageResponse,
    responses: { 200: '{ data, nextCursor }', 404: 'No such endpoint' },
  },
  {
    method: 'post',
    path: '/webhooks/:id/deliveries/:deliveryId/retry',
    summary: 'Send a delivery again now (the same event id)',
    permission: 'admin',
    params: deliveryParams,
    result: deliveryResponse,
    responses: { 202: 'Queued', 404: 'No such endpoint or delivery' },
  },
  {
    method: 'post',
    path: '/webhooks/:id/test',
    summary: 'Queue a signed webhook.test event to this endpoint alone',
    permission: 'admin',
    params: webhookParams,
    result: testEventResponse,
    responses: { 202: '{ eventId }: see it in the deliveries', 404: 'No such endpoint' },
  },
  {
    method: 'get',
    path: '/sources',
    summary: 'The ERP sources of SOURCES_FILE and how their pulls went',
    description:
      'Each configured source (none without SOURCES_FILE) with its kind, schedule, cursor, last pull (outcome, records and counts), ' +
      'last success, last error, running totals and, for a CSV folder, the files waiting. No settings or secrets.',
    permission: 'read',
    query: sourceListQuery,
    result: sourceListResponse,
    responses: { 200: '{ data: SourceStatus[] }' },
  },
  {
    method: 'get',
    path: '/metrics',
    summary: 'Prometheus metrics: request latency, job durations, SKUs planned, recommendations by status, ERP pulls per source',
    permission: 'read',
    produces: ['text/plain'],
    responses: { 200: 'Prometheus text format (text/plain; version=0.0.4)' },
  },
  { method: 'get', path: '/openapi.json', summary: 'This document', permission: null, responses: { 200: 'OpenAPI 3.1' } },
  { method: 'get', path: '/docs', summary: 'This document as a page', permission: null, responses: { 200: 'HTML' }, produces: ['text/html'] },
  ...importRouteDocs(),
];

function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

function parametersOf(where: 'path' | 'query', schema: z.ZodObject | undefined) {
  if (!schema) return [];
  const object = jsonSchema(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    ...(property.description ? { description: property.description } : {}),
    schema: property,
  }));
}

/**
 * A CSV body or answer as a JSON Schema: a string of media type text/csv. OpenAPI has no keyword for columns, so they
 * are named in the description (for any reader) and listed with their types in x-csv-columns (for /docs and tools).
 */
function csvSchema(csv: CsvDoc): JsonSchema {
  return {
    type: 'string',
    contentMediaType: 'text/csv',
    description: `Columns: ${csv.columns.map((column) => column.name).join(', ')}. ${csv.description}`,
    'x-csv-columns': csv.columns,
  };
}

const headersOf = (headers: HeaderDoc[]) =>
  Object.fromEntries(headers.map((header) => [header.name, { description: header.description, required: header.required, schema: jsonSchema(header.schema) }]));

const errorSchemaWithDetails = (details: JsonSchema) => ({
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details },
    },
  },
});
const errorSchema = errorSchemaWithDetails({});

/** The schema of a success answer in one media type: the JSON result, the CSV columns, or text. */
function successContent(route: RouteDoc, type: string): Record<string, unknown> {
  if (type === 'application/json') return route.result ? { schema: jsonSchema(route.result, 'output') } : {};
  if (type === 'text/csv' && route.csvResult) return { schema: csvSchema(route.csvResult) };
  return { schema: { type: 'string' } };
}

/** The JSON schema of the order or line field a column of the suggested-order CSV holds. */
function suggestedOrderField(of: 'order' | 'line', field: string): JsonSchema {
  type ObjectSchema = { properties: Record<string, JsonSchema & { items?: ObjectSchema }> };
  const order = jsonSchema(suggestedPurchaseOrderResponse, 'output') as ObjectSchema;
  return (of === 'order' ? order : order.properties.lines.items!).properties[field];
}

/** The OpenAPI 3.1 document of the API, built from routeDocs. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routeDocs) {
    const path = route.path.replace(/:(\w+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(route.responses)) {
      const ok = Number(status) < 400;
      const details = route.errorDetails?.[Number(status)];
      const errorContent = details ? errorSchemaWithDetails(jsonSchema(details, 'output')) : { $ref: '#/components/schemas/Error' };
      const content = ok
        ? Object.fromEntries((route.produces ?? ['application/json']).map((type) => [type, successContent(route, type)]))
        : { 'application/json': { schema: errorContent } };
      const headers = route.responseHeaders?.[Number(status)];
      responses[status] = { description, ...(headers ? { headers: headersOf(headers) } : {}), content };
    }
    if (route.permission) {
      responses['401'] = { description: 'Missing or invalid API key', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
      responses['403'] = { description: 'The key\'s role may not do this', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    if (route.params || route.query || route.body) {
      responses['400'] = { description: 'Invalid input (unknown fields are invalid too)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    // Every body is read by src/http/body.ts, with its limits (imports document their own).
    if (route.body) {
      const error = { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } };
      responses['413'] ??= { description: `The body is larger than ${DEFAULT_BODY_LIMITS.json / 1024} kB once inflated`, content: error };
      responses['415'] ??= { description: 'Not application/json, or a Content-Encoding or charset that is not accepted', content: error };
    }
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      ...(route.permission
        ? { security: [{ bearer: [] }], 'x-permission': route.permission, 'x-roles': rolesWith[route.permission].split(', ') }
        : { security: [] }),
      parameters: [
        ...parametersOf('path', route.params),
        ...parametersOf('query', route.query),
        ...(route.headers ?? []).map((header) => ({
          name: header.name,
          in: 'header',
          required: header.required,
          description: header.description,
          schema: jsonSchema(header.schema),
        })),
      ],
      ...(route.body
        ? {
            requestBody: {
              required: !route.bodyOptional,
              content: {
                'application/json': { schema: jsonSchema(route.body) },
                ...(route.csvBody ? { 'text/csv': { schema: csvSchema(route.csvBody) } } : {}),
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'replen',
      version: '0.1.0',
      description: 'Purchase-order recommendations for buyers and the ERP. Authenticate with Authorization: Bearer <API key>.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key (POST /keys, or the admin key printed at start-up).' } },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}

/** The CSV columns of an import kind (the parser's own list), each with the type and required-ness of the JSON field it fills. */
function importCsvColumns(kind: ImportKindName): CsvDoc['columns'] {
  type ObjectSchema = { properties?: Record<string, JsonSchema & { items?: ObjectSchema }>; required?: string[] };
  const record = jsonSchema(importKinds[kind].schema) as ObjectSchema;
  const line = record.properties?.lines?.items;
  return csvColumns(kind).map(({ name, field }) => {
    const [object, key] = field.startsWith('lines.0.') ? [line!, field.slice('lines.0.'.length)] : [record, field];
    return { name, required: (object.required ?? []).includes(key), schema: object.properties![key] };
  });
}

function mebibytes(bytes: number): string {
  return `${bytes / 1024 / 1024} MB`;
}

/** POST /imports/<kind>, one per kind of src/services/imports/kinds.ts: a JSON array of its records, or CSV. */
function importRouteDocs(): RouteDoc[] {
  return (Object.keys(importKinds) as ImportKindName[]).map((kind) => {
    const record = importKinds[kind].schema;
    const ordered = 'fromCsv' in importKinds[kind];
    return {
      method: 'post',
      path: `/imports/${kind}`,
      summary: `Import ${kind} from the ERP (upsert on natural keys)`,
      description:
        'A JSON array of records, or text/csv with a header row (empty cells take the defaults). Numbers and booleans may ' +
        `also come as text. Writes ${importKinds[kind].tables.join(', ')} in one transaction; re-posting the same rows changes nothing.`,
      permission: 'import',
      query: importQuery,
      body: z.array(record),
      csvBody: {
        description:
          'Content-Type: text/csv. A header row naming the columns (any order; the required ones must be there), then one row per ' +
          `${ordered ? 'order line: the order\'s columns repeat on each of its lines, which follow one another' : 'record'}. ` +
          'An empty cell takes the default; numbers and booleans (true/false, yes/no, 1/0) as text.',
        columns: importCsvColumns(kind),
      },
      result: importResponse(kind),
      errorDetails: { 422: importErrors },
      responses: {
        200: 'Rows inserted, updated and unchanged per table; errors lists the rows left out (mode=partial)',
        413: `More than ${DEFAULT_MAX_IMPORT_ROWS} rows, a JSON body over ${mebibytes(IMPORT_BODY_LIMITS.json)} or a CSV body over ${mebibytes(IMPORT_BODY_LIMITS.csv)} (once inflated)`,
        415: 'Neither application/json nor text/csv',
        422: 'Bad rows (mode=all): nothing was imported; error.details lists { row, field, reason }',
      },
    };
  });
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

type MediaTypes = Record<string, { schema?: JsonSchema }>;

/** What one media type of a body or answer holds: CSV a table of its columns, JSON its schema, text nothing more. */
function renderMediaType(type: string, media: { schema?: JsonSchema }): string {
  const schema = media.schema;
  const columns = schema?.['x-csv-columns'] as CsvDoc['columns'] | undefined;
  if (columns) {
    // A body's columns say which must be filled; an answer's schemas say which may be empty (null).
    const body = columns.some((column) => column.required !== undefined);
    const rows = columns
      .map(
        (column) =>
          `<tr><td><code>${escapeHtml(column.name)}</code></td>${body ? `<td>${column.required ? 'yes' : ''}</td>` : ''}` +
          `<td><code>${escapeHtml(JSON.stringify(column.schema))}</code></td></tr>`,
      )
      .join('');
    const note = String(schema!.description).replace(/^Columns: [^.]*\. /, '');
    return `<p>${escapeHtml(note)}</p><table class="csv"><tr><th>column</th>${body ? '<th>required</th>' : ''}<th>schema</th></tr>${rows}</table>`;
  }
  return type === 'application/json' && schema ? `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>` : '';
}

/** A self-contained page listing every path with its parameters and headers, bodies per media type and answers: no script, no CDN. */
export function docsPage(document: Record<string, unknown>): string {
  const paths = document.paths as Record<string, Record<string, Record<string, unknown>>>;
  const sections = Object.entries(paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const parameters = (operation.parameters as Array<Record<string, unknown>>)
        .map(
          (p) =>
            `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${p.in}</td><td>${p.required ? 'yes' : ''}</td>` +
            `<td><code>${escapeHtml(JSON.stringify(p.schema))}</code></td><td>${escapeHtml(String(p.description ?? ''))}</td></tr>`,
        )
        .join('');
      const requestBody = operation.requestBody as { required: boolean; content: MediaTypes } | undefined;
      const body = requestBody
        ? `<h3>Body${requestBody.required ? '' : ' (optional)'}</h3>` +
          Object.entries(requestBody.content)
            .map(([type, media]) => `<h4><code>${escapeHtml(type)}</code></h4>${renderMediaType(type, media)}`)
            .join('')
        : '';
      type Response = { description: string; headers?: Record<string, { description: string; schema: JsonSchema }>; content: MediaTypes };
      const responses = Object.entries(operation.responses as Record<string, Response>)
        .map(([status, response]) => {
          const headers = Object.entries(response.headers ?? {})
            .map(([name, header]) => `<li>header <code>${escapeHtml(name)}</code>: ${escapeHtml(header.description)}</li>`)
            .join('');
          const media =
            Number(status) < 400
              ? Object.entries(response.content)
                  .filter(([type, content]) => content.schema || type !== 'application/json')
                  .map(([type, content]) => `<details><summary><code>${escapeHtml(type)}</code></summary>${renderMediaType(type, content)}</details>`)
                  .join('')
              : '';
          return `<li><b>${status}</b> ${escapeHtml(response.description)}${headers ? `<ul>${headers}</ul>` : ''}${media}</li>`;
        })
        .join('');
      const roles = operation['x-roles'] ? `roles: ${(operation['x-roles'] as string[]).join(', ')}` : 'no key needed';
      return `<section id="${escapeHtml(method + path)}">
<h2><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h2>
<p>${escapeHtml(String(operation.summary))} <i>(${roles})</i></p>
${operation.description ? `<p>${escapeHtml(String(operation.description))}</p>` : ''}
${parameters ? `<table><tr><th>name</th><th>in</th><th>required</th><th>schema</th><th></th></tr>${parameters}</table>` : ''}
${body}
<ul>${responses}</ul>
</section>`;
    }),
  );
  const info = document.info as { title: string; description: string };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(info.title)} API</title>
<style>body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ccc}
.method{display:inline-block;min-width:4.5rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.2rem .4rem;text-align:left;vertical-align:top}
pre{background:#f6f6f6;padding:.5rem;overflow:auto}h4{margin:.5rem 0 .2rem}</style></head>
<body><h1>${escapeHtml(info.title)} API</h1><p>${escapeHtml(info.description)} The machine-readable document: <a href="/openapi.json">/openapi.json</a>.</p>
${sections.join('\n')}
</body></html>`;
}
