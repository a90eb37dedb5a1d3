import { Router } from 'express';
import type { ApiKeyService } from '../../services/api-key-service';
import type { LocationService } from '../../services/location-service';
import { requirePermission } from '../auth';
import { locationListQuery } from '../schemas';

/** The stocking locations: few enough to answer in one list, without paging. */
export function locationRoutes(locations: LocationService, apiKeys: ApiKeyService): Router {
  const router = Router();
  router.get('/locations', requirePermission(apiKeys, 'read'), async (req, res) => {
    locationListQuery.parse(req.query);
    res.json({ data: await locations.list() });
  });
  return router;
}
