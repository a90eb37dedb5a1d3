/**
 * What changed in the promise replen gives a backordered sales-order line between two runs, and why. Pure: the
 * backorder stage reads the previous promises and the new allocation, this says which lines changed and the cause.
 */

export type PromiseStatus = 'covered' | 'partial' | 'uncovered' | 'shipped' | 'cancelled';

export type ChangeCause =
  | 'first-promise'
  | 'supplier-delay'
  | 'new-purchase-order'
  | 'receipt'
  | 'approval'
  | 'cancellation'
  | 'demand-ahead'
  | 'shipped'
  | 'supply-change';

export interface LinePromise {
  status: PromiseStatus;
  eta: string | null;
  etaLateCase: string | null;
  /** The supply the ETA rests on, as 'purchase-order:12', 'approved-recommendation:3', 'on-hand:0'. */
  supply: string[];
}

export interface PromiseChange {
  salesOrderLineId: number;
  cause: ChangeCause;
  previous: LinePromise | null;
  next: LinePromise;
}

export interface ChangeContext {
  /** Purchase-order lines still open (something left to receive): a line's PO supply that is not is received. */
  openPurchaseLines: Set<number>;
  /** Lines no longer backordered: whether their order was cancelled (else they shipped). */
  cancelledLines: Set<number>;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((key) => b.includes(key));
const kindOf = (key: string) => key.slice(0, key.lastIndexOf(':'));
const idOf = (key: string) => Number(key.slice(key.lastIndexOf(':') + 1));

/** The cause of a change of an open line's promise, from how its supply moved. */
function causeOf(previous: LinePromise, next: LinePromise, context: ChangeContext): ChangeCause {
  const added = next.supply.filter((key) => !previous.supply.includes(key));
  const removed = previous.supply.filter((key) => !next.supply.includes(key));
  if (removed.some((key) => kindOf(key) === 'purchase-order' && !context.openPurchaseLines.has(idOf(key)))) return 'receipt';
  if (added.some((key) => kindOf(key) === 'approved-recommendation')) return 'approval';
  if (added.some((key) => kindOf(key) === 'purchase-order')) return 'new-purchase-order';
  // The same supply, later dates: the supplier's promise or its learned lateness moved.
  if (sameSet(previous.supply, next.supply)) return 'supplier-delay';
  // Supply it had went to lines ahead of it in the queue (a new, earlier-promised order).
  if (removed.length > 0) return 'demand-ahead';
  return 'supply-change';
}

/**
 * The changes between each line's previous promise (open ones: not shipped or cancelled) and the run's: a line with
 * none before gets its first promise; a line that left the backorders shipped or was cancelled; an open line whose
 * status, ETA, late-case ETA or supply differs changed for the cause causeOf finds. Unchanged lines are left out.
 */
export function promiseChanges(previous: Map<number, LinePromise>, current: Map<number, LinePromise>, context: ChangeContext): PromiseChange[] {
  const changes: PromiseChange[] = [];
  for (const [salesOrderLineId, next] of current) {
    const before = previous.get(salesOrderLineId);
    if (!before) {
      changes.push({ salesOrderLineId, cause: 'first-promise', previous: null, next });
      continue;
    }
    const same = before.status === next.status && before.eta === next.eta && before.etaLateCase === next.etaLateCase && sameSet(before.supply, next.supply);
    if (!same) changes.push({ salesOrderLineId, cause: causeOf(before, next, context), previous: before, next });
  }
  for (const [salesOrderLineId, before] of previous) {
    if (current.has(salesOrderLineId)) continue;
    const cancelled = context.cancelledLines.has(salesOrderLineId);
    // The last dates stay on the promise: the accuracy measure compares the ship date with them.
    changes.push({
      salesOrderLineId,
      cause: cancelled ? 'cancellation' : 'shipped',
      previous: before,
      next: { ...before, status: cancelled ? 'cancelled' : 'shipped' },
    });
  }
  return changes.sort((a, b) => a.salesOrderLineId - b.salesOrderLineId);
}
