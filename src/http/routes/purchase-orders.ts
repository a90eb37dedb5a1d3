import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { SuggestedPurchaseOrder } from '../../../db/repositories/suggested-purchase-orders';
import { AppError, PreconditionFailedError } from '../../errors';
import type { ApiKeyService } from '../../services/api-key-service';
import type { PurchaseOrderService } from '../../services/purchase-order-service';
import { requirePermission } from '../auth';
import { acknowledgeBody, cursorParts, decodeCursor, encodeCursor, idParams, idempotencyKeyHeader, suggestedPurchaseOrderQuery } from '../schemas';

const cursorTag = 'suggested-purchase-orders';
const cursorKey = z.tuple([cursorParts.timestamp, cursorParts.id]);

const csvColumns = [
  'purchase_order_id', 'status', 'supplier_id', 'supplier_name', 'currency', 'location_code', 'line_id', 'recommendation_id',
  'sku', 'supplier_sku', 'quantity', 'unit_cost', 'line_value', 'need_by_date', 'erp_po_number', 'etag',
];

/** The version of an order as pulled: its id and change time. The acknowledgement sends it back in If-Match. */
export const purchaseOrderEtag = (order: SuggestedPurchaseOrder) => `W/"${order.id}-${order.changeKey[0]}"`;

/** The order as the API shows it: the cursor key stays internal, the ETag goes out. */
function present(order: SuggestedPurchaseOrder) {
  const { changeKey: _, ...shown } = order;
  return { ...shown, etag: purchaseOrderEtag(order) };
}

/**
 * The change time the ERP pulled, from If-Match. Missing: 428, so that no acknowledgement can cover lines the ERP
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

function sendCsv(res: Response, orders: SuggestedPurchaseOrder[]): void {
  const rows = orders.flatMap((order) =>
    order.lines.map((line) => [
      order.id, order.status, order.supplierId, order.supplierName, order.currency, order.locationCode, line.id, line.recommendationId,
      line.sku, line.supplierSku, line.quantity, line.unitCost, line.lineValue, line.needByDate, order.erpPoNumber, purchaseOrderEtag(order),
    ]),
  );
  res.type('text/csv').send([csvColumns, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n');
}

/** The ERP's side: pull approved lines grouped into suggested purchase orders, then acknowledge each with its PO number. */
export function purchaseOrderRoutes(purchaseOrders: PurchaseOrderService, apiKeys: ApiKeyService): Router {
  const router = Router();

  router.get('/purchase-orders/suggested', requirePermission(apiKeys, 'export'), async (req, res) => {
    const query = suggestedPurchaseOrderQuery.parse(req.query);
    const after = query.cursor ? decodeCursor(cursorTag, query.cursor, cursorKey) : undefined;
    const page = await purchaseOrders.pull({ after, limit: query.limit });
    const nextCursor = page.lastKey ? encodeCursor(cursorTag, page.lastKey) : null;
    res.vary('Accept');
    if (req.accepts(['application/json', 'text/csv']) === 'text/csv') {
      if (nextCursor) res.setHeader('X-Next-Cursor', nextCursor);
      res.setHeader('X-Has-More', String(page.hasMore));
      sendCsv(res, page.data);
      return;
    }
    res.json({ data: page.data.map(present), nextCursor, hasMore: page.hasMore });
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
