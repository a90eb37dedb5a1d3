import { Router } from 'express';
import type { HealthService } from '../../services/health-service';

/** Liveness and readiness, without auth: for load balancers and orchestrators. */
export function healthRoutes(health: HealthService): Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/ready', async (_req, res) => {
    const report = await health.readiness();
    res.status(report.ready ? 200 : 503).json(report);
  });
  return router;
}
