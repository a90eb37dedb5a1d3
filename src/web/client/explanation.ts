import type { PlanExplanation } from '../../../models/policy/plan';
import type { LeadTimeStats } from '../../../models/policy/lead-time';
import type { SupplierReasonCode } from '../../../models/policy/supplier-choice';
import * as format from './format';

/**
 * The explanation of a recommendation (PlanExplanation of models/policy/plan.ts plus what the plan stage adds) in
 * layers: one sentence and the few numbers behind it first, then the full derivation as sections of labelled facts in
 * the order the planner computes them, in words, each code the planner records given as a sentence. Pure: no DOM, so
 * the layout is testable without a browser. A fact whose number is absent is left out (older or hand-made rows carry less).
 */

/** How the safety stock was set, for each method the planner records. */
export const safetyStockMethods: Record<PlanExplanation['safetyStockMethod'], string> = {
  'error-quantile-cycle': "from how far this item's own forecasts missed over past lead times plus review periods, at the service target, plus a buffer for late deliveries",
  'normal-cycle': 'from a normal curve of demand over the lead time plus review period, at the service target (the forecast has too short a record of its own errors)',
  'normal-fill-rate': 'from a normal curve, so that the share of demand met from stock reaches the fill-rate target',
  'samples-quantile': 'from simulated demand over the lead time plus review period (demand is sporadic or slow, so a normal curve would mislead)',
  none: 'none: neither demand nor the lead time varies',
};

/** Why the supplier was chosen, for each reason code. */
export const supplierReasons: Record<SupplierReasonCode | 'no-supplier', string> = {
  primary: 'The primary supplier, who can deliver before the projected stock-out.',
  'primary-too-slow': 'The primary supplier cannot deliver before the stock-out; the cheapest supplier who can was chosen.',
  'primary-late': 'No supplier can deliver before the stock-out, so the primary supplier was kept: expedite the order.',
  'lowest-landed-cost': 'No primary supplier: the lowest landed cost (among those in time, when any is).',
  'no-supplier': 'No supplier offers this item: source it before ordering.',
};

/** Where a planned lead time comes from. */
export const leadTimeSources: Record<LeadTimeStats['source'], string> = {
  item: "this item's own receipts from the supplier",
  blended: "this item's receipts, weighted with the supplier's record on its other items",
  supplier: "the supplier's record on its other items (none of this item received yet)",
  promised: 'the promised lead time (nothing received from this supplier yet)',
};

const otherCodes: Record<string, string> = {
  'protection-errors': "from the forecast's own errors over the lead time plus review period",
  'one-period-sd': 'one week of forecast error scaled to the lead time plus review period',
  'forecast-residuals': "from the forecast's errors on past weeks",
  poisson: 'the square root of mean demand (no forecast errors to go by)',
  'item-override': "set on the item in the ERP",
  'revenue-52-weeks': 'by revenue over the last 52 weeks',
  periodic: 'periodic review: ordered up to a level at each review',
  continuous: 'continuous review: ordered when stock reaches the reorder point',
  cycle: 'the chance of no stock-out in a replenishment cycle',
  'fill-rate': 'the share of demand met from stock',
};

/** A sentence for a code the planner records; an unknown one is shown as it is. */
export function sentenceFor(code: string | null): string | null {
  if (code === null) return null;
  const serviceClass = /^class-([ABC])$/.exec(code);
  if (serviceClass) return `the target for ${serviceClass[1]} items`;
  return otherCodes[code] ?? safetyStockMethods[code as PlanExplanation['safetyStockMethod']] ?? leadTimeSources[code as LeadTimeStats['source']] ?? code;
}

export interface Fact {
  label: string;
  value: string;
  /** How the value follows from the facts above, with the numbers filled in. */
  formula?: string;
}

export interface Section {
  title: string;
  facts: Fact[];
}

type Explanation = Record<string, unknown>;

const numberOf = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);
const textOf = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);
const recordOf = (value: unknown): Record<string, unknown> | null => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null);

function fact(label: string, value: string | null, formula?: string): Fact | null {
  return value === null || value === '–' ? null : { label, value, formula };
}

const present = (facts: Array<Fact | null>): Fact[] => facts.filter((item): item is Fact => item !== null);

export function explanationSections(explanation: Explanation, supplierNames: ReadonlyMap<number, string>): Section[] {
  const n = (name: string) => numberOf(explanation[name]);
  const q = (name: string) => format.precise(n(name));
  const periodDays = n('periodDays') ?? 7;
  const period = periodDays === 7 ? 'week' : `${periodDays}-day period`;

  const errors = recordOf(explanation.protectionErrors);
  const demand = present([
    fact('Forecast method', [textOf(explanation.forecastMethod), textOf(explanation.demandClass) && `(${explanation.demandClass} demand)`].filter(Boolean).join(' ') || null),
    fact(`Mean demand per ${period}`, q('meanDemandPerPeriod')),
    fact(`Forecast error per ${period}`, q('forecastStdDevPerPeriod'), sentenceFor(textOf(explanation.forecastStdDevSource)) ?? undefined),
    fact(
      'Protection interval',
      n('protectionPeriods') === null ? null : `${format.precise(n('protectionPeriods'))} ${period}s`,
      n('leadTimePeriods') !== null && n('reviewPeriods') !== null ? `lead time ${q('leadTimePeriods')} + review period ${q('reviewPeriods')}` : undefined,
    ),
    fact('Demand over the lead time', q('demandOverLeadTime')),
    fact('Demand over the protection interval', q('demandOverProtection'), 'forecast summed over lead time + review period'),
    fact(
      'Forecast error over the protection interval',
      format.precise(numberOf(errors?.errorStdDev)),
      `root mean square of the forecast's past errors over ${q('protectionPeriods')} ${period}s${errors?.extrapolated ? ', scaled by √H' : ''}`,
    ),
    fact(
      'Spread of demand over the protection interval',
      q('demandStdDevOverProtection'),
      errors
        ? `√(forecast error² + (demand per ${period} × lead-time spread)²): √(${format.precise(numberOf(errors.errorStdDev))}² + (${q('meanDemandPerPeriod')} × ${q('leadTimeStdDevPeriods')})²)`
        : `one ${period}'s forecast error over the lead time plus review period, and the lead-time spread`,
    ),
  ]);

  const leadTimes = Array.isArray(explanation.leadTimes) ? (explanation.leadTimes as Explanation[]) : [];
  const leadTime = present([
    fact('Lead time, mean', format.days(n('leadTimeMeanDays'))),
    fact('Lead time, spread', format.days(n('leadTimeStdDevDays')), 'one standard deviation of the days deliveries take'),
    fact('Review period', n('reviewPeriods') === null ? null : format.days((n('reviewPeriods') as number) * periodDays)),
    ...leadTimes.map((entry) =>
      fact(
        `Planned for ${supplierNames.get(Number(entry.supplierId)) ?? `supplier ${String(entry.supplierId)}`}`,
        `${format.days(numberOf(entry.plannedMeanDays))} ± ${format.days(numberOf(entry.plannedStdDevDays))}`,
        `from ${sentenceFor(textOf(entry.source)) ?? 'the promise'}: promised ${format.days(numberOf(entry.promisedDays))}, ${String(entry.receiptCount ?? 0)} receipts`,
      ),
    ),
  ]);

  const method = textOf(explanation.safetyStockMethod);
  const errorQuantile = numberOf(errors?.errorQuantile);
  const leadTimeBuffer = numberOf(errors?.leadTimeBuffer);
  const safetyStockFormula: Record<string, string | undefined> = {
    'normal-cycle': `safety factor × spread over the protection interval: ${q('safetyFactor')} × ${q('demandStdDevOverProtection')}`,
    'normal-fill-rate': `safety factor × spread over the protection interval: ${q('safetyFactor')} × ${q('demandStdDevOverProtection')}`,
    'error-quantile-cycle':
      errorQuantile === null || leadTimeBuffer === null
        ? undefined
        : `error quantile + lead-time buffer: ${format.precise(errorQuantile)} + ${format.precise(leadTimeBuffer)}`,
    'samples-quantile': `sample quantile − sample mean: ${q('sampleQuantile')} − ${q('sampleMean')}`,
    none: 'no demand or lead-time uncertainty',
  };
  const safety = present([
    fact('Service level', format.percent(n('serviceLevel')), [sentenceFor(textOf(explanation.serviceMeasure)), sentenceFor(textOf(explanation.serviceLevelSource))].filter(Boolean).join('; ') || undefined),
    fact('How the safety stock is set', method ? safetyStockMethods[method as PlanExplanation['safetyStockMethod']] ?? method : null),
    fact('Safety factor', format.precise(n('safetyFactor')), method === 'normal-fill-rate' ? 'from the normal loss function at the fill-rate target' : 'standard deviations of the normal curve at the service target'),
    fact('Error quantile at the service level', format.precise(errorQuantile), 'of the forecast\'s past errors over the protection interval'),
    fact(
      'Lead-time buffer',
      format.precise(leadTimeBuffer),
      `what a lead time varying by ${q('leadTimeStdDevPeriods')} ${period}s adds at the service level: the quantile of the past errors plus demand per ${period} × that spread (${q('meanDemandPerPeriod')} × ${q('leadTimeStdDevPeriods')}) as a normal, less the error quantile`,
    ),
    fact('Sample quantile', q('sampleQuantile'), n('sampleCount') === null ? undefined : `of ${q('sampleCount')} simulated demands over the protection interval`),
    fact('Sample mean', q('sampleMean')),
    fact('Safety stock', q('safetyStock'), method ? safetyStockFormula[method] : undefined),
  ]);

  const levels = present([
    fact('Policy', sentenceFor(textOf(explanation.policyKind))),
    fact('Reorder point', q('reorderPoint'), n('reorderPoint') === null ? undefined : `demand over the lead time ${q('demandOverLeadTime')} + safety stock ${q('safetyStock')}`),
    fact('Order-up-to level', q('orderUpTo'), `demand over the protection interval ${q('demandOverProtection')} + safety stock ${q('safetyStock')}`),
    fact('Economic order quantity', q('economicOrderQuantity')),
  ]);

  const position = present([
    fact('On hand', q('onHand')),
    fact('On order', q('onOrder'), n('approvedNotExportedQuantity') ? `open purchase orders ${q('openPurchaseQuantity')} + approved, not yet exported ${q('approvedNotExportedQuantity')}` : undefined),
    fact('Backordered', q('backordered')),
    fact('Allocated', q('allocated')),
    fact(
      'Inventory position',
      q('inventoryPosition'),
      ['onHand', 'onOrder', 'backordered', 'allocated'].every((name) => n(name) !== null)
        ? `${q('onHand')} + ${q('onOrder')} − ${q('backordered')} − ${q('allocated')} (on hand + on order − backordered − allocated)`
        : undefined,
    ),
    fact('Days of cover', format.days(n('daysOfCover'))),
    fact('Projected stock-out', textOf(explanation.projectedStockoutDate)),
  ]);

  const constraints = recordOf(explanation.orderConstraints);
  const rounding = recordOf(explanation.rounding);
  const quantity = present([
    fact('Net requirement', q('netRequirement'), n('orderUpTo') !== null && n('inventoryPosition') !== null ? `order-up-to ${q('orderUpTo')} − inventory position ${q('inventoryPosition')}` : undefined),
    fact('Minimum order quantity', format.precise(numberOf(constraints?.moq))),
    fact('Order multiple', format.precise(numberOf(constraints?.orderMultiple))),
    fact('Maximum order quantity', format.precise(numberOf(constraints?.maxOrderQuantity))),
    fact('After the MOQ', format.precise(numberOf(rounding?.afterMoq)), 'max(net requirement, MOQ)'),
    fact('After the multiple', format.precise(numberOf(rounding?.afterMultiple)), 'rounded up to the order multiple'),
    fact('Quantity proposed', format.precise(numberOf(rounding?.orderQuantity)), rounding?.capped ? 'capped at the maximum order quantity' : undefined),
  ]);

  const supplier = recordOf(explanation.supplier);
  const options = Array.isArray(supplier?.options) ? (supplier.options as Explanation[]) : [];
  const supplierName = (id: unknown) => supplierNames.get(Number(id)) ?? `supplier ${String(id)}`;
  const choice = present([
    fact('Chosen', supplier ? supplierName(supplier.supplierId) : null, supplierReasons[textOf(supplier?.reasonCode) as SupplierReasonCode] ?? undefined),
    fact('Why', textOf(supplier?.reason) ?? textOf(explanation.reason)),
    ...options.map((option) =>
      fact(
        `Option: ${supplierName(option.supplierId)}`,
        `landed cost ${format.money(numberOf(option.landedCost))}, lead time ${format.days(numberOf(option.leadTimeDays))}`,
        option.arrivesBeforeStockout === null ? 'no stock-out projected' : option.arrivesBeforeStockout ? 'arrives before the stock-out' : 'arrives after the stock-out',
      ),
    ),
  ]);

  return [
    { title: 'Demand', facts: demand },
    { title: 'Lead time', facts: leadTime },
    { title: 'Safety stock', facts: safety },
    { title: 'Reorder point and order-up-to level', facts: levels },
    { title: 'Inventory position', facts: position },
    { title: 'Quantity: net requirement and rounding', facts: quantity },
    { title: 'Supplier', facts: choice },
  ].filter((section) => section.facts.length > 0);
}

export function explanationNotes(explanation: Explanation): string[] {
  return Array.isArray(explanation.notes) ? explanation.notes.filter((note): note is string => typeof note === 'string') : [];
}

/** The first layer of a line's explanation: one sentence, and the few numbers it rests on. */
export interface Summary {
  sentence: string;
  numbers: Array<{ label: string; value: string; note: string }>;
}

export interface SummaryInput {
  quantity: number;
  projectedStockoutDate: string | null;
  expectedArrivalDate: string | null;
  daysShort: number | null;
  daysOfCover: number | null;
  explanation: Explanation;
}

export function summaryOf(line: SummaryInput): Summary {
  const { explanation } = line;
  const n = (name: string) => numberOf(explanation[name]);
  const year = textOf(explanation.planDate)?.slice(0, 4);
  const when = (date: string | null) => format.shortDate(date, year);
  const leadDays = n('leadTimeMeanDays');
  const periodic = explanation.policyKind === 'periodic';
  const quantity = format.quantity(line.quantity);
  const runsOut = line.projectedStockoutDate ? `stock runs out on ${when(line.projectedStockoutDate)}` : 'no stock-out is projected within the forecast';
  const supplier = leadDays === null ? '' : `, the supplier needs ${Math.ceil(leadDays)} days`;
  const arrival =
    line.expectedArrivalDate === null
      ? ''
      : line.daysShort !== null && line.daysShort > 0
        ? ` (an order placed now arrives on ${when(line.expectedArrivalDate)}, ${line.daysShort} days after)`
        : ` (an order placed now arrives on ${when(line.expectedArrivalDate)})`;
  const service = n('serviceLevel');
  const covers = `${quantity} covers demand until ${periodic ? 'the next review' : 'the next order'}${service === null ? '' : ` with ${format.percent(service)} service`}`;
  const sentence = `Order ${quantity} now: ${runsOut}${supplier}${arrival}, and ${covers}.`;
  const numbers = [
    {
      label: 'Runs out',
      value: line.projectedStockoutDate ? when(line.projectedStockoutDate) : 'not in the forecast',
      note: line.daysOfCover === null ? 'stock lasts past the forecast' : `${format.days(line.daysOfCover)} of cover`,
    },
    {
      label: 'Order arrives',
      value: when(line.expectedArrivalDate),
      note: `${leadDays === null ? '' : `lead time ${format.days(leadDays)}, `}${format.shortage(line.daysShort)}`,
    },
    {
      label: 'Inventory position',
      value: format.quantity(n('inventoryPosition')),
      note: `${format.quantity(n('onHand'))} on hand + ${format.quantity(n('onOrder'))} on order − ${format.quantity(n('backordered'))} backordered`,
    },
    {
      label: periodic ? 'Order-up-to level' : 'Reorder point',
      value: format.quantity(periodic ? n('orderUpTo') : (n('reorderPoint') ?? n('orderUpTo'))),
      note: `includes ${format.quantity(n('safetyStock'))} safety stock${service === null ? '' : ` for ${format.percent(service)} service`}`,
    },
  ];
  return { sentence, numbers };
}
