import express from 'express';
import helmet from 'helmet';
import type { Logger } from '../logger';
import type { Services } from '../services';
import { errorMiddleware, notFoundHandler } from './error-middleware';
import { requestChecks, requestLogging } from './request-checks';
import { healthRoutes } from './routes/health';
import { runRoutes } from './routes/runs';
import { recommendationRoutes } from './routes/recommendations';
import { draftOrderRoutes, purchaseOrderRoutes } from './routes/purchase-orders';
import { supplierRoutes } from './routes/suppliers';
import { locationRoutes } from './routes/locations';
import { skuRoutes } from './routes/skus';
import { keyRoutes } from './routes/keys';
import { openApiRoutes } from './routes/openapi';
import { requirePermission } from './auth';
import { QUEUE_BOARD_PATH } from '../../jobs/queue-board';
import { metricsRoutes } from './routes/metrics';
import { importRoutes } from './routes/imports';
import { backorderRoutes } from './routes/backorders';
import { sourceRoutes } from './routes/sources';
import { webhookRoutes } from './routes/webhooks';
import { receiptRoutes } from './routes/receipts';
import { exceptionRoutes } from './routes/exceptions';
import { overrideRoutes } from './routes/overrides';
import { webRoutes } from '../web/routes';

export interface AppDependencies {
  services: Services;
  logger: Logger;
  /** Bull Board over the job queue (only with Redis); mounted for admin keys. */
  queueBoard?: express.Router;
}

/** The Express app: thin handlers over services; no database or queue is touched here directly. */
export function createApp({ services, logger, queueBoard }: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  // helmet's CSP, minus upgrade-insecure-requests: served over plain HTTP on a LAN address it sends the browser to https
  // for the buyers' page's script and stylesheet (same-origin, relative), which then fail to load; behind TLS it adds nothing.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(services.metrics.httpMiddleware);
  app.use(requestLogging(logger));
  // Bodies are read by requirePermission once the key is checked (src/http/body.ts), never before.
  app.use(requestChecks);
  app.use(healthRoutes(services.health));
  app.use(runRoutes(services.pipeline, services.apiKeys, services.sense));
  app.use(recommendationRoutes(services.recommendations, services.apiKeys));
  app.use(purchaseOrderRoutes(services.purchaseOrders, services.apiKeys));
  app.use(draftOrderRoutes(services.draftOrders, services.apiKeys));
  app.use(supplierRoutes(services.suppliers, services.apiKeys));
  app.use(locationRoutes(services.locations, services.apiKeys));
  app.use(skuRoutes(services.skus, services.apiKeys));
  app.use(keyRoutes(services.apiKeys));
  app.use(openApiRoutes());
  app.use(metricsRoutes(services.metrics, services.apiKeys));
  app.use(importRoutes(services.imports, services.apiKeys));
  app.use(backorderRoutes(services.backorders, services.apiKeys));
  app.use(sourceRoutes(services.connectors, services.apiKeys));
  app.use(webhookRoutes(services.webhooks, services.apiKeys));
  app.use(receiptRoutes(services.receipts, services.apiKeys));
  app.use(exceptionRoutes(services.exceptions, services.apiKeys));
  app.use(overrideRoutes(services.overrides, services.apiKeys));
  app.use(webRoutes(services.apiKeys));
  if (queueBoard) app.use(QUEUE_BOARD_PATH, requirePermission(services.apiKeys, 'admin'), queueBoard);
  app.use(notFoundHandler);
  app.use(errorMiddleware);
  return app;
}
