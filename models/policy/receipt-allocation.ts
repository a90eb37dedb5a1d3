import { compareLinePriority, type BackorderLine } from './backorder-allocation';

/** A receipt just booked for one SKU × location: its units go to the lines waiting there before any goes to stock. */
export interface ArrivingReceipt {
  receiptId: number;
  itemId: number;
  locationId: number;
  quantity: number;
}

export interface ReceiptLineAllocation {
  receiptId: number;
  salesOrderLineId: number;
  /** 1 = ship first from this receipt. */
  sequence: number;
  quantity: number;
}

const THOUSANDTHS = 1000;
const toThousandths = (quantity: number) => Math.round(quantity * THOUSANDTHS);

/**
 * Cross-dock allocation of receipts to backordered lines, first promised first served as in the nightly allocation
 * (compareLinePriority): per SKU × location, receipts in the order given each fill the waiting lines in priority
 * order, a line taking what it still waits for (`quantityBackordered`: what earlier receipts did not already give it),
 * splitting over receipts when one is not enough. What no line waits for goes to stock. Quantities in thousandths
 * (numeric(14, 3)), so the pieces add up exactly.
 */
export function allocateReceipts(receipts: ArrivingReceipt[], lines: BackorderLine[]): ReceiptLineAllocation[] {
  const key = (itemId: number, locationId: number) => `${itemId}\t${locationId}`;
  const waiting = new Map<string, Array<{ line: BackorderLine; left: number }>>();
  for (const line of [...lines].sort(compareLinePriority)) {
    if (!(line.quantityBackordered > 0)) continue;
    const queue = waiting.get(key(line.itemId, line.locationId)) ?? [];
    queue.push({ line, left: toThousandths(line.quantityBackordered) });
    waiting.set(key(line.itemId, line.locationId), queue);
  }
  const allocations: ReceiptLineAllocation[] = [];
  for (const receipt of receipts) {
    let units = toThousandths(receipt.quantity);
    let sequence = 0;
    for (const entry of waiting.get(key(receipt.itemId, receipt.locationId)) ?? []) {
      if (units === 0) break;
      if (entry.left === 0) continue;
      const given = Math.min(units, entry.left);
      entry.left -= given;
      units -= given;
      allocations.push({ receiptId: receipt.receiptId, salesOrderLineId: entry.line.salesOrderLineId, sequence: ++sequence, quantity: given / THOUSANDTHS });
    }
  }
  return allocations;
}
