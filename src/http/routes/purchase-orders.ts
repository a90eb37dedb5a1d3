import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SuggestedPurchaseOrder } from '../../../db/repositories/suggested-purchase-orders';
import { AppError, PreconditionFailedError } from '../../errors';
import type { ApiKeyService } from '../../services/api-key-service';
import type { PurchaseOrderService } from '../../services/purchase-order-service';
import { requirePermission } from '../auth';
import { acknowledgeBody, cursorParts, decodeCursor, encodeCursor, idParams, idempotencyKeyHeader, suggestedPurchaseOrderQuery } from '../schemas';

const cursorTag = 'suggested-purchase-orders';
/** (change_seq, id) of the last order pulled: the number as PostgreSQL prints a bigint. */
const cursorKey = z.tuple([z.string().regex(/^\d{1,19}$/), cursorParts.id]);

const csvColumns = [
  'purchase_order_id', 'status', 'supplier_id', 'supplier_name', 'currency', 'location_code', 'line_id', 'recommendation_id',
  'sku', 'supplier_sku', 'quantity', 'unit_cost', 'line_value', 'need_by_date', 'erp_po_number', 'etag',
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

/** RFC 4180 field: quoted when it holds a comma, quote or line break; a leading =+-@ is prefixed so spreadsheets don't run it. */
function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (/^[=+\-@]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvRow = (row: unknown[]) => row.map(csvField).join(',') + '\r\n';

async function* csvText(orders: AsyncIterable<SuggestedPurchaseOrder>): AsyncGenerator<string> {
  yield csvRow(csvColumns);
  for await (const order of orders) {
    yield order.lines
      .map((line) =>
        csvRow([
          order.id, order.status, order.supplierId, order.supplierName, order.currency, order.locationCode, line.id, line.recommendationId,
          line.sku, line.supplierSku, line.quantity, line.unitCost, line.lineValue, line.needByDate, order.erpPoNumber, purchaseOrderEtag(order),
        ]),
      )
      .join('');
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
