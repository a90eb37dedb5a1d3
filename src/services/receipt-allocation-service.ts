import type { Knex } from 'knex';
import {
  findReceiptAllocations,
  linesWaitingFor,
  saveReceiptAllocations,
  unallocatedReceipts,
  type ReceiptAllocation,
} from '../../db/repositories/receipt-allocations';
import { writeOutboxEvents } from '../../db/repositories/webhooks';
import { allocateReceipts } from '../../models/policy/receipt-allocation';
import { NotFoundError } from '../errors';
import { outboxEvent, salesOrderLineKey } from './webhook-service';

export interface ReceiptAllocationService {
  /**
   * Allocates the receipts of an import batch that are not allocated yet to the backordered lines waiting for them,
   * inside the import's transaction, and writes one backorder.ready_to_ship event per line to the outbox there.
   * Re-importing a receipt allocates nothing again. Returns how many lines were given units.
   */
  allocateImported(trx: Knex.Transaction, receiptReferences: string[]): Promise<number>;
  /** A receipt's cross-dock list: the lines to ship from it, in order; the rest goes to stock. */
  get(receiptReference: string): Promise<ReceiptAllocation & { quantityAllocated: number; quantityToStock: number }>;
}

export function createReceiptAllocationService(deps: { db: Knex; now?: () => Date }): ReceiptAllocationService {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    async allocateImported(trx, receiptReferences) {
      const receipts = await unallocatedReceipts(trx, receiptReferences);
      if (receipts.length === 0) return 0;
      const allocations = allocateReceipts(receipts, await linesWaitingFor(trx, receipts));
      await saveReceiptAllocations(trx, receipts.map((receipt) => receipt.receiptId), allocations);
      if (allocations.length === 0) return 0;
      const allocated = await findReceiptAllocations(trx, receiptReferences);
      const events = allocated.flatMap((receipt) =>
        receipt.lines.map((line) =>
          outboxEvent(
            'backorder.ready_to_ship',
            {
              salesOrderLineId: line.salesOrderLineId,
              salesOrderLine: line.salesOrderLineReference,
              salesOrder: line.salesOrderReference,
              customerRef: line.customerRef,
              sku: receipt.sku,
              location: receipt.locationCode,
              quantity: line.quantity,
              receipt: receipt.receiptReference,
              purchaseOrder: receipt.purchaseOrderReference,
              receivedDate: receipt.receivedDate,
              sequence: line.sequence,
            },
            salesOrderLineKey(line.salesOrderLineId),
          ),
        ),
      );
      await writeOutboxEvents(trx, events, now());
      return allocations.length;
    },

    async get(receiptReference) {
      const [receipt] = await findReceiptAllocations(db, [receiptReference]);
      if (!receipt) throw new NotFoundError(`receipt ${receiptReference}`);
      const quantityAllocated = Math.round(receipt.lines.reduce((sum, line) => sum + line.quantity, 0) * 1000) / 1000;
      return { ...receipt, quantityAllocated, quantityToStock: Math.round((receipt.quantity - quantityAllocated) * 1000) / 1000 };
    },
  };
}
