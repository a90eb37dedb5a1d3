import { Router } from 'express';
import type { Metrics } from '../../metrics';
import type { ApiKeyService } from '../../services/api-key-service';
import { requirePermission } from '../auth';

/**
 * Prometheus metrics. Any key may scrape them (the 'read' permission): they hold counts and timings, nothing a
 * viewer could not already read, and a key keeps them off the open internet without a second secret to manage.
 */
export function metricsRoutes(metrics: Metrics, apiKeys: ApiKeyService): Router {
  const router = Router();
  router.get('/metrics', requirePermission(apiKeys, 'read'), async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
