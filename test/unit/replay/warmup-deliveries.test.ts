import { warmupDeliveries } from '../../../src/services/replay/driver';
import { seededRandom } from '../../../models/stats/random';

type Delivery = { externalId: string; orderDate: string; promisedDate: string; status: string; lines: Array<{ sku: string; quantityOrdered: number; receipts: Array<{ receivedDate: string; quantity: number }> }> };
const days = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 86_400_000;

describe("warmupDeliveries: the supplier's past deliveries the replay's warm-up holds", () => {
  const sku = { sku: 'R000001', recordedWeekly: [3, 0, 2.5, 4, 4, 4, 4, 4, 4, 4] };

  it('a fixed 7-day lead time: an order a week, each received 7 days later, the last (arriving with the replay) never placed', () => {
    const orders = warmupDeliveries([sku], 10, { reviewPeriodWeeks: 1, leadTimeWeeks: 1, seed: 1 }, () => 7) as Delivery[];
    // Orders in weeks 0 … 8 (week 9's would arrive on day 70, the replay's first).
    expect(orders).toHaveLength(9);
    expect(orders[0]).toMatchObject({ orderDate: '2020-01-06', promisedDate: '2020-01-13', status: 'closed' });
    for (const order of orders) expect(days(order.orderDate, order.lines[0].receipts[0].receivedDate)).toBe(7);
    // A review period's demand, at least one unit, whole.
    expect(orders.slice(0, 3).map((order) => order.lines[0].quantityOrdered)).toEqual([3, 1, 3]);
    expect(orders.every((order) => order.lines[0].receipts[0].quantity === order.lines[0].quantityOrdered)).toBe(true);
  });

  it('keeps to the last 26 weeks and the review period, and draws from a stream of its own', () => {
    const long = { sku: 'R000002', recordedWeekly: new Array<number>(60).fill(5) };
    const orders = warmupDeliveries([long], 60, { reviewPeriodWeeks: 2, leadTimeWeeks: 1, seed: 1 }, () => 7) as Delivery[];
    // Weeks 34, 36, … 58: 13 orders, all received before day 420.
    expect(orders.map((order) => days('2020-01-06', order.orderDate) / 7)).toEqual([34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54, 56, 58]);
    expect(orders[0].lines[0].quantityOrdered).toBe(10);
    const draws: number[] = [];
    warmupDeliveries([long], 60, { reviewPeriodWeeks: 2, leadTimeWeeks: 1, seed: 1 }, (random) => (draws.push(random()), 7));
    // Not the SKU's own stream (seed × 1,000,003 + index × 7,919), which the replayed lead times draw from.
    expect(draws[0]).not.toBe(seededRandom(1_000_003)());
    expect(warmupDeliveries([long], 60, { reviewPeriodWeeks: 2, leadTimeWeeks: 1, seed: 1 }, () => 7)).toEqual(orders);
  });
});
