import type { DecidedPair } from '../../../db/repositories/planning';

/**
 * A top-up: a sense run re-plans a SKU × location whose line of the run a buyer already approved (or the ERP took),
 * and the need has grown since. The decided line is kept as it is; a new line orders the extra only. The extra is
 * what planItem finds with the decided lines counted as on order where the records do not show them yet:
 * approved lines (not exported, so on no purchase order), and exported ones beyond what the ERP's purchase orders
 * dated since the line was planned already order (between the export and the ERP's next import an exported line is
 * on no purchase order the plan can see; counting it twice would order its quantity again).
 */
export function decidedNotOnOrder(decided: Pick<DecidedPair, 'approved' | 'exported' | 'orderedSince'>): number {
  return decided.approved + Math.max(0, decided.exported - decided.orderedSince);
}

/** Whether the pair's newest decided line may be topped up: approved or exported, not rejected or left proposed with an edit. */
export const canTopUp = (decided: Pick<DecidedPair, 'lastDecidedStatus'>) => decided.lastDecidedStatus === 'approved' || decided.lastDecidedStatus === 'exported';

/** The explanation's reason for a top-up line; `sensed` is the sense run's reading when one re-planned the pair. */
export function topUpReason(
  decided: Pick<DecidedPair, 'lastDecidedId' | 'lastDecidedStatus'>,
  sensed: { since: string; excess: number; reason: string } | undefined,
): string {
  const why = sensed
    ? `demand since ${sensed.since} runs ${sensed.excess > 0 ? 'above the 99 %' : 'below the 1 %'} quantile of the forecast (${sensed.reason})`
    : 'the need planned now exceeds what the decided lines order';
  return `top-up of recommendation ${decided.lastDecidedId} (${decided.lastDecidedStatus}): ${why}; this line orders only the need beyond what the run's decided lines already order`;
}

/**
 * The review period a re-plan `daysIntoReview` days after its run's plan date is planned with: what is left of the
 * period until the next regular order (at least a day; 0, continuous review, stays 0). Ordering up to a level sized
 * for a whole period in the middle of one would order, on top of what changed, the demand since the review that the
 * next regular order is there to replace: a review every day for every re-planned SKU.
 */
export function reviewLeft(reviewPeriodDays: number, daysIntoReview: number): number {
  if (reviewPeriodDays <= 0 || daysIntoReview <= 0) return reviewPeriodDays;
  return Math.max(1, reviewPeriodDays - daysIntoReview);
}
