import { Router } from 'express';
import { z } from 'zod';
import type { ReceiptAllocationLine } from '../../../db/repositories/receipt-allocations';
import type { ApiKeyService } from '../../services/api-key-service';
import type { ReceiptAllocationService } from '../../services/receipt-allocation-service';
import { requirePermission } from '../auth';
import { csvText, exportFormat, type SheetColumn } from '../spreadsheet';

/** Request and response schemas of /receipts: the handlers parse with them and src/http/openapi.ts documents them. */
export const receiptParams = z.strictObject({ id: z.string().min(1).max(200).describe("The receipt's ERP number (its externalId as imported).") });
export const receiptAllocationQuery = z.strictObject({
  format: z.enum(['json', 'csv']).optional().describe('csv: the cross-dock list as a download (also by Accept: text/csv).'),
});
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const receiptAllocationResponse = z.strictObject({
  receiptId: z.number().int(),
  receiptReference: z.string(),
  purchaseOrderReference: z.string(),
  purchaseOrderLineReference: z.string(),
  sku: z.string(),
  locationCode: z.string(),
  receivedDate: date,
  quantity: z.number(),
  allocatedAt: z.iso.datetime().nullable().describe('When the import allocated it; null for a receipt imported before allocation existed.'),
  quantityAllocated: z.number(),
  quantityToStock: z.number().describe('What no waiting line takes: put it away.'),
  lines: z
    .array(
      z.strictObject({
        sequence: z.number().int().describe('1 = ship first: first promised first served.'),
        salesOrderLineId: z.number().int(),
        salesOrderLineReference: z.string(),
        salesOrderReference: z.string(),
        customerRef: z.string(),
        promisedDate: date.nullable(),
        orderDate: date,
        quantity: z.number(),
      }),
    )
    .describe('The backordered lines to ship from this receipt, in order, before the rest goes to stock.'),
});

export const receiptAllocationCsvColumns: Array<SheetColumn<ReceiptAllocationLine & { sku: string; receipt: string }>> = [
  { name: 'sequence', value: (line) => line.sequence },
  { name: 'receipt', value: (line) => line.receipt },
  { name: 'sales_order', value: (line) => line.salesOrderReference },
  { name: 'sales_order_line', value: (line) => line.salesOrderLineReference },
  { name: 'customer', value: (line) => line.customerRef },
  { name: 'sku', value: (line) => line.sku },
  { name: 'quantity', value: (line) => line.quantity },
  { name: 'promised_date', value: (line) => line.promisedDate },
];

/** The warehouse's cross-dock list of a receipt. */
export function receiptRoutes(receipts: ReceiptAllocationService, apiKeys: ApiKeyService): Router {
  const router = Router();
  router.get('/receipts/:id/allocation', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { id } = receiptParams.parse(req.params);
    const { format } = receiptAllocationQuery.parse(req.query);
    const allocation = await receipts.get(id);
    if (exportFormat(req, format) !== 'csv') return res.json(allocation);
    const rows = allocation.lines.map((line) => ({ ...line, sku: allocation.sku, receipt: allocation.receiptReference }));
    res.vary('Accept').setHeader('Content-Disposition', `attachment; filename="receipt-${id.replace(/[^\w.-]+/g, '-')}-allocation.csv"`);
    res.type('text/csv').send(csvText(receiptAllocationCsvColumns, rows));
  });
  return router;
}
