import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service';
import type { SkuService } from '../../services/sku-service';
import { requirePermission } from '../auth';
import { decodeCursor, encodeCursor, skuDetailQuery, skuListQuery, skuParams } from '../schemas';

const cursorKey = z.tuple([z.string().min(1).max(100)]);

/** SKUs: the catalogue, and per SKU its history, forecast, policy and stock position. */
export function skuRoutes(skus: SkuService, apiKeys: ApiKeyService): Router {
  const router = Router();
  router.get('/skus', requirePermission(apiKeys, 'read'), async (req, res) => {
    const query = skuListQuery.parse(req.query);
    const afterSku = query.cursor ? decodeCursor('skus', query.cursor, cursorKey)[0] : undefined;
    const data = await skus.list({ search: query.search, q: query.q, afterSku, limit: query.limit });
    const nextCursor = data.length === query.limit ? encodeCursor('skus', [data[data.length - 1].sku]) : null;
    res.json({ data, nextCursor });
  });
  router.get('/skus/:sku', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { sku } = skuParams.parse(req.params);
    const query = skuDetailQuery.parse(req.query);
    res.json(await skus.get(sku, query));
  });
  return router;
}
