/**
 * The shapes the page reads: the API's own response schemas (src/http/schemas.ts), imported as types only, so the
 * page and the OpenAPI document cannot drift and no zod code reaches the bundle.
 */
import type { z } from 'zod';
import type {
  recommendationDetailResponse,
  recommendationPageResponse,
  recommendationResponse,
  locationResponse,
  sessionResponse,
  skuDetailResponse,
  supplierResponse,
} from '../../http/schemas';

export type Session = z.infer<typeof sessionResponse>;
export type Role = Session['role'];
export type Recommendation = z.infer<typeof recommendationResponse>;
export type Urgency = Recommendation['urgency'];
export type Status = Recommendation['status'];
export type RecommendationDetail = z.infer<typeof recommendationDetailResponse>;
export type RecommendationEvent = RecommendationDetail['events'][number];
export type RecommendationPage = z.infer<typeof recommendationPageResponse>;
export type Supplier = z.infer<typeof supplierResponse>;
export type Location = z.infer<typeof locationResponse>;
export type SkuDetail = z.infer<typeof skuDetailResponse>;
export type SkuLocation = SkuDetail['locations'][number];
export type ForecastPeriod = NonNullable<SkuLocation['forecast']>['periods'][number];

/** The reason codes PATCH accepts for a rejection (src/http/schemas.ts rejectReasons). */
export const rejectReasons = ['overstock', 'demand-change', 'supplier-issue', 'price', 'duplicate', 'discontinued', 'other'] as const;

/** Which decisions each status allows (as src/services/recommendation-service.ts enforces). */
export const allowedFrom: Record<'approve' | 'reject' | 'set-quantity', Status[]> = {
  approve: ['proposed', 'rejected'],
  reject: ['proposed', 'approved'],
  'set-quantity': ['proposed', 'approved'],
};
