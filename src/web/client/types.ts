/** The shapes the page reads from the API (see src/http/schemas.ts for the documented originals). */

export type Role = 'viewer' | 'buyer' | 'erp' | 'admin';
export type Urgency = 'critical' | 'high' | 'normal' | 'low';
export type Status = 'proposed' | 'approved' | 'rejected' | 'exported';

export interface Session {
  name: string;
  role: Role;
}

export interface Recommendation {
  id: number;
  sku: string;
  description: string;
  locationId: number;
  locationCode: string;
  supplierId: number | null;
  supplierName: string | null;
  status: Status;
  quantity: number;
  suggestedQuantity: number;
  unitCost: number | null;
  lineValue: number | null;
  needByDate: string | null;
  projectedStockoutDate: string | null;
  urgency: Urgency;
  abcClass: string | null;
  version: number;
  decidedBy: string | null;
  decidedAt: string | null;
  reasonCode: string | null;
}

export interface RecommendationEvent {
  id: number;
  actor: string;
  action: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
  createdAt: string;
}

export interface RecommendationDetail extends Recommendation {
  moq: number | null;
  orderMultiple: number | null;
  explanation: Record<string, unknown>;
  events: RecommendationEvent[];
}

export interface RecommendationPage {
  runId: number | null;
  data: Recommendation[];
  nextCursor: string | null;
}

export interface Supplier {
  id: number;
  name: string;
}

export interface ForecastPeriod {
  periodStart: string;
  mean: number;
  lo80: number | null;
  hi80: number | null;
  lo95: number | null;
  hi95: number | null;
}

export interface SkuLocation {
  locationId: number;
  locationCode: string;
  history: { quantities: number[] };
  forecast: { method: string; periods: ForecastPeriod[] } | null;
}

export interface SkuDetail {
  sku: string;
  weekEnds: string[];
  locations: SkuLocation[];
}

/** The reason codes PATCH accepts for a rejection (src/http/schemas.ts rejectReasons). */
export const rejectReasons = ['overstock', 'demand-change', 'supplier-issue', 'price', 'duplicate', 'discontinued', 'other'] as const;

/** Which decisions each status allows (as src/services/recommendation-service.ts enforces). */
export const allowedFrom: Record<'approve' | 'reject' | 'set-quantity', Status[]> = {
  approve: ['proposed', 'rejected'],
  reject: ['proposed', 'approved'],
  'set-quantity': ['proposed', 'approved'],
};
