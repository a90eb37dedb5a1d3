import { activeSupplierIds, supplierLeadTimeHistory } from '../../../db/repositories/planning';
import type { Db } from '../../../db/connection';
import { learnLeadTimes, matureLeadTimeReceipts, type LeadTimeStats } from '../../../models/policy/lead-time';

export const leadTimeKey = (supplierId: number, itemId: number) => `${supplierId}/${itemId}`;

/**
 * Planning lead times of every supplier × item on `asOfDate`, learned once per run from the orders old enough to tell
 * (matureLeadTimeReceipts; ordersOut 'left-out': without the open ones, for a caller that weighs them itself, as the
 * backorder stage's latenessShiftFromOrdersOut does). learnLeadTimes shrinks an item's figures toward
 * its supplier's, and a supplier's figures depend on its own receipts only, so learning one supplier at a time gives
 * the same numbers as learning all at once while holding one supplier's receipts in memory. Keys: leadTimeKey.
 */
export async function learnRunLeadTimes(
  db: Db,
  options: { since: string; asOfDate: string; credibility?: number; ordersOut?: 'as-receipts' | 'left-out' },
): Promise<Map<string, LeadTimeStats>> {
  const learned = new Map<string, LeadTimeStats>();
  for (const supplierId of await activeSupplierIds(db)) {
    const history = await supplierLeadTimeHistory(db, supplierId, { since: options.since, openLines: options.ordersOut !== 'left-out' });
    const supplier = String(supplierId);
    const order = (line: { itemId: number; orderDate: string; promisedDate: string | null }) => ({
      supplierId: supplier,
      sku: String(line.itemId),
      orderDate: line.orderDate,
      ...(line.promisedDate === null ? {} : { promisedDate: line.promisedDate }),
    });
    const promised = history.promised.map((p) => ({ supplierId: supplier, sku: String(p.itemId), promisedDays: p.promisedDays }));
    // Orders younger than their promise say nothing yet, even those that came early (matureLeadTimeReceipts).
    const receipts = matureLeadTimeReceipts(
      history.receipts.map((receipt) => ({ ...order(receipt), receivedDate: receipt.receivedDate })),
      history.openLines.map(order),
      promised,
      options.asOfDate,
    );
    const stats = learnLeadTimes(receipts, promised, { credibility: options.credibility });
    for (const entry of stats) learned.set(leadTimeKey(supplierId, Number(entry.sku)), entry);
  }
  return learned;
}
