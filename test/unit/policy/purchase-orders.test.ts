import { draftPurchaseOrders, type PullForwardCandidate, type RecommendationLine } from '../../../models/policy/purchase-orders';

const line = (sku: string, supplierId: string, locationId: string, quantity: number, unitCost: number): RecommendationLine => ({ sku, supplierId, locationId, quantity, unitCost });
const candidate = (sku: string, quantity: number, unitCost: number, daysUntilReorder: number | null): PullForwardCandidate => ({
  ...line(sku, 'S1', 'L1', quantity, unitCost),
  daysUntilReorder,
});

describe('draftPurchaseOrders', () => {
  it('groups lines per supplier and location and totals their value', () => {
    const orders = draftPurchaseOrders([line('a', 'S1', 'L1', 10, 5), line('b', 'S2', 'L1', 1, 7), line('c', 'S1', 'L1', 4, 2.5), line('d', 'S1', 'L2', 3, 1)]);
    expect(orders.map((o) => [o.supplierId, o.locationId, o.lines.map((l) => l.sku), o.orderValue, o.shortfall])).toEqual([
      ['S1', 'L1', ['a', 'c'], 60, 0],
      ['S1', 'L2', ['d'], 3, 0],
      ['S2', 'L1', ['b'], 7, 0],
    ]);
  });

  it('reports the shortfall under a minimum order value and ranks pull-forward items by soonest need', () => {
    // Order 60, minimum 200 → shortfall 140. Candidates: x due in 3 days (value 50), y in 1 day (80), z in 9 days (300),
    // w never within the forecast (20), a already on the order. Ranked y, x, z, w; y + x = 130 < 140, so z is needed too.
    const [order] = draftPurchaseOrders(
      [line('a', 'S1', 'L1', 10, 5), line('c', 'S1', 'L1', 4, 2.5)],
      [{ supplierId: 'S1', minimumOrderValue: 200 }],
      [candidate('x', 10, 5, 3), candidate('y', 8, 10, 1), candidate('z', 30, 10, 9), candidate('w', 2, 10, null), candidate('a', 5, 5, 0), { ...candidate('v', 1, 1, 0), locationId: 'L2' }],
    );
    expect(order.shortfall).toBe(140);
    expect(order.pullForward.map((p) => [p.candidate.sku, p.value, p.cumulativeOrderValue, p.suggested])).toEqual([
      ['y', 80, 140, true],
      ['x', 50, 190, true],
      ['z', 300, 490, true],
      ['w', 20, 510, false],
    ]);
  });

  it('suggests nothing when the minimum is met', () => {
    const [order] = draftPurchaseOrders([line('a', 'S1', 'L1', 100, 5)], [{ supplierId: 'S1', minimumOrderValue: 200 }], [candidate('x', 10, 5, 3)]);
    expect(order).toMatchObject({ shortfall: 0, minimumOrderValue: 200, pullForward: [] });
  });

  it('rejects a zero-quantity line by name', () => {
    expect(() => draftPurchaseOrders([line('a', 'S1', 'L1', 0, 5)])).toThrow('draftPurchaseOrders: quantity must be > 0 for a');
  });
});
