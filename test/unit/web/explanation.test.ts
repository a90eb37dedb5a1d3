import { planItem, type PlanItemInput } from '../../../models/policy/plan';
import * as format from '../../../src/web/client/format';
import { explanationNotes, explanationSections, summaryOf, type Section } from '../../../src/web/client/explanation';

/**
 * The buyers' page lays out a recommendation's explanation as labelled facts with their formulas. These tests feed
 * it what the planner (planItem) really writes and check that each formula, with the numbers the page shows,
 * gives the value it shows: a layout that misnamed or misplaced a number would fail here.
 */

const base: PlanItemInput = {
  sku: 'A',
  locationId: '1',
  startDate: '2026-01-05',
  periodDays: 7,
  forecastMean: Array(12).fill(10),
  forecastStdDev: 3,
  demandClass: 'smooth',
  leadTime: { meanDays: 14, stdDevDays: 3 },
  reviewPeriodDays: 7,
  service: { measure: 'cycle', level: 0.95 },
  stock: { onHand: 5, onOrder: 10, backordered: 2, allocated: 1 },
  supplierItems: [{ supplierId: '4', unitCost: 2, leadTimeDays: 14, moq: 100, orderMultiple: 12, primary: true }],
};

const names = new Map([[4, 'Initech Fasteners']]);

function factOf(sections: Section[], title: string, label: string) {
  const found = sections.find((section) => section.title === title)?.facts.find((fact) => fact.label === label);
  if (!found) throw new Error(`no fact ${title} › ${label}`);
  return found;
}

/** The page's numbers back to numbers (en format: thousands separators, up to 2 decimals). */
const numbersIn = (text: string) => [...text.matchAll(/-?[\d,]+(\.\d+)?/g)].map((match) => Number(match[0].replace(/,/g, '')));

describe('the explanation as the buyers’ page lays it out', () => {
  const explanation = planItem(base).explanation as unknown as Record<string, unknown>;
  const sections = explanationSections(explanation, names);

  it('shows the sections in the order the planner computes them', () => {
    expect(sections.map((section) => section.title)).toEqual([
      'Demand',
      'Lead time',
      'Safety stock',
      'Reorder point and order-up-to level',
      'Inventory position',
      'Quantity: net requirement and rounding',
      'Supplier',
    ]);
  });

  it('writes the inventory position as on hand + on order − backordered − allocated with the input numbers', () => {
    const fact = factOf(sections, 'Inventory position', 'Inventory position');
    expect(fact.value).toBe('12'); // 5 + 10 − 2 − 1
    expect(fact.formula).toBe('5 + 10 − 2 − 1 (on hand + on order − backordered − allocated)');
  });

  it('gives a normal safety stock as z × σ over the protection interval, and the formula reproduces it', () => {
    expect(explanation.safetyStockMethod).toBe('normal-cycle');
    const fact = factOf(sections, 'Safety stock', 'Safety stock');
    const [z, sigma] = numbersIn(fact.formula!.split(':')[1]);
    expect(z).toBeCloseTo(1.64, 2); // z(0.95) = 1.6449, shown to 2 decimals
    expect(z * sigma).toBeCloseTo(explanation.safetyStock as number, 0);
    expect(Number(fact.value)).toBeCloseTo(explanation.safetyStock as number, 2);
  });

  it('gives the order-up-to as demand over the protection interval + safety stock', () => {
    const fact = factOf(sections, 'Reorder point and order-up-to level', 'Order-up-to level');
    const [demand, safety] = numbersIn(fact.formula!);
    expect(demand + safety).toBeCloseTo(Number(fact.value), 1);
  });

  it('walks the quantity from the net requirement through the MOQ and the multiple', () => {
    const quantity = (label: string) => factOf(sections, 'Quantity: net requirement and rounding', label).value;
    expect(quantity('Minimum order quantity')).toBe('100');
    expect(quantity('Order multiple')).toBe('12');
    expect(quantity('After the MOQ')).toBe('100');
    expect(quantity('After the multiple')).toBe('108'); // 100 rounded up to 9 × 12
    expect(quantity('Quantity proposed')).toBe('108');
    // 2 units available against 10 a week: out in about a day, before any 14-day delivery; the primary is kept.
    expect(factOf(sections, 'Supplier', 'Chosen')).toMatchObject({
      value: 'Initech Fasteners',
      formula: 'No supplier can deliver before the stock-out, so the primary supplier was kept: expedite the order.',
    });
  });

  it('writes the error-quantile safety stock as the error quantile plus what the lead-time spread adds to it', () => {
    const withErrors = (errorQuantile: number, safetyStock: number) =>
      explanationSections(
        {
          ...explanation,
          safetyStockMethod: 'error-quantile-cycle',
          safetyStock,
          protectionErrors: { horizonPeriods: 3, scale: 'absolute', errorStdDev: 20, errorQuantile, leadTimeBuffer: 4, extrapolated: false },
        },
        names,
      );
    expect(factOf(withErrors(30, 34), 'Safety stock', 'Safety stock').formula).toBe('error quantile + lead-time buffer: 30 + 4');
    expect(factOf(withErrors(-3, 1), 'Safety stock', 'Safety stock').formula).toBe('error quantile + lead-time buffer: -3 + 4');
    expect(factOf(withErrors(30, 34), 'Demand', 'Forecast error over the protection interval').value).toBe('20');
  });

  it('leaves out what a sparse explanation does not carry, and lists the notes', () => {
    const sparse = explanationSections({ abcClass: 'B', reason: 'below reorder point', notes: ['on hand -3 taken as 0'] }, names);
    expect(sparse).toEqual([{ title: 'Supplier', facts: [{ label: 'Why', value: 'below reorder point', formula: undefined }] }]);
    expect(explanationNotes({ notes: ['on hand -3 taken as 0', 7] })).toEqual(['on hand -3 taken as 0']);
  });

  it('opens with one sentence and four numbers, every number the planner’s', () => {
    const summary = summaryOf({ quantity: 108, projectedStockoutDate: '2026-01-05', expectedArrivalDate: '2026-01-19', daysShort: 14, daysOfCover: 0, explanation: { ...explanation, planDate: '2026-01-05', policyKind: 'periodic' } });
    expect(summary.sentence).toBe(
      'Order 108 now: stock runs out on 5 Jan, the supplier needs 14 days (an order placed now arrives on 19 Jan, 14 days after), and 108 covers demand until the next review with 95 % service.',
    );
    expect(summary.numbers.map((number) => [number.label, number.value])).toEqual([
      ['Runs out', '5 Jan'],
      ['Order arrives', '19 Jan'],
      ['Inventory position', '12'],
      ['Order-up-to level', format.quantity(explanation.orderUpTo as number)],
    ]);
  });

  it('gives every code of the derivation as a sentence, never the code itself', () => {
    const codes = ['normal-cycle', 'primary-late', 'cycle', 'periodic', 'forecast-residuals'];
    const text = JSON.stringify(explanationSections({ ...explanation, policyKind: 'periodic', serviceLevelSource: 'class-A', forecastStdDevSource: 'forecast-residuals' }, names));
    for (const code of codes) expect(text).not.toContain(`"${code}"`);
    expect(text).toContain('the target for A items');
  });
});
