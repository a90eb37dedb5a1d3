import fc from 'fast-check';
import {
  allocateBackorders,
  compareLinePriority,
  delayQuantile,
  latenessFromLeadTime,
  latenessShiftFromOrdersOut,
  purchaseOrderArrival,
  recommendationArrival,
  type AllocationInput,
  type BackorderLine,
  type IncomingSupply,
} from '../../../models/policy/backorder-allocation';
import { dayNumber } from '../../../models/policy/dates';

const line = (salesOrderLineId: number, quantityBackordered: number, orderDate: string, promisedDate: string | null, itemId = 1, locationId = 10): BackorderLine => ({
  salesOrderLineId,
  itemId,
  locationId,
  quantityBackordered,
  orderDate,
  promisedDate,
});
const purchaseOrder = (sourceId: number, quantity: number, arrivalDate: string, lateCaseArrivalDate: string, itemId = 1, locationId = 10): IncomingSupply => ({
  kind: 'purchase-order',
  sourceId,
  itemId,
  locationId,
  quantity,
  arrivalDate,
  lateCaseArrivalDate,
});

describe('allocateBackorders: a worked example', () => {
  // One SKU (item 1) at one location (10); stock can ship from 2026-11-28.
  // Stock: 12 on hand, 4 of them committed to lines that are not backordered → 12 − 4 = 8 free.
  // Incoming: PO line 502 brings 4 on 12-01 (late case 12-03), PO line 501 brings 10 on 12-05 (late case 12-09),
  // approved recommendation 601 brings 20 on 12-20 (late case 12-27). A proposed recommendation would bring 5.
  // Supply in arrival order: on hand 8 @11-28, PO 502 4 @12-01, PO 501 10 @12-05, rec 601 20 @12-20 = 42 units.
  // Lines by priority (promise, else order date; then order date):
  //   1. line 103: 6, ordered 11-02, no promise → ranked at 11-02
  //   2. line 102: 10, promised 11-15
  //   3. line 101: 5, promised 11-20, ordered 11-01
  //   4. line 104: 30, promised 11-20, ordered 11-05 (same promise as 101, ordered later)
  const input: AllocationInput = {
    availableDate: '2026-11-28',
    lines: [line(101, 5, '2026-11-01', '2026-11-20'), line(102, 10, '2026-11-03', '2026-11-15'), line(103, 6, '2026-11-02', null), line(104, 30, '2026-11-05', '2026-11-20')],
    stock: [{ itemId: 1, locationId: 10, onHand: 12, committed: 4 }],
    incoming: [
      purchaseOrder(501, 10, '2026-12-05', '2026-12-09'),
      purchaseOrder(502, 4, '2026-12-01', '2026-12-03'),
      { kind: 'approved-recommendation', sourceId: 601, itemId: 1, locationId: 10, quantity: 20, arrivalDate: '2026-12-20', lateCaseArrivalDate: '2026-12-27' },
    ],
    pending: [{ itemId: 1, locationId: 10, quantity: 5 }],
  };
  const result = allocateBackorders(input);
  const byLine = new Map(result.map((allocation) => [allocation.salesOrderLineId, allocation]));

  it('ranks lines by promised date (else order date), then order date', () => {
    expect(result.map((a) => [a.salesOrderLineId, a.priorityRank, a.priorityDate])).toEqual([
      [103, 1, '2026-11-02'],
      [102, 2, '2026-11-15'],
      [101, 3, '2026-11-20'],
      [104, 4, '2026-11-20'],
    ]);
  });

  it('serves the first line from free stock: 6 of the 8 free units, ships on the available date', () => {
    expect(byLine.get(103)).toMatchObject({
      quantityAllocated: 6,
      quantityUncovered: 0,
      status: 'covered',
      eta: '2026-11-28',
      etaLateCase: '2026-11-28',
      pieces: [{ kind: 'on-hand', sourceId: null, quantity: 6, arrivalDate: '2026-11-28' }],
    });
  });

  it('splits the second line over the last 2 free units, PO 502 (4) and PO 501 (10 − 6 = 4 of it): ETA of PO 501', () => {
    // 2 + 4 + 4 = 10. ETA = the last unit's arrival, 12-05; late case = latest late case among the pieces, 12-09.
    expect(byLine.get(102)).toMatchObject({
      quantityAllocated: 10,
      status: 'covered',
      eta: '2026-12-05',
      etaLateCase: '2026-12-09',
      pieces: [
        { kind: 'on-hand', sourceId: null, quantity: 2 },
        { kind: 'purchase-order', sourceId: 502, quantity: 4, arrivalDate: '2026-12-01' },
        { kind: 'purchase-order', sourceId: 501, quantity: 4, arrivalDate: '2026-12-05' },
      ],
    });
  });

  it('gives the third line 5 of the 6 units left on PO 501', () => {
    expect(byLine.get(101)).toMatchObject({ quantityAllocated: 5, status: 'covered', eta: '2026-12-05', pieces: [{ sourceId: 501, quantity: 5 }] });
  });

  it('leaves the fourth line partly uncovered: 1 (PO 501) + 20 (rec 601) = 21 of 30; 9 short, 5 of them proposed', () => {
    // 42 units of supply − 6 − 10 − 5 = 21 for line 104; 30 − 21 = 9 uncovered. The proposal covers 5 of the 9,
    // so approving it would not be enough: the reason is not-enough-supply, with 5 awaiting approval.
    expect(byLine.get(104)).toMatchObject({
      quantityBackordered: 30,
      quantityAllocated: 21,
      quantityUncovered: 9,
      status: 'partial',
      eta: null,
      etaLateCase: null,
      uncoveredReason: 'not-enough-supply',
      quantityAwaitingApproval: 5,
      pieces: [
        { kind: 'purchase-order', sourceId: 501, quantity: 1 },
        { kind: 'approved-recommendation', sourceId: 601, quantity: 20, arrivalDate: '2026-12-20' },
      ],
    });
  });
});

describe('allocateBackorders: reasons for an uncovered line', () => {
  it('says no incoming supply when the SKU × location has none, and awaiting approval when a proposal covers it', () => {
    // Item 2: nothing at all. Item 3: nothing firm; a proposal of 8 covers line 202 (5), then 3 of line 203's 4.
    const result = allocateBackorders({
      availableDate: '2026-11-28',
      lines: [line(201, 3, '2026-11-01', null, 2), line(202, 5, '2026-11-01', null, 3), line(203, 4, '2026-11-02', null, 3)],
      stock: [{ itemId: 3, locationId: 10, onHand: 2, committed: 2 }],
      incoming: [],
      pending: [{ itemId: 3, locationId: 10, quantity: 8 }],
    });
    expect(result.map((a) => [a.salesOrderLineId, a.status, a.uncoveredReason, a.quantityAwaitingApproval, a.eta])).toEqual([
      [201, 'uncovered', 'no-incoming-supply', 0, null],
      [202, 'uncovered', 'awaiting-approval', 5, null],
      // 8 − 5 = 3 of 4 on the proposal; 1 unit has no source at all and there is no firm supply: no-incoming-supply.
      [203, 'uncovered', 'no-incoming-supply', 3, null],
    ]);
  });

  it('keeps SKU × locations apart: stock at one location never serves another', () => {
    const result = allocateBackorders({
      availableDate: '2026-11-28',
      lines: [line(301, 2, '2026-11-01', null, 1, 10), line(302, 2, '2026-11-01', null, 1, 20)],
      stock: [{ itemId: 1, locationId: 20, onHand: 5, committed: 0 }],
      incoming: [],
    });
    expect(result.map((a) => [a.salesOrderLineId, a.status])).toEqual([
      [301, 'uncovered'],
      [302, 'covered'],
    ]);
  });

  it('counts in thousandths: 0.1 + 0.2 units of supply cover a line of 0.3 exactly', () => {
    const [allocation] = allocateBackorders({
      availableDate: '2026-11-28',
      lines: [line(401, 0.3, '2026-11-01', null)],
      stock: [],
      incoming: [purchaseOrder(1, 0.1, '2026-12-01', '2026-12-01'), purchaseOrder(2, 0.2, '2026-12-02', '2026-12-02')],
    });
    expect(allocation).toMatchObject({ status: 'covered', quantityAllocated: 0.3, quantityUncovered: 0, eta: '2026-12-02' });
  });

  it('rejects a negative backordered quantity by name', () => {
    expect(() => allocateBackorders({ availableDate: '2026-11-28', lines: [line(1, -1, '2026-11-01', null)], stock: [], incoming: [] })).toThrow(
      'allocateBackorders: quantityBackordered of line 1 must be a finite quantity ≥ 0, got -1',
    );
  });
});

describe('delayQuantile: a normal delay known to exceed a bound', () => {
  // Golden values from R 4 (exact in log space, upper tail):
  //   cq <- function(m, s, q, a) qnorm(log(1 - q) + pnorm(a, m, s, lower.tail = FALSE, log.p = TRUE), m, s, lower.tail = FALSE, log.p = TRUE)
  it('is mean + z(q)·sd without a bound: N(3.5, 4²) at 0.9 = 3.5 + 1.28155 × 4 = qnorm(.9, 3.5, 4) = 8.6262', () => {
    expect(delayQuantile({ meanDays: 3.5, stdDevDays: 4 }, 0.9, null)).toBeCloseTo(8.6262062622, 8);
  });

  it('moves the quantile past a bound the delay is known to exceed: F⁻¹(F(a) + q(1 − F(a)))', () => {
    // N(7, 5²), a = 12: α = 1, Φ(−1) = 0.158655; q = 0.9 → Φ⁻¹(0.1 × 0.158655) = −2.14782 → 7 + 5 × 2.14782 = 17.7389 = cq(7, 5, .9, 12).
    expect(delayQuantile({ meanDays: 7, stdDevDays: 5 }, 0.9, 12)).toBeCloseTo(17.738912, 5);
    // The median of the same: Φ⁻¹(0.5 × 0.158655) = −1.40961 → 14.0480 = cq(7, 5, .5, 12).
    expect(delayQuantile({ meanDays: 7, stdDevDays: 5 }, 0.5, 12)).toBeCloseTo(14.048044, 5);
  });

  it('barely moves it for an order far from due: N(7, 5²), a = −9 (3.2 sd early) gives 7.0043 for the median', () => {
    expect(delayQuantile({ meanDays: 7, stdDevDays: 5 }, 0.5, -9)).toBeCloseTo(7.004306, 5);
  });

  it('keeps its precision far overdue (α > 7: the tail asymptote), within 0.001 day of R', () => {
    // N(0, 2²): a = 17 (α = 8.5) → cq = 17.52663; a = 24 (α = 12) → 24.37821; a = 60 (α = 30) → 60.15314.
    const delay = { meanDays: 0, stdDevDays: 2 };
    expect(delayQuantile(delay, 0.9, 17)).toBeCloseTo(17.52663, 3);
    expect(delayQuantile(delay, 0.9, 24)).toBeCloseTo(24.378213, 3);
    expect(delayQuantile(delay, 0.9, 60)).toBeCloseTo(60.153141, 3);
    // Just below and above the switch (α = 6.9 and 7.0001, a = 13.8 and 14.0002): 14.43992 and 14.63168 in R.
    expect(delayQuantile(delay, 0.9, 13.8)).toBeCloseTo(14.439922, 3);
    expect(delayQuantile(delay, 0.9, 14.0002)).toBeCloseTo(14.631676, 3);
  });

  it('with no spread: the mean, or the bound once the mean has passed', () => {
    expect(delayQuantile({ meanDays: 7, stdDevDays: 0 }, 0.9, 3)).toBe(7);
    expect(delayQuantile({ meanDays: 7, stdDevDays: 0 }, 0.9, 10)).toBe(10);
  });
});

describe('latenessShiftFromOrdersOut: orders past their promise that have not come', () => {
  // Golden values from R 4: the root of −w(μ − m) / s² + Σ φ(z_i) / Φ(z_i) / s, z_i = (μ − a_i) / s (uniroot, tol 1e-12).
  it('solves μ = φ(μ) / Φ(μ) for one order at its promise, weight 1, N(0, 1): 0.506054', () => {
    expect(latenessShiftFromOrdersOut({ lateness: { meanDays: 0, stdDevDays: 1 }, weight: 1, overdueDays: [0] })).toBeCloseTo(0.506054, 5);
  });

  it('learns most of a lateness no receipt has shown yet: 150 orders 6 days past promise, N(0, 3.5²), weight 5 → 11.7041', () => {
    expect(latenessShiftFromOrdersOut({ lateness: { meanDays: 0, stdDevDays: 3.5 }, weight: 5, overdueDays: new Array(150).fill(6) })).toBeCloseTo(11.704113, 5);
  });

  it('moves a well-known supplier little: 100 receipts at 13 days late, 60 orders out 6 and 13 days → 0.3226', () => {
    const overdueDays = [...new Array(50).fill(6), ...new Array(10).fill(13)];
    expect(latenessShiftFromOrdersOut({ lateness: { meanDays: 13, stdDevDays: 3.5 }, weight: 105, overdueDays })).toBeCloseTo(0.322615, 5);
  });

  it('leaves out orders not yet due, and is 0 without orders out or spread', () => {
    // N(2, 4²), weight 20, orders 3, 10 and 30 days past promise (the one 5 days before its promise says nothing): 1.86291.
    expect(latenessShiftFromOrdersOut({ lateness: { meanDays: 2, stdDevDays: 4 }, weight: 20, overdueDays: [3, 10, 30, -5] })).toBeCloseTo(1.86291, 5);
    expect(latenessShiftFromOrdersOut({ lateness: { meanDays: 2, stdDevDays: 4 }, weight: 20, overdueDays: [-5] })).toBe(0);
    expect(latenessShiftFromOrdersOut({ lateness: { meanDays: 2, stdDevDays: 0 }, weight: 20, overdueDays: [10] })).toBe(0);
  });

  it('keeps its precision for an order 30 sd overdue (Mills series): N(0, 2²), weight 5, 60 days → 10.0133', () => {
    expect(latenessShiftFromOrdersOut({ lateness: { meanDays: 0, stdDevDays: 2 }, weight: 5, overdueDays: [60] })).toBeCloseTo(10.013295, 4);
  });

  it('rejects a weight that is not positive', () => {
    expect(() => latenessShiftFromOrdersOut({ lateness: { meanDays: 0, stdDevDays: 2 }, weight: 0, overdueDays: [1] })).toThrow(/weight/);
  });
});

describe('honest arrival dates', () => {
  // A supplier quotes 28 days and is planned at 31.5 ± 4 (learnLeadTimes): lateness N(3.5, 4²) days after the promise.
  const lateness = latenessFromLeadTime({ promisedDays: 28, plannedMeanDays: 31.5, plannedStdDevDays: 4, observed: { meanLatenessDays: 6 } });

  it('learns lateness as planned − quoted lead time, with the planned spread', () => {
    expect(lateness).toEqual({ meanDays: 3.5, stdDevDays: 4 });
  });

  it('falls back to the lateness seen on receipts without a quoted lead time', () => {
    expect(latenessFromLeadTime({ promisedDays: null, plannedMeanDays: 31.5, plannedStdDevDays: 0, observed: { meanLatenessDays: 6 } })).toEqual({ meanDays: 6, stdDevDays: 0 });
  });

  // As of 11-27 (first available day 11-28), promised 12-01: the order has not come 4 days before its promise, a = −4.
  // Quantiles are rounded up to whole days, a tenth of a day's slack aside (2.08 is 3 days, 2.05 is 2).
  const base = { promisedDate: '2026-12-01', expectedDate: null, orderDate: '2026-11-01', lateness, leadTime: null, earliestDate: '2026-11-28', lateCaseQuantile: 0.9 };

  it('moves the promise by the lateness of the deliveries not come by the as-of date, rounded up to whole days', () => {
    // cq(3.5, 4, .5, −4) = 3.6524 → 4 days: 12-05; cq(3.5, 4, .9, −4) = 8.6963 → 9 days: 12-10.
    expect(purchaseOrderArrival(base)).toEqual({ arrivalDate: '2026-12-05', lateCaseArrivalDate: '2026-12-10', basis: 'promised' });
  });

  it('dates an order due tomorrow later than its promise when the supplier is on time only on average', () => {
    // Lateness N(0, 3.5²), promised 11-28, not come by 11-27: a = −1. Unconditioned the ETA would be the promise and the
    // late case + ceil(4.49) = 5 days; but half the on-average deliveries that were early have not happened:
    // cq(0, 3.5, .5, −1) = 1.7730 → 2 days: 11-30; cq(0, 3.5, .9, −1) = 5.4054 → 6 days: 12-04.
    const onAverage = { ...base, promisedDate: '2026-11-28', lateness: { meanDays: 0, stdDevDays: 3.5 } };
    expect(purchaseOrderArrival(onAverage)).toEqual({ arrivalDate: '2026-11-30', lateCaseArrivalDate: '2026-12-04', basis: 'promised' });
  });

  it('dates an overdue order by how late such orders still come, not tomorrow', () => {
    // Promised 11-10, not come by 11-27: a = 17, α = (17 − 3.5) / 4 = 3.375. cq(3.5, 4, .5, 17) = 17.7450 → 18 days:
    // 11-28; cq(3.5, 4, .9, 17) = 19.3546 → 20 days: 11-30 (it was 11-28 for both: tomorrow).
    expect(purchaseOrderArrival({ ...base, promisedDate: '2026-11-10' })).toEqual({ arrivalDate: '2026-11-28', lateCaseArrivalDate: '2026-11-30', basis: 'promised' });
  });

  it('takes the ERP expected date when it is later (a delay), and ignores an earlier one', () => {
    expect(purchaseOrderArrival({ ...base, expectedDate: '2026-12-08' })).toEqual({ arrivalDate: '2026-12-08', lateCaseArrivalDate: '2026-12-10', basis: 'expected' });
    expect(purchaseOrderArrival({ ...base, expectedDate: '2026-12-03' })).toEqual({ arrivalDate: '2026-12-05', lateCaseArrivalDate: '2026-12-10', basis: 'promised' });
  });

  it('never dates an order before its promise, even for a supplier that is usually early', () => {
    // Lateness N(−2, 2.5²), a = −4: cq(−2, 2.5, .5, −4) = −1.3282 → 0 days (not before the promise): 12-01;
    // cq(−2, 2.5, .9, −4) = 1.5327 → 2 days: 12-03.
    expect(purchaseOrderArrival({ ...base, lateness: { meanDays: -2, stdDevDays: 2.5 } })).toEqual({ arrivalDate: '2026-12-01', lateCaseArrivalDate: '2026-12-03', basis: 'promised' });
  });

  it('uses the order date + learned lead time without any date, and gives up without a lead time', () => {
    // Ordered 11-01, not come by 11-19 (first day 11-20): a = 18 days; lead time N(20.2, 4.5²):
    // cq(20.2, 4.5, .5, 18) = 22.0099 → 22 days (within the slack): 11-23; cq(20.2, 4.5, .9, 18) = 26.8831 → 27 days: 11-28.
    const undated = { ...base, promisedDate: null, earliestDate: '2026-11-20' };
    expect(purchaseOrderArrival({ ...undated, leadTime: { meanDays: 20.2, stdDevDays: 4.5 } })).toEqual({ arrivalDate: '2026-11-23', lateCaseArrivalDate: '2026-11-28', basis: 'lead-time' });
    expect(purchaseOrderArrival(undated)).toBeNull();
  });

  it('dates an approved recommendation at the first order day + its learned lead time', () => {
    // Not ordered yet, nothing to condition on: the median 13.2 → 14 days: 12-12; qnorm(.9, 13.2, 3.7) = 17.9417 → 18
    // days: 12-16.
    expect(recommendationArrival('2026-11-28', { meanDays: 13.2, stdDevDays: 3.7 }, 0.9)).toEqual({ arrivalDate: '2026-12-12', lateCaseArrivalDate: '2026-12-16', basis: 'lead-time' });
  });

  it('rejects a late-case quantile below the median or of 1', () => {
    expect(() => purchaseOrderArrival({ ...base, lateCaseQuantile: 0.4 })).toThrow(/lateCaseQuantile/);
    expect(() => purchaseOrderArrival({ ...base, lateCaseQuantile: 1 })).toThrow(/lateCaseQuantile/);
  });
});

describe('allocateBackorders: properties', () => {
  const day = fc.integer({ min: 0, max: 40 }).map((offset) => new Date(Date.UTC(2026, 10, 1 + offset)).toISOString().slice(0, 10));
  const quantity = fc.integer({ min: 0, max: 20_000 }).map((units) => units / 1000);
  const pair = fc.record({ itemId: fc.integer({ min: 1, max: 2 }), locationId: fc.integer({ min: 1, max: 2 }) });

  const scenario = fc
    .record({
      lines: fc.array(fc.record({ pair, quantity, orderDate: day, promisedDate: fc.option(day) }), { maxLength: 12 }),
      incoming: fc.array(
        fc.record({ pair, quantity, arrivalDate: day, extraDays: fc.integer({ min: 0, max: 10 }), approved: fc.boolean() }),
        { maxLength: 8 },
      ),
      stock: fc.array(fc.record({ pair, onHand: fc.integer({ min: -5_000, max: 20_000 }), committed: fc.integer({ min: 0, max: 10_000 }) }), { maxLength: 4 }),
    })
    .map(({ lines, incoming, stock }): AllocationInput => ({
      availableDate: '2026-11-10',
      lines: lines.map((l, index) => ({ salesOrderLineId: index + 1, ...l.pair, quantityBackordered: l.quantity, orderDate: l.orderDate, promisedDate: l.promisedDate })),
      incoming: incoming.map((s, index) => ({
        kind: s.approved ? 'approved-recommendation' : 'purchase-order',
        sourceId: index + 1,
        ...s.pair,
        quantity: s.quantity,
        arrivalDate: s.arrivalDate,
        lateCaseArrivalDate: new Date(Date.UTC(2026, 10, 1) + (dayNumber(s.arrivalDate) - dayNumber('2026-11-01') + s.extraDays) * 86_400_000).toISOString().slice(0, 10),
      })),
      // One stock row per pair, as the repository gives.
      stock: [...new Map(stock.map((s) => [`${s.pair.itemId}/${s.pair.locationId}`, { ...s.pair, onHand: s.onHand / 1000, committed: s.committed / 1000 }])).values()],
    }));

  const units = (quantity: number) => Math.round(quantity * 1000);
  const pairOf = (row: { itemId: number; locationId: number }) => `${row.itemId}/${row.locationId}`;

  it('never allocates more than a supply holds, nor more than a line needs, nor anything negative', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const result = allocateBackorders(input);
        expect(result).toHaveLength(input.lines.length);
        const usedBySource = new Map<string, number>();
        for (const allocation of result) {
          const line = input.lines.find((l) => l.salesOrderLineId === allocation.salesOrderLineId)!;
          expect(allocation.quantityAllocated).toBeGreaterThanOrEqual(0);
          expect(allocation.quantityUncovered).toBeGreaterThanOrEqual(0);
          expect(units(allocation.quantityAllocated) + units(allocation.quantityUncovered)).toBe(units(line.quantityBackordered));
          expect(units(allocation.quantityAllocated)).toBe(allocation.pieces.reduce((sum, piece) => sum + units(piece.quantity), 0));
          for (const piece of allocation.pieces) {
            expect(piece.quantity).toBeGreaterThan(0);
            const key = piece.kind === 'on-hand' ? `on-hand ${pairOf(line)}` : `${piece.kind} ${piece.sourceId}`;
            usedBySource.set(key, (usedBySource.get(key) ?? 0) + units(piece.quantity));
          }
        }
        for (const [key, used] of usedBySource) {
          const [kind, id] = key.split(' ');
          const held =
            kind === 'on-hand'
              ? (() => {
                  const stock = input.stock.find((s) => pairOf(s) === id)!;
                  return units(Math.max(0, stock.onHand)) - units(stock.committed);
                })()
              : units(input.incoming.find((s) => s.kind === kind && s.sourceId === Number(id))!.quantity);
          expect(used).toBeLessThanOrEqual(held);
        }
      }),
    );
  });

  it('serves lines first come, first served: an earlier line never waits for a unit arriving after a later line’s', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const result = allocateBackorders(input);
        const groups = new Map<string, typeof result>();
        for (const allocation of result) groups.set(pairOf(allocation), [...(groups.get(pairOf(allocation)) ?? []), allocation]);
        for (const group of groups.values()) {
          const lines = group.map((a) => input.lines.find((l) => l.salesOrderLineId === a.salesOrderLineId)!);
          expect(group.map((a) => a.priorityRank)).toEqual(group.map((_, index) => index + 1));
          for (let i = 1; i < lines.length; i++) expect(compareLinePriority(lines[i - 1], lines[i])).toBeLessThan(0);
          let latestSoFar = -Infinity;
          for (const allocation of group) {
            const arrivals = allocation.pieces.map((piece) => dayNumber(piece.arrivalDate));
            if (arrivals.length > 0) {
              expect(Math.min(...arrivals)).toBeGreaterThanOrEqual(latestSoFar);
              latestSoFar = Math.max(...arrivals);
            }
          }
        }
      }),
    );
  });

  it('dates exactly the fully covered lines, at their last unit, and leaves supply unused only when every line is covered', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const result = allocateBackorders(input);
        for (const allocation of result) {
          expect(allocation.eta !== null).toBe(allocation.status === 'covered');
          expect(allocation.uncoveredReason === null).toBe(allocation.status === 'covered');
          if (allocation.eta !== null && allocation.pieces.length > 0) {
            expect(dayNumber(allocation.eta)).toBe(Math.max(...allocation.pieces.map((piece) => dayNumber(piece.arrivalDate))));
            expect(dayNumber(allocation.etaLateCase!)).toBeGreaterThanOrEqual(dayNumber(allocation.eta));
          }
        }
        for (const key of new Set(result.map(pairOf))) {
          const group = result.filter((a) => pairOf(a) === key);
          if (group.every((a) => a.status === 'covered')) continue;
          const stock = input.stock.find((s) => pairOf(s) === key);
          const supply =
            Math.max(0, stock ? units(Math.max(0, stock.onHand)) - units(stock.committed) : 0) +
            input.incoming.filter((s) => pairOf(s) === key).reduce((sum, s) => sum + units(s.quantity), 0);
          expect(group.reduce((sum, a) => sum + units(a.quantityAllocated), 0)).toBe(supply);
        }
      }),
    );
  });
});
