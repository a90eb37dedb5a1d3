/**
 * The shapes the page reads: the API's own response schemas (src/http/schemas.ts), imported as types only, so the
 * page and the OpenAPI document cannot drift and no zod code reaches the bundle.
 */
import type { z } from 'zod';
import type {
  backorderPageResponse,
  bulkDecisionResponse,
  draftOrderListResponse,
  draftOrderResponse,
  exceptionPageResponse,
  recommendationDetailResponse,
  recommendationPageResponse,
  recommendationResponse,
  locationResponse,
  sessionResponse,
  skuDetailResponse,
  supplierLeadTimeResponse,
  supplierResponse,
} from '../../http/schemas';

export type Session = z.infer<typeof sessionResponse>;
export type Role = Session['role'];
export type Recommendation = z.infer<typeof recommendationResponse>;
export type Urgency = Recommendation['urgency'];
export type Status = Recommendation['status'];
export type RecommendationDetail = z.infer<typeof recommendationDetailResponse>;
export type RecommendationEvent = RecommendationDetail['events'][number];
export type StockProjection = NonNullable<RecommendationDetail['projection']>;
export type ProtectionDemand = NonNullable<RecommendationDetail['protectionDemand']>;
export type RecommendationPage = z.infer<typeof recommendationPageResponse>;
export type BulkDecision = z.infer<typeof bulkDecisionResponse>;
export type Supplier = z.infer<typeof supplierResponse>;
export type SupplierLeadTimes = z.infer<typeof supplierLeadTimeResponse>;
export type Location = z.infer<typeof locationResponse>;
export type SkuDetail = z.infer<typeof skuDetailResponse>;
export type SkuLocation = SkuDetail['locations'][number];
export type ForecastPeriod = NonNullable<SkuLocation['forecast']>['periods'][number];
export type DraftOrderList = z.infer<typeof draftOrderListResponse>;
export type DraftOrder = z.infer<typeof draftOrderResponse>;
export type BackorderPage = z.infer<typeof backorderPageResponse>;
export type ExceptionPage = z.infer<typeof exceptionPageResponse>;
export type ExceptionItem = ExceptionPage['data'][number];

/** The reason codes PATCH accepts for a rejection (src/http/schemas.ts rejectReasons). */
export const rejectReasons = ['overstock', 'demand-change', 'supplier-issue', 'price', 'duplicate', 'discontinued', 'other'] as const;

/** Which decisions each status allows (as src/services/recommendation-service.ts enforces; the page offers no reject after an approval: undo first). */
export const allowedFrom: Record<'approve' | 'reject' | 'undo' | 'set-quantity', Status[]> = {
  approve: ['proposed'],
  reject: ['proposed'],
  undo: ['approved', 'rejected'],
  'set-quantity': ['proposed', 'approved'],
};

/** A quantity more than this many times the suggestion needs a reason (src/services/recommendation-service.ts). */
export const QUANTITY_REASON_ABOVE_SUGGESTION = 3;
