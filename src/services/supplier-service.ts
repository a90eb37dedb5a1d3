import type { Knex } from 'knex';
import { receiptLeadTimes } from '../../db/repositories/lead-times';
import {
  deliveryRecordEndDate,
  findSupplier,
  itemIdsOfSupplier,
  listSuppliers,
  skusOf,
  supplierCatalogue,
  supplierDeliveries,
  type SupplierCatalogueItem,
  type SupplierDeliveries,
  type SupplierSummary,
} from '../../db/repositories/suppliers-read';
import { learnLeadTimes, type LeadTimeStats, type ObservedLeadTime, type Receipt } from '../../models/policy/lead-time';
import { NotFoundError } from '../errors';
import { PIPELINE_RUN_KIND } from './pipeline-service';

export type LearnedLeadTime = Omit<LeadTimeStats, 'supplierId' | 'sku'>;

export interface SupplierDetail extends SupplierSummary {
  /** What all receipts from this supplier show, over every item. */
  overall: ObservedLeadTime;
  items: Array<Partial<SupplierCatalogueItem> & { itemId: number; sku: string; offered: boolean; leadTime: LearnedLeadTime }>;
}

/** A supplier with what its deliveries of a window show, for comparing suppliers side by side. */
export type SupplierLeadTimeRecord = SupplierSummary & Omit<SupplierDeliveries, 'supplierId'>;

export interface SupplierService {
  list(options: { afterId?: number; limit: number }): Promise<SupplierSummary[]>;
  /**
   * Every supplier's promised against actual lead time, lateness and on-time rate over the last `months` calendar
   * months (up to the latest run's as-of date), and the same per month: the trend.
   */
  leadTimes(options: { months: number }): Promise<{ endDate: string | null; months: number; data: SupplierLeadTimeRecord[] }>;
  /** The supplier, its catalogue and the lead times learned from its receipts (learnLeadTimes, credibility-weighted). */
  get(id: number): Promise<SupplierDetail>;
}

export function createSupplierService(db: Knex): SupplierService {
  return {
    list: (options) => listSuppliers(db, options),

    async leadTimes({ months }) {
      const endDate = await deliveryRecordEndDate(db, PIPELINE_RUN_KIND);
      const [suppliers, deliveries] = await Promise.all([
        listSuppliers(db, { limit: 100_000 }),
        endDate ? supplierDeliveries(db, { endDate, months }) : Promise.resolve([]),
      ]);
      const bySupplier = new Map(deliveries.map((record) => [record.supplierId, record]));
      const none = { receiptCount: 0, promisedMeanDays: null, actualMeanDays: null, actualP90Days: null, meanLatenessDays: null, onTimeRate: null, latenessTrendDaysPerMonth: null, months: [] };
      return {
        endDate,
        months,
        data: suppliers.map((supplier) => {
          const { supplierId: _, ...record } = bySupplier.get(supplier.id) ?? { ...none, supplierId: supplier.id };
          return { ...supplier, ...record };
        }),
      };
    },

    async get(id) {
      const supplier = await findSupplier(db, id);
      if (!supplier) throw new NotFoundError(`supplier ${id}`);
      const [catalogue, itemIds] = await Promise.all([supplierCatalogue(db, id), itemIdsOfSupplier(db, id)]);
      const receipts = (await receiptLeadTimes(db, itemIds)).filter((receipt) => receipt.supplierId === id);
      // The model keys pairs by strings: the item id stands in for the SKU and is mapped back below.
      const modelReceipts: Receipt[] = receipts.map((receipt) => ({
        supplierId: String(id),
        sku: String(receipt.itemId),
        orderDate: receipt.orderDate,
        promisedDate: receipt.promisedDate ?? undefined,
        receivedDate: receipt.receivedDate,
        quantity: receipt.quantity,
      }));
      const learned = learnLeadTimes(
        modelReceipts,
        catalogue.map((item) => ({ supplierId: String(id), sku: String(item.itemId), promisedDays: item.promisedLeadTimeDays })),
      );
      // All receipts as one series: its observed figures are the supplier's overall record.
      const [overall] = learnLeadTimes(modelReceipts.map((receipt) => ({ ...receipt, sku: 'all' })));
      const catalogueByItem = new Map(catalogue.map((item) => [item.itemId, item]));
      const skus = await skusOf(db, learned.map((stats) => Number(stats.sku)).filter((itemId) => !catalogueByItem.has(itemId)));
      const items = learned.map(({ supplierId: _supplier, sku: itemKey, ...leadTime }) => {
        const itemId = Number(itemKey);
        const offered = catalogueByItem.get(itemId);
        return { ...(offered ?? { itemId, sku: skus.get(itemId)! }), offered: offered !== undefined, leadTime };
      });
      items.sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
      return {
        ...supplier,
        overall: overall?.observed ?? { receiptCount: 0, meanDays: null, stdDevDays: null, p50Days: null, p90Days: null, p95Days: null, meanLatenessDays: null, onTimeRate: null },
        items,
      };
    },
  };
}
