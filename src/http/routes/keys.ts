import { Router } from 'express';
import type { ApiKeyService } from '../../services/api-key-service';
import { requirePermission } from '../auth';
import { createKeyBody, idParams } from '../schemas';

/** API keys, for admins. A new key's secret is in the creation response only; the database keeps its hash. */
export function keyRoutes(apiKeys: ApiKeyService): Router {
  const router = Router();
  router.post('/keys', requirePermission(apiKeys, 'admin'), async (req, res) => {
    const input = createKeyBody.parse(req.body);
    const { key, apiKey } = await apiKeys.create(input);
    res.status(201).location(`/keys/${apiKey.id}`).setHeader('Cache-Control', 'no-store').json({ ...apiKey, key });
  });
  router.get('/keys', requirePermission(apiKeys, 'admin'), async (_req, res) => {
    res.json({ data: await apiKeys.list() });
  });
  router.delete('/keys/:id', requirePermission(apiKeys, 'admin'), async (req, res) => {
    const { id } = idParams.parse(req.params);
    res.json(await apiKeys.revoke(id));
  });
  return router;
}
