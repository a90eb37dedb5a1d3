import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service';
import type { SupplierService } from '../../services/supplier-service';
import { requirePermission } from '../auth';
import { cursorParts, decodeCursor, encodeCursor, idParams, supplierLeadTimeQuery, supplierListQuery } from '../schemas';

const cursorKey = z.tuple([cursorParts.id]);

/** Suppliers with their terms and the lead times their receipts show. */
export function supplierRoutes(suppliers: SupplierService, apiKeys: ApiKeyService): Router {
  const router = Router();
  router.get('/suppliers', requirePermission(apiKeys, 'read'), async (req, res) => {
    const query = supplierListQuery.parse(req.query);
    const afterId = query.cursor ? decodeCursor('suppliers', query.cursor, cursorKey)[0] : undefined;
    const data = await suppliers.list({ afterId, limit: query.limit });
    const nextCursor = data.length === query.limit ? encodeCursor('suppliers', [data[data.length - 1].id]) : null;
    res.json({ data, nextCursor });
  });
  router.get('/suppliers/lead-times', requirePermission(apiKeys, 'read'), async (req, res) => {
    res.json(await suppliers.leadTimes(supplierLeadTimeQuery.parse(req.query)));
  });
  router.get('/suppliers/:id', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { id } = idParams.parse(req.params);
    res.json(await suppliers.get(id));
  });
  return router;
}
