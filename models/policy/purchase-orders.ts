/** One recommended order line, after supplier choice and rounding. */
export interface RecommendationLine {
  sku: string;
  locationId: string;
  supplierId: string;
  quantity: number;
  unitCost: number;
}

/** An item at the same supplier and location that is not due yet but could be ordered now. */
export interface PullForwardCandidate extends RecommendationLine {
  /** Days until its projected inventory position reaches its reorder trigger; null = not within the forecast. */
  daysUntilReorder: number | null;
}

export interface SupplierTerms {
  supplierId: string;
  /** Smallest order value the supplier accepts, in the currency of unitCost; absent = none. */
  minimumOrderValue?: number;
}

export interface PullForwardSuggestion {
  candidate: PullForwardCandidate;
  /** quantity × unitCost. */
  value: number;
  /** Value of the draft plus this and every better-ranked suggestion. */
  cumulativeOrderValue: number;
  /** Part of the shortest ranked prefix that lifts the order to its minimum value. */
  suggested: boolean;
}

export interface DraftPurchaseOrder {
  supplierId: string;
  locationId: string;
  lines: RecommendationLine[];
  orderValue: number;
  minimumOrderValue: number | null;
  /** max(0, minimum − value); 0 when there is no minimum. */
  shortfall: number;
  /** Ranked candidates (soonest reorder need first, then larger value), only when there is a shortfall. */
  pullForward: PullForwardSuggestion[];
}

const groupKey = (supplierId: string, locationId: string) => JSON.stringify([supplierId, locationId]);

/**
 * Groups recommendation lines into one draft purchase order per supplier × location. When an order falls short of the
 * supplier's minimum order value, ranks the candidates of that supplier and location (not already on the order) by the
 * soonest projected reorder need, then by value, and marks the shortest ranked prefix that closes the shortfall.
 * Orders come back sorted by supplier, then location; lines keep their input order.
 */
export function draftPurchaseOrders(lines: RecommendationLine[], suppliers: SupplierTerms[] = [], candidates: PullForwardCandidate[] = []): DraftPurchaseOrder[] {
  for (const line of [...lines, ...candidates]) {
    if (!(line.quantity > 0) || !Number.isFinite(line.quantity)) throw new Error(`draftPurchaseOrders: quantity must be > 0 for ${line.sku}, got ${line.quantity}`);
    if (!(line.unitCost >= 0) || !Number.isFinite(line.unitCost)) throw new Error(`draftPurchaseOrders: unitCost must be ≥ 0 for ${line.sku}, got ${line.unitCost}`);
  }
  const minimumBySupplier = new Map(suppliers.map((s) => [s.supplierId, s.minimumOrderValue]));
  const groups = new Map<string, RecommendationLine[]>();
  for (const line of lines) {
    const key = groupKey(line.supplierId, line.locationId);
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }

  const orders: DraftPurchaseOrder[] = [];
  for (const groupLines of groups.values()) {
    const { supplierId, locationId } = groupLines[0];
    const orderValue = groupLines.reduce((sum, line) => sum + line.quantity * line.unitCost, 0);
    const minimumOrderValue = minimumBySupplier.get(supplierId) ?? null;
    const shortfall = minimumOrderValue === null ? 0 : Math.max(0, minimumOrderValue - orderValue);
    const pullForward: PullForwardSuggestion[] = [];
    if (shortfall > 0) {
      const onOrder = new Set(groupLines.map((line) => line.sku));
      const ranked = candidates
        .filter((c) => c.supplierId === supplierId && c.locationId === locationId && !onOrder.has(c.sku))
        .sort((a, b) => (a.daysUntilReorder ?? Infinity) - (b.daysUntilReorder ?? Infinity) || b.quantity * b.unitCost - a.quantity * a.unitCost);
      let cumulativeOrderValue = orderValue;
      for (const candidate of ranked) {
        const suggested = cumulativeOrderValue < (minimumOrderValue as number);
        const value = candidate.quantity * candidate.unitCost;
        cumulativeOrderValue += value;
        pullForward.push({ candidate, value, cumulativeOrderValue, suggested });
      }
    }
    orders.push({ supplierId, locationId, lines: groupLines, orderValue, minimumOrderValue, shortfall, pullForward });
  }
  return orders.sort((a, b) => (a.supplierId < b.supplierId ? -1 : a.supplierId > b.supplierId ? 1 : a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0));
}
