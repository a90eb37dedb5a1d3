import type { Metrics } from '../metrics';
import type { ApiKeyService } from './api-key-service';
import type { BackorderService } from './backorder-service';
import type { ConnectorService } from './connectors';
import type { DraftOrderService } from './draft-order-service';
import type { ExceptionService } from './exception-service';
import type { OverrideService } from './override-service';
import type { SenseService } from './sense-service';
import type { HealthService } from './health-service';
import type { ImportService } from './import-service';
import type { LocationService } from './location-service';
import type { PipelineService } from './pipeline-service';
import type { PurchaseOrderService } from './purchase-order-service';
import type { RecommendationService } from './recommendation-service';
import type { SkuService } from './sku-service';
import type { SupplierService } from './supplier-service';
import type { WebhookService } from './webhook-service';
import type { ReceiptAllocationService } from './receipt-allocation-service';

/** Everything the HTTP layer and the job processors may call. Built once in src/container.ts. */
export interface Services {
  health: HealthService;
  apiKeys: ApiKeyService;
  pipeline: PipelineService;
  recommendations: RecommendationService;
  purchaseOrders: PurchaseOrderService;
  draftOrders: DraftOrderService;
  suppliers: SupplierService;
  locations: LocationService;
  skus: SkuService;
  metrics: Metrics;
  imports: ImportService;
  backorders: BackorderService;
  connectors: ConnectorService;
  webhooks: WebhookService;
  receipts: ReceiptAllocationService;
  exceptions: ExceptionService;
  overrides: OverrideService;
  sense: SenseService;
}
