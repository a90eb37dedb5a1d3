import { promiseChanges, type LinePromise } from '../../../models/policy/promise-changes';

const promise = (status: LinePromise['status'], eta: string | null, supply: string[], etaLateCase = eta): LinePromise => ({ status, eta, etaLateCase, supply });

describe('promiseChanges', () => {
  const context = { openPurchaseLines: new Set([12, 13]), cancelledLines: new Set([6]) };

  it('names the cause of each change from how the supply moved, and leaves unchanged lines out', () => {
    const previous = new Map([
      [1, promise('covered', '2026-12-08', ['purchase-order:12'])],
      [2, promise('uncovered', null, [])],
      [3, promise('covered', '2026-12-08', ['purchase-order:11'])],
      [4, promise('covered', '2026-12-08', ['purchase-order:12'])],
      [5, promise('covered', '2026-12-08', ['purchase-order:12'])],
      [6, promise('covered', '2026-12-08', ['purchase-order:12'])],
      [7, promise('partial', null, ['purchase-order:12'])],
      [9, promise('covered', '2026-12-08', ['on-hand:0'])],
    ]);
    const current = new Map([
      // 1: the same purchase order, 14 days later.
      [1, promise('covered', '2026-12-22', ['purchase-order:12'])],
      // 2: a new purchase order dates it.
      [2, promise('covered', '2026-12-20', ['purchase-order:13'])],
      // 3: PO line 11 was received (no longer open): the line waits on stock now.
      [3, promise('covered', '2026-11-23', ['on-hand:0'])],
      // 4: its purchase order went to a line ahead of it.
      [4, promise('uncovered', null, [])],
      // 5: unchanged.
      [5, promise('covered', '2026-12-08', ['purchase-order:12'])],
      // 7: a buyer approved the recommendation that covers the rest.
      [7, promise('covered', '2027-01-04', ['purchase-order:12', 'approved-recommendation:3'])],
      // 8: a new backorder.
      [8, promise('uncovered', null, [])],
    ]);
    expect(promiseChanges(previous, current, context).map((change) => [change.salesOrderLineId, change.cause, change.next.status])).toEqual([
      [1, 'supplier-delay', 'covered'],
      [2, 'new-purchase-order', 'covered'],
      [3, 'receipt', 'covered'],
      [4, 'demand-ahead', 'uncovered'],
      [6, 'cancellation', 'cancelled'],
      [7, 'approval', 'covered'],
      [8, 'first-promise', 'uncovered'],
      [9, 'shipped', 'shipped'],
    ]);
  });

  it('keeps the last dates on a shipped line, for the accuracy measure', () => {
    const [change] = promiseChanges(new Map([[9, promise('covered', '2026-12-08', ['on-hand:0'], '2026-12-10')]]), new Map(), context);
    expect(change.next).toEqual({ status: 'shipped', eta: '2026-12-08', etaLateCase: '2026-12-10', supply: ['on-hand:0'] });
  });
});
