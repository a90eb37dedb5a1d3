import type { PolicyRow, RecommendationRow } from '../../../db/repositories/planning';

/** Below what recommendations.quantity, numeric(14, 3), holds, and unit_cost, numeric(14, 4). */
const MAX_STORED_QUANTITY = 1e11;
const MAX_STORED_UNIT_COST = 1e10;

/**
 * Throws, naming the number, when one item × location's plan holds a number its columns cannot take (a quantity
 * of 3.4e12 from absurd sales, an infinite or missing level, a date past year 9999), so that the planner lists that
 * pair as a plan error and writes the others, instead of the whole chunk failing in the database.
 */
export function assertStorable(policy: PolicyRow, recommendation: RecommendationRow | null): void {
  const finite = (name: string, value: number | null, nullable = false) => {
    if (value === null ? !nullable : !Number.isFinite(value)) throw new Error(`${name} is ${value}: not a finite number`);
  };
  finite('service level', policy.serviceLevel);
  finite('safety stock', policy.safetyStock);
  finite('reorder point', policy.reorderPoint, true);
  finite('order-up-to level', policy.orderUpTo);
  if (!recommendation) return;
  finite('recommended quantity', recommendation.quantity);
  if (recommendation.quantity < 0 || recommendation.quantity >= MAX_STORED_QUANTITY) {
    throw new Error(`recommended quantity ${recommendation.quantity} is outside what a recommendation holds (0 to ${MAX_STORED_QUANTITY}, exclusive)`);
  }
  finite('unit cost', recommendation.unitCost, true);
  if (recommendation.unitCost !== null && (recommendation.unitCost < 0 || recommendation.unitCost >= MAX_STORED_UNIT_COST)) {
    throw new Error(`unit cost ${recommendation.unitCost} is outside what a recommendation holds (0 to ${MAX_STORED_UNIT_COST}, exclusive)`);
  }
  for (const [name, date] of [['need-by date', recommendation.needByDate], ['projected stock-out date', recommendation.projectedStockoutDate]] as const) {
    if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`${name} ${date} is not a date the database holds`);
  }
}
