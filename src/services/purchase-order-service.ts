import type { Knex } from 'knex';
import { writeOutboxEvents } from '../../db/repositories/webhooks';
import { outboxEvent } from './webhook-service';
import { insertRecommendationEvents, markRecommendationsExported } from '../../db/repositories/recommendations';
import {
  acknowledgePurchaseOrder,
  findAcknowledgedByKey,
  findPurchaseOrder,
  streamChangedPurchaseOrders,
  lockSupplierLocation,
  stampPurchaseOrderChanges,
  type SuggestedPurchaseOrder,
} from '../../db/repositories/suggested-purchase-orders';
import { ConflictError, NotFoundError, PreconditionFailedError } from '../errors';

export interface PurchaseOrderService {
  /**
   * Suggested orders changed after `after` (the lastKey of the previous pull), oldest change first. lastKey is
   * returned even on the last page, so the ERP keeps it and asks again later for what changed since.
   */
  pull(options: { after?: [string, number]; limit: number }): Promise<{
    data: SuggestedPurchaseOrder[];
    lastKey: [string, number] | null;
    hasMore: boolean;
  }>;
  /** pull, with the orders yielded as they are read (the HTTP answer streams them): lastKey and hasMore come first. */
  pullStream(options: { after?: [string, number]; limit: number }): Promise<{
    orders: AsyncGenerator<SuggestedPurchaseOrder>;
    lastKey: [string, number] | null;
    hasMore: boolean;
  }>;
  /**
   * The ERP took the order as `erpPoNumber`: the order is acknowledged and its recommendations exported.
   * `pulledChangeKey` is the order's change number as the ERP pulled it: if lines changed since (a buyer approved
   * one more), the ERP never saw them and the acknowledgement is refused (412) rather than exporting them unseen.
   * Retrying with the same Idempotency-Key (or the same number) answers the same; another number is a 409.
   */
  acknowledge(id: number, input: AcknowledgeInput): Promise<SuggestedPurchaseOrder>;
}

export interface AcknowledgeInput {
  erpPoNumber: string;
  idempotencyKey: string;
  actor: string;
  pulledChangeKey: string;
}

const uniqueViolation = '23505';

export function createPurchaseOrderService(db: Knex, options: { onEventsWritten?: () => void; now?: () => Date } = {}): PurchaseOrderService {
  const now = options.now ?? (() => new Date());
  async function acknowledgeOnce(id: number, input: AcknowledgeInput) {
    return db.transaction(async (trx) => {
      const unlocked = await findPurchaseOrder(trx, id);
      if (!unlocked) throw new NotFoundError(`suggested purchase order ${id}`);
      // The lock decisions on its lines take, before the row lock: the same lock order everywhere.
      await lockSupplierLocation(trx, unlocked.supplierId, unlocked.locationId);
      const order = (await findPurchaseOrder(trx, id, { forUpdate: true }))!;
      if (order.status === 'acknowledged') {
        if (order.erpPoNumber !== input.erpPoNumber) {
          throw new ConflictError(`purchase order ${id} was already acknowledged as ${order.erpPoNumber}`, { erpPoNumber: order.erpPoNumber });
        }
        return order;
      }
      if (order.status !== 'pending') throw new ConflictError(`purchase order ${id} is ${order.status}`, { status: order.status });
      // Every line change gives the order a new change_seq, so an unchanged one means unchanged lines.
      if (order.changeKey[0] !== input.pulledChangeKey) {
        throw new PreconditionFailedError(`purchase order ${id} changed since it was pulled: pull it again and acknowledge what it now holds`);
      }
      await acknowledgePurchaseOrder(trx, id, input);
      const exported = await markRecommendationsExported(
        trx,
        order.lines.map((line) => line.recommendationId),
        input.actor,
      );
      await insertRecommendationEvents(
        trx,
        exported.map((row) => ({
          recommendationId: row.id,
          actor: input.actor,
          action: 'export',
          before: { status: 'approved', version: row.version - 1 },
          after: { status: 'exported', version: row.version, erpPoNumber: input.erpPoNumber },
          reason: null,
        })),
      );
      await stampPurchaseOrderChanges(trx, [id]);
      const acknowledged = (await findPurchaseOrder(trx, id))!;
      const { id: purchaseOrderId, lines, changeKey: _changeKey, ...header } = acknowledged;
      await writeOutboxEvents(trx, [outboxEvent('purchase_order.acknowledged', { purchaseOrderId, ...header, lines: lines.length })], now());
      return acknowledged;
    }).then((order) => {
      options.onEventsWritten?.();
      return order;
    });
  }

  async function pullStream({ after, limit }: { after?: [string, number]; limit: number }) {
    const page = await streamChangedPurchaseOrders(db, { after, limit });
    return { orders: page.orders, lastKey: page.lastKey ?? after ?? null, hasMore: page.count === limit };
  }

  return {
    pullStream,

    async pull(options) {
      const { orders, lastKey, hasMore } = await pullStream(options);
      const data: SuggestedPurchaseOrder[] = [];
      for await (const order of orders) data.push(order);
      return { data, lastKey, hasMore };
    },

    async acknowledge(id, input) {
      const earlier = await findAcknowledgedByKey(db, input.idempotencyKey);
      if (earlier && (earlier.id !== id || earlier.erpPoNumber !== input.erpPoNumber)) {
        throw new ConflictError('Idempotency-Key was already used for another acknowledgement', { purchaseOrderId: earlier.id, erpPoNumber: earlier.erpPoNumber });
      }
      try {
        return await acknowledgeOnce(id, input);
      } catch (error) {
        // Two different orders raced with one key: the unique index lets one through.
        if ((error as { code?: string }).code === uniqueViolation) throw new ConflictError('Idempotency-Key was already used for another acknowledgement');
        throw error;
      }
    },
  };
}
