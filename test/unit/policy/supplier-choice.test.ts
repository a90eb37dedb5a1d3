import { chooseSupplier, type SupplierItem } from '../../../models/policy/supplier-choice';

const primarySlow: SupplierItem = { supplierId: 'P', unitCost: 10, moq: 0, orderMultiple: 1, leadTimeDays: 42, primary: true };
const fastDear: SupplierItem = { supplierId: 'F', unitCost: 14, moq: 0, orderMultiple: 1, leadTimeDays: 5 };
const fastCheapCases: SupplierItem = { supplierId: 'G', unitCost: 11, moq: 0, orderMultiple: 50, leadTimeDays: 7 };

describe('chooseSupplier', () => {
  it('keeps the primary when it delivers before the projected stock-out', () => {
    const choice = chooseSupplier([primarySlow, fastDear], 100, 60)!;
    expect(choice).toMatchObject({ supplierId: 'P', reasonCode: 'primary', landedCost: 1000, arrivesBeforeStockout: true });
    expect(choice.reason).toContain('primary supplier P');
  });

  it('keeps the primary when no stock-out is projected', () => {
    expect(chooseSupplier([primarySlow, fastDear], 100, null)).toMatchObject({ supplierId: 'P', reasonCode: 'primary', arrivesBeforeStockout: null });
  });

  it('switches to the cheapest supplier in time when the primary would arrive after the stock-out', () => {
    // Stock-out in 10 days; P needs 42. F: 100 × 14 = 1,400; G: 100 rounds to 100 (multiple 50) × 11 = 1,100.
    const choice = chooseSupplier([primarySlow, fastDear, fastCheapCases], 100, 10)!;
    expect(choice).toMatchObject({ supplierId: 'G', reasonCode: 'primary-too-slow', landedCost: 1100 });
    expect(choice.options.map((o) => o.supplierId)).toEqual(['P', 'F', 'G']);
  });

  it('compares landed cost after each supplier’s own MOQ and multiple', () => {
    // Need 60: G rounds to 100 → 1,100; F orders 60 → 840. F is cheaper once rounding is counted.
    expect(chooseSupplier([primarySlow, fastDear, fastCheapCases], 60, 10)).toMatchObject({ supplierId: 'F', landedCost: 840 });
  });

  it('keeps the primary and says expedite when nobody can deliver in time', () => {
    const choice = chooseSupplier([primarySlow, fastDear], 100, 2)!;
    expect(choice).toMatchObject({ supplierId: 'P', reasonCode: 'primary-late', arrivesBeforeStockout: false });
    expect(choice.reason).toContain('expedite');
  });

  it('without a primary, takes the lowest landed cost', () => {
    const choice = chooseSupplier([fastDear, fastCheapCases], 100, null)!;
    expect(choice).toMatchObject({ supplierId: 'G', reasonCode: 'lowest-landed-cost', landedCost: 1100 });
  });

  it('without a primary, prefers a dearer supplier in time over a cheaper late one', () => {
    const cheapLate: SupplierItem = { supplierId: 'C', unitCost: 1, leadTimeDays: 30 };
    expect(chooseSupplier([cheapLate, fastDear], 100, 10)).toMatchObject({ supplierId: 'F', reasonCode: 'lowest-landed-cost' });
  });

  it('takes the lowest priority number as primary when no item is flagged', () => {
    const a: SupplierItem = { supplierId: 'A', unitCost: 9, leadTimeDays: 20, priority: 2 };
    const b: SupplierItem = { supplierId: 'B', unitCost: 12, leadTimeDays: 20, priority: 1 };
    expect(chooseSupplier([a, b], 10, null)).toMatchObject({ supplierId: 'B', reasonCode: 'primary' });
  });

  it('returns null without supplier items', () => {
    expect(chooseSupplier([], 100, 3)).toBeNull();
  });

  it('rejects two primaries by name', () => {
    expect(() => chooseSupplier([primarySlow, { ...fastDear, primary: true }], 10, null)).toThrow('chooseSupplier: more than one primary supplier');
  });
});
