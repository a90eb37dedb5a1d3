import { type OrderConstraints, type OrderQuantitySteps, roundOrderQuantity } from './order-quantity';

/** One supplier's offer for a SKU. */
export interface SupplierItem extends OrderConstraints {
  supplierId: string;
  unitCost: number;
  /** Planned (learned) mean lead time in days. */
  leadTimeDays: number;
  /** Planned (learned) lead-time standard deviation in days; planItem falls back to its own input when absent. */
  leadTimeStdDevDays?: number;
  primary?: boolean;
  /** Lower is preferred; decides the primary when no item carries the primary flag. */
  priority?: number;
}

export type SupplierReasonCode =
  /** The primary supplier, delivering before the projected stock-out (or none is projected). */
  | 'primary'
  /** The primary cannot deliver before the stock-out; the cheapest of those who can was taken. */
  | 'primary-too-slow'
  /** Nobody can deliver before the stock-out; the primary was kept: expedite. */
  | 'primary-late'
  /** No primary: the lowest landed cost (among those in time, when any is). */
  | 'lowest-landed-cost';

export interface SupplierOption {
  supplierId: string;
  rounding: OrderQuantitySteps;
  /** unitCost × quantity after this supplier's MOQ, multiple and cap. */
  landedCost: number;
  leadTimeDays: number;
  /** null when no stock-out is projected. */
  arrivesBeforeStockout: boolean | null;
}

export interface SupplierChoice extends SupplierOption {
  reasonCode: SupplierReasonCode;
  reason: string;
  /** Every supplier weighed, the chosen one included, in input order. */
  options: SupplierOption[];
}

function byLandedCost(a: SupplierOption, b: SupplierOption): number {
  return a.landedCost - b.landedCost || a.leadTimeDays - b.leadTimeDays || (a.supplierId < b.supplierId ? -1 : a.supplierId > b.supplierId ? 1 : 0);
}

function findPrimary(items: SupplierItem[]): SupplierItem | undefined {
  const flagged = items.filter((item) => item.primary);
  if (flagged.length > 1) throw new Error(`chooseSupplier: more than one primary supplier (${flagged.map((i) => i.supplierId).join(', ')})`);
  if (flagged.length === 1) return flagged[0];
  const ranked = items.filter((item) => item.priority !== undefined).sort((a, b) => (a.priority as number) - (b.priority as number));
  return ranked[0];
}

/**
 * Chooses the supplier for one order: the primary (flag, else lowest priority number) unless it cannot deliver
 * before the projected stock-out and another can, in which case the cheapest of those that can; with no primary,
 * the lowest landed cost, preferring suppliers in time. "In time" = leadTimeDays ≤ daysUntilStockout
 * (null = no stock-out projected, everyone is in time). Returns null when there are no supplier items.
 */
export function chooseSupplier(supplierItems: SupplierItem[], requirement: number, daysUntilStockout: number | null): SupplierChoice | null {
  if (supplierItems.length === 0) return null;
  for (const item of supplierItems) {
    if (!(item.unitCost >= 0) || !Number.isFinite(item.unitCost)) throw new Error(`chooseSupplier: unitCost must be ≥ 0 for ${item.supplierId}, got ${item.unitCost}`);
    if (!(item.leadTimeDays >= 0) || !Number.isFinite(item.leadTimeDays)) throw new Error(`chooseSupplier: leadTimeDays must be ≥ 0 for ${item.supplierId}, got ${item.leadTimeDays}`);
  }
  const options: SupplierOption[] = supplierItems.map((item) => {
    const rounding = roundOrderQuantity(requirement, item);
    return {
      supplierId: item.supplierId,
      rounding,
      landedCost: item.unitCost * rounding.orderQuantity,
      leadTimeDays: item.leadTimeDays,
      arrivesBeforeStockout: daysUntilStockout === null ? null : item.leadTimeDays <= daysUntilStockout,
    };
  });
  const inTime = options.filter((o) => o.arrivesBeforeStockout !== false);
  const stockout = daysUntilStockout === null ? '' : ` (projected stock-out in ${daysUntilStockout.toFixed(1)} days)`;
  const primaryItem = findPrimary(supplierItems);

  if (primaryItem) {
    const primary = options[supplierItems.indexOf(primaryItem)];
    if (primary.arrivesBeforeStockout !== false) {
      return { ...primary, reasonCode: 'primary', reason: `primary supplier ${primary.supplierId} delivers in ${primary.leadTimeDays.toFixed(1)} days${stockout}`, options };
    }
    if (inTime.length > 0) {
      const best = [...inTime].sort(byLandedCost)[0];
      return {
        ...best,
        reasonCode: 'primary-too-slow',
        reason: `primary supplier ${primary.supplierId} needs ${primary.leadTimeDays.toFixed(1)} days${stockout}; ${best.supplierId} delivers in ${best.leadTimeDays.toFixed(1)} days at the lowest landed cost of those in time`,
        options,
      };
    }
    return {
      ...primary,
      reasonCode: 'primary-late',
      reason: `no supplier can deliver before the stock-out${stockout}; primary supplier ${primary.supplierId} kept (${primary.leadTimeDays.toFixed(1)} days): expedite`,
      options,
    };
  }

  const pool = inTime.length > 0 ? inTime : options;
  const best = [...pool].sort(byLandedCost)[0];
  const scope = inTime.length > 0 && inTime.length < options.length ? ' among suppliers that deliver before the stock-out' : inTime.length === 0 ? '; none can deliver before the stock-out: expedite' : '';
  return { ...best, reasonCode: 'lowest-landed-cost', reason: `${best.supplierId} has the lowest landed cost (${best.landedCost.toFixed(2)} for ${best.rounding.orderQuantity})${scope}${stockout}`, options };
}
