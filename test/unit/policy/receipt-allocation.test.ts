import { allocateReceipts } from '../../../models/policy/receipt-allocation';
import type { BackorderLine } from '../../../models/policy/backorder-allocation';

const line = (salesOrderLineId: number, quantityBackordered: number, orderDate: string, promisedDate: string | null = null, itemId = 1): BackorderLine => ({
  salesOrderLineId,
  itemId,
  locationId: 1,
  quantityBackordered,
  orderDate,
  promisedDate,
});

describe('allocateReceipts', () => {
  it('fills lines first promised first served, a line without a promise counting on its order date, the rest to stock', () => {
    // Priority: line 3 (promised 11-02), line 1 (no promise, ordered 11-03), line 2 (promised 11-05); 10 units: 4, 5, 1.
    const lines = [line(1, 5, '2026-11-03'), line(2, 6, '2026-11-01', '2026-11-05'), line(3, 4, '2026-11-01', '2026-11-02')];
    expect(allocateReceipts([{ receiptId: 9, itemId: 1, locationId: 1, quantity: 10 }], lines)).toEqual([
      { receiptId: 9, salesOrderLineId: 3, sequence: 1, quantity: 4 },
      { receiptId: 9, salesOrderLineId: 1, sequence: 2, quantity: 5 },
      { receiptId: 9, salesOrderLineId: 2, sequence: 3, quantity: 1 },
    ]);
    // More than every line waits for: each line is filled, nothing more is allocated (the remaining 4 go to stock).
    const all = allocateReceipts([{ receiptId: 9, itemId: 1, locationId: 1, quantity: 19 }], lines);
    expect(all.reduce((sum, allocation) => sum + allocation.quantity, 0)).toBe(15);
  });

  it('splits a line over two receipts and keeps other SKUs apart, exact to the thousandth', () => {
    const lines = [line(1, 0.3, '2026-11-01'), line(2, 5, '2026-11-01', null, 2)];
    expect(
      allocateReceipts(
        [
          { receiptId: 1, itemId: 1, locationId: 1, quantity: 0.1 },
          { receiptId: 2, itemId: 1, locationId: 1, quantity: 0.2 },
          { receiptId: 3, itemId: 1, locationId: 1, quantity: 1 },
        ],
        lines,
      ),
    ).toEqual([
      { receiptId: 1, salesOrderLineId: 1, sequence: 1, quantity: 0.1 },
      { receiptId: 2, salesOrderLineId: 1, sequence: 1, quantity: 0.2 },
    ]);
  });
});
