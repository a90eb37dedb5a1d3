import type { DraftLineSource, DraftPurchaseOrderRow } from '../../../db/repositories/planning';
import { draftPurchaseOrders, type PullForwardCandidate } from '../../../models/policy/purchase-orders';

/** Pull-forward candidates kept per order beyond the suggested ones: enough to choose from, not the supplier's whole range. */
const PULL_FORWARD_SHOWN = 10;

/**
 * Draft purchase orders of a run: draftPurchaseOrders groups the run's lines per supplier × location and, below a
 * supplier's minimum order value, ranks the items not due yet that could be pulled forward (candidates name items and
 * locations by their ids as strings, as planItem does). Each order keeps its suggested pull-forwards and at most
 * PULL_FORWARD_SHOWN more.
 */
export function buildDraftPurchaseOrders(lines: DraftLineSource[], candidates: PullForwardCandidate[], skus: Map<number, string>): DraftPurchaseOrderRow[] {
  const byPair = new Map(lines.map((line) => [`${line.itemId}/${line.locationId}`, line]));
  const terms = new Map(lines.map((line) => [String(line.supplierId), line]));
  const orders = draftPurchaseOrders(
    lines.map((line) => ({ sku: String(line.itemId), locationId: String(line.locationId), supplierId: String(line.supplierId), quantity: line.quantity, unitCost: line.unitCost })),
    [...terms].map(([supplierId, line]) => ({ supplierId, ...(line.minimumOrderValue > 0 ? { minimumOrderValue: line.minimumOrderValue } : {}) })),
    candidates,
  );
  return orders.map((order) => {
    const suggested = order.pullForward.filter((entry) => entry.suggested).length;
    return {
      supplierId: Number(order.supplierId),
      locationId: Number(order.locationId),
      currency: terms.get(order.supplierId)!.currency,
      orderValue: order.orderValue,
      minimumOrderValue: order.minimumOrderValue,
      shortfall: order.shortfall,
      lines: order.lines.map((line) => {
        const source = byPair.get(`${line.sku}/${line.locationId}`)!;
        return { itemId: source.itemId, sku: source.sku, quantity: line.quantity, unitCost: line.unitCost, value: line.quantity * line.unitCost, urgency: source.urgency };
      }),
      pullForward: order.pullForward.slice(0, suggested + PULL_FORWARD_SHOWN).map((entry) => ({
        itemId: Number(entry.candidate.sku),
        sku: skus.get(Number(entry.candidate.sku)) ?? entry.candidate.sku,
        quantity: entry.candidate.quantity,
        unitCost: entry.candidate.unitCost,
        value: entry.value,
        daysUntilReorder: entry.candidate.daysUntilReorder,
        cumulativeOrderValue: entry.cumulativeOrderValue,
        suggested: entry.suggested,
      })),
    };
  });
}
