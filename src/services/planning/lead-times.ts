import { activeSupplierIds, supplierLeadTimeHistory } from '../../../db/repositories/planning';
import type { Db } from '../../../db/connection';
import { learnLeadTimes, type LeadTimeStats } from '../../../models/policy/lead-time';

export const leadTimeKey = (supplierId: number, itemId: number) => `${supplierId}/${itemId}`;

/**
 * Planning lead times of every supplier × item, learned once per run. learnLeadTimes shrinks an item's figures toward
 * its supplier's, and a supplier's figures depend on its own receipts only, so learning one supplier at a time gives
 * the same numbers as learning all at once while holding one supplier's receipts in memory. Keys: leadTimeKey.
 */
export async function learnRunLeadTimes(db: Db, options: { since: string; credibility?: number }): Promise<Map<string, LeadTimeStats>> {
  const learned = new Map<string, LeadTimeStats>();
  for (const supplierId of await activeSupplierIds(db)) {
    const history = await supplierLeadTimeHistory(db, supplierId, { since: options.since });
    const supplier = String(supplierId);
    const stats = learnLeadTimes(
      history.receipts.map((receipt) => ({
        supplierId: supplier,
        sku: String(receipt.itemId),
        orderDate: receipt.orderDate,
        ...(receipt.promisedDate === null ? {} : { promisedDate: receipt.promisedDate }),
        receivedDate: receipt.receivedDate,
      })),
      history.promised.map((p) => ({ supplierId: supplier, sku: String(p.itemId), promisedDays: p.promisedDays })),
      { credibility: options.credibility },
    );
    for (const entry of stats) learned.set(leadTimeKey(supplierId, Number(entry.sku)), entry);
  }
  return learned;
}
