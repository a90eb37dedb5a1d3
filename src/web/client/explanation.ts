import * as format from './format';

/**
 * The explanation of a recommendation (PlanExplanation of models/policy/plan.ts plus what the plan stage adds),
 * laid out as sections of labelled facts in the order the planner computes them. Pure: no DOM, so the layout is
 * testable without a browser. A fact whose number is absent is left out (older or hand-made rows carry less).
 */

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
    fact(`σ of demand per ${period}`, q('forecastStdDevPerPeriod'), explanation.forecastStdDevSource === 'poisson' ? '√(mean demand): no forecast residuals' : textOf(explanation.forecastStdDevSource) ? 'from the forecast residuals' : undefined),
    fact(
      'Protection interval',
      n('protectionPeriods') === null ? null : `${format.precise(n('protectionPeriods'))} ${period}s`,
      n('leadTimePeriods') !== null && n('reviewPeriods') !== null ? `lead time ${q('leadTimePeriods')} + review period ${q('reviewPeriods')}` : undefined,
    ),
    fact('Demand over the lead time', q('demandOverLeadTime')),
    fact('Demand over the protection interval', q('demandOverProtection'), 'forecast summed over lead time + review period'),
    fact(
      'Forecast error over the protection interval (σ_H)',
      format.precise(numberOf(errors?.errorStdDev)),
      `root mean square of the forecast's past errors over ${q('protectionPeriods')} ${period}s${errors?.extrapolated ? ', scaled by √H' : ''}`,
    ),
    fact(
      'σ over the protection interval',
      q('demandStdDevOverProtection'),
      errors ? `√(σ_H² + (d·σ_L)²): √(${format.precise(numberOf(errors.errorStdDev))}² + (${q('meanDemandPerPeriod')} × ${q('leadTimeStdDevPeriods')})²)` : '√(E[L+R]·σ² + d²·σ_L²)',
    ),
  ]);

  const leadTimes = Array.isArray(explanation.leadTimes) ? (explanation.leadTimes as Explanation[]) : [];
  const leadTime = present([
    fact('Lead time, mean', format.days(n('leadTimeMeanDays'))),
    fact('Lead time, spread (σ_L)', format.days(n('leadTimeStdDevDays'))),
    fact('Review period', n('reviewPeriods') === null ? null : format.days((n('reviewPeriods') as number) * periodDays)),
    ...leadTimes.map((entry) =>
      fact(
        `Planned for ${supplierNames.get(Number(entry.supplierId)) ?? `supplier ${String(entry.supplierId)}`}`,
        `${format.days(numberOf(entry.plannedMeanDays))} ± ${format.days(numberOf(entry.plannedStdDevDays))}`,
        `${String(entry.source ?? '')}: promised ${format.days(numberOf(entry.promisedDays))}, ${String(entry.receiptCount ?? 0)} receipts`,
      ),
    ),
  ]);

  const method = textOf(explanation.safetyStockMethod);
  const errorQuantile = numberOf(errors?.errorQuantile);
  const leadTimeBuffer = numberOf(errors?.leadTimeBuffer);
  const safetyStockFormula: Record<string, string | undefined> = {
    'normal-cycle': `z × σ over the protection interval: ${q('safetyFactor')} × ${q('demandStdDevOverProtection')}`,
    'normal-fill-rate': `k × σ over the protection interval: ${q('safetyFactor')} × ${q('demandStdDevOverProtection')}`,
    'error-quantile-cycle':
      errorQuantile === null || leadTimeBuffer === null
        ? undefined
        : errorQuantile >= 0
          ? `√(error quantile² + lead-time buffer²): √(${format.precise(errorQuantile)}² + ${format.precise(leadTimeBuffer)}²)`
          : `error quantile + lead-time buffer: ${format.precise(errorQuantile)} + ${format.precise(leadTimeBuffer)}`,
    'samples-quantile': `sample quantile − sample mean: ${q('sampleQuantile')} − ${q('sampleMean')}`,
    none: 'no demand or lead-time uncertainty',
  };
  const safety = present([
    fact('Service level', format.percent(n('serviceLevel')), [textOf(explanation.serviceMeasure), textOf(explanation.serviceLevelSource)].filter(Boolean).join(', ') || undefined),
    fact('Safety stock method', method),
    fact(method === 'normal-fill-rate' ? 'Safety factor k' : 'Safety factor z', format.precise(n('safetyFactor'))),
    fact('Error quantile at the service level', format.precise(errorQuantile), 'of the forecast\'s past errors over the protection interval'),
    fact('Lead-time buffer', format.precise(leadTimeBuffer), `z × d × σ_L: ${q('safetyFactor')} × ${q('meanDemandPerPeriod')} × ${q('leadTimeStdDevPeriods')}`),
    fact('Sample quantile', q('sampleQuantile'), n('sampleCount') === null ? undefined : `of ${q('sampleCount')} simulated demands over the protection interval`),
    fact('Sample mean', q('sampleMean')),
    fact('Safety stock', q('safetyStock'), method ? safetyStockFormula[method] : undefined),
  ]);

  const levels = present([
    fact('Policy', textOf(explanation.policyKind)),
    fact('Reorder point (s)', q('reorderPoint'), n('reorderPoint') === null ? undefined : `demand over the lead time ${q('demandOverLeadTime')} + safety stock ${q('safetyStock')}`),
    fact('Order-up-to (S)', q('orderUpTo'), `demand over the protection interval ${q('demandOverProtection')} + safety stock ${q('safetyStock')}`),
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
    fact('Chosen', supplier ? supplierName(supplier.supplierId) : null, textOf(supplier?.reasonCode) ?? undefined),
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
    { title: 'Reorder point and order-up-to', facts: levels },
    { title: 'Inventory position', facts: position },
    { title: 'Quantity: net requirement and rounding', facts: quantity },
    { title: 'Supplier', facts: choice },
  ].filter((section) => section.facts.length > 0);
}

export function explanationNotes(explanation: Explanation): string[] {
  return Array.isArray(explanation.notes) ? explanation.notes.filter((note): note is string => typeof note === 'string') : [];
}
