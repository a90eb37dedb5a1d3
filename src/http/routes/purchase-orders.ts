import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SuggestedPurchaseOrder } from '../../../db/repositories/suggested-purchase-orders';
import { AppError, PreconditionFailedError } from '../../errors';
import type { ApiKeyService } from '../../services/api-key-service';
import type { DraftOrder, DraftOrderService } from '../../services/draft-order-service';
import type { PurchaseOrderService } from '../../services/purchase-order-service';
import { requirePermission } from '../auth';
import { csvRow, exportFormat, sendSpreadsheet, type SheetColumn } from '../spreadsheet';
import {
  acknowledgeBody,
  cursorParts,
  decodeCursor,
  draftOrderListQuery,
  draftOrderParams,
  draftOrderQuery,
  encodeCursor,
  idParams,
  idempotencyKeyHeader,
  suggestedPurchaseOrderQuery,
} from '../schemas';

const cursorTag = 'suggested-purchase-orders';
/** (change_seq, id) of the last order pulled: the number as PostgreSQL prints a bigint. */
const cursorKey = z.tuple([cursorParts.bigint, cursorParts.bigId]);

type SuggestedLine = SuggestedPurchaseOrder['lines'][number];
type PresentedOrder = ReturnType<typeof present>;

/**
 * The CSV export, one row per line: each column names the field of the order (as the JSON answer shows it) or of the
 * line it holds, so the header, the rows and the documented columns (their types from the JSON schema) cannot drift.
 */
export const suggestedOrderCsvColumns: Array<{ name: string; of: 'order'; field: keyof PresentedOrder } | { name: string; of: 'line'; field: keyof SuggestedLine }> = [
  { name: 'purchase_order_id', of: 'order', field: 'id' },
  { name: 'status', of: 'order', field: 'status' },
  { name: 'supplier_id', of: 'order', field: 'supplierId' },
  { name: 'supplier_name', of: 'order', field: 'supplierName' },
  { name: 'currency', of: 'order', field: 'currency' },
  { name: 'location_code', of: 'order', field: 'locationCode' },
  { name: 'line_id', of: 'line', field: 'id' },
  { name: 'recommendation_id', of: 'line', field: 'recommendationId' },
  { name: 'sku', of: 'line', field: 'sku' },
  { name: 'supplier_sku', of: 'line', field: 'supplierSku' },
  { name: 'quantity', of: 'line', field: 'quantity' },
  { name: 'unit_cost', of: 'line', field: 'unitCost' },
  { name: 'line_value', of: 'line', field: 'lineValue' },
  { name: 'need_by_date', of: 'line', field: 'needByDate' },
  { name: 'erp_po_number', of: 'order', field: 'erpPoNumber' },
  { name: 'etag', of: 'order', field: 'etag' },
];

/** The version of an order as pulled: its id and change number. The acknowledgement sends it back in If-Match. */
export const purchaseOrderEtag = (order: SuggestedPurchaseOrder) => `W/"${order.id}-${order.changeKey[0]}"`;

/** The order as the API shows it: the cursor key stays internal, the ETag goes out. */
function present(order: SuggestedPurchaseOrder) {
  const { changeKey: _, ...shown } = order;
  return { ...shown, etag: purchaseOrderEtag(order) };
}

/**
 * The change number the ERP pulled, from If-Match. Missing: 428, so that no acknowledgement can cover lines the ERP
 * never saw. Not this order's ETag form: 412.
 */
function pulledChangeKey(req: Request, id: number): string {
  const header = req.headers['if-match'];
  if (!header) throw new AppError(428, 'precondition_required', 'If-Match with the etag of the order as pulled is required');
  const match = /^(?:W\/)?"(\d+)-([^"]+)"$/.exec(header.trim());
  if (!match || Number(match[1]) !== id) throw new PreconditionFailedError('If-Match does not name this purchase order');
  return match[2];
}

async function* csvText(orders: AsyncIterable<SuggestedPurchaseOrder>): AsyncGenerator<string> {
  yield csvRow(suggestedOrderCsvColumns.map((column) => column.name));
  for await (const order of orders) {
    const shown = present(order);
    yield order.lines.map((line) => csvRow(suggestedOrderCsvColumns.map((column) => (column.of === 'order' ? shown[column.field] : line[column.field])))).join('');
  }
}

/** The page as JSON, one order at a time: { data: [...], nextCursor, hasMore } with the cursor known before the orders. */
async function* jsonText(orders: AsyncIterable<SuggestedPurchaseOrder>, nextCursor: string | null, hasMore: boolean): AsyncGenerator<string> {
  yield '{"data":[';
  let separator = '';
  for await (const order of orders) {
    yield separator + JSON.stringify(present(order));
    separator = ',';
  }
  yield `],"nextCursor":${JSON.stringify(nextCursor)},"hasMore":${hasMore}}`;
}

/**
 * Sends text as it is produced, waiting when the client reads slower than the database answers. A failure once the
 * answer has begun cannot become an error status: the connection is cut, so the client never takes a truncated
 * answer for a whole one.
 */
async function stream(res: Response, text: AsyncIterable<string>): Promise<void> {
  try {
    for await (const chunk of text) {
      if (res.write(chunk)) continue;
      await new Promise<void>((resolve) => {
        const resume = () => {
          res.off('drain', resume).off('close', resume);
          resolve();
        };
        res.on('drain', resume).on('close', resume);
      });
      // The client went away: stop reading (leaving the loop closes the query generator).
      if (res.destroyed) return;
    }
  } catch (error) {
    if (!res.headersSent) throw error;
    res.destroy(error as Error);
    return;
  }
  res.end();
}

/** The ERP's side: pull approved lines grouped into suggested purchase orders, then acknowledge each with its PO number. */
export function purchaseOrderRoutes(purchaseOrders: PurchaseOrderService, apiKeys: ApiKeyService): Router {
  const router = Router();

  router.get('/purchase-orders/suggested', requirePermission(apiKeys, 'export'), async (req, res) => {
    const query = suggestedPurchaseOrderQuery.parse(req.query);
    const after = query.cursor ? decodeCursor(cursorTag, query.cursor, cursorKey) : undefined;
    const page = await purchaseOrders.pullStream({ after, limit: query.limit });
    const nextCursor = page.lastKey ? encodeCursor(cursorTag, page.lastKey) : null;
    res.vary('Accept');
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      if (nextCursor) res.setHeader('X-Next-Cursor', nextCursor);
      res.setHeader('X-Has-More', String(page.hasMore));
      res.type('text/csv');
      await stream(res, csvText(page.orders));
      return;
    }
    res.type('application/json');
    await stream(res, jsonText(page.orders, nextCursor, page.hasMore));
  });

  router.post('/purchase-orders/suggested/:id/ack', requirePermission(apiKeys, 'export'), async (req, res) => {
    const { id } = idParams.parse(req.params);
    const { erpPoNumber } = acknowledgeBody.parse(req.body);
    const idempotencyKey = z.object({ 'idempotency-key': idempotencyKeyHeader }).parse(req.headers)['idempotency-key'];
    const order = await purchaseOrders.acknowledge(id, { erpPoNumber, idempotencyKey, actor: req.apiKey!.name, pulledChangeKey: pulledChangeKey(req, id) });
    res.json(present(order));
  });

  return router;
}

type DraftLine = DraftOrder['lines'][number];

/** A draft order as a spreadsheet: one row per line, then its total, minimum order value and shortfall. */
export function draftOrderSheetColumns(order: DraftOrder): Array<SheetColumn<DraftLine | { total: string; amount: number | null }>> {
  const lineValue = <T>(read: (line: DraftLine) => T) => (row: DraftLine | { total: string; amount: number | null }) => ('total' in row ? null : read(row));
  return [
    { name: 'supplier', value: () => order.supplierName },
    { name: 'location', value: () => order.locationCode },
    { name: 'sku', value: (row) => ('total' in row ? row.total : row.sku) },
    { name: 'description', value: lineValue((line) => line.description) },
    { name: 'supplier_sku', value: lineValue((line) => line.supplierSku) },
    { name: 'status', value: lineValue((line) => line.status) },
    { name: 'urgency', value: lineValue((line) => line.urgency) },
    { name: 'projected_stockout', value: lineValue((line) => line.projectedStockoutDate) },
    { name: 'quantity', value: lineValue((line) => line.quantity) },
    { name: 'suggested_quantity', value: lineValue((line) => line.suggestedQuantity) },
    { name: 'moq', value: lineValue((line) => line.moq) },
    { name: 'currency', value: () => order.currency },
    { name: 'unit_cost', value: lineValue((line) => line.unitCost) },
    { name: 'line_value', value: (row) => ('total' in row ? row.amount : row.lineValue) },
  ];
}

/** The buyers' draft purchase orders of a run (supplier × location), as their lines stand; one of them as a spreadsheet. */
export function draftOrderRoutes(draftOrders: DraftOrderService, apiKeys: ApiKeyService): Router {
  const router = Router();
  router.get('/draft-orders', requirePermission(apiKeys, 'read'), async (req, res) => {
    res.json(await draftOrders.list(draftOrderListQuery.parse(req.query)));
  });
  router.get('/draft-orders/:supplierId/:locationId', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { supplierId, locationId } = draftOrderParams.parse(req.params);
    const { format: requested, runId } = draftOrderQuery.parse(req.query);
    const order = await draftOrders.get(supplierId, locationId, { runId });
    const format = exportFormat(req, requested);
    if (format === 'json') return res.json(order);
    const totals = [
      { total: 'order value', amount: order.orderValue },
      { total: 'minimum order value', amount: order.minimumOrderValue },
      { total: 'shortfall', amount: order.shortfall },
    ];
    await sendSpreadsheet(res, format, `draft-order-${order.supplierName}-${order.locationCode}-run-${order.runId}`, draftOrderSheetColumns(order), [...order.lines, ...totals]);
  });
  return router;
}
