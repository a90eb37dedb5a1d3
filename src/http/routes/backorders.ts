import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service';
import type { BackorderService } from '../../services/backorder-service';
import { requirePermission } from '../auth';
import { backorderAccuracyQuery, backorderDetailQuery, backorderListQuery, backorderParams, cursorParts, decodeCursor, encodeCursor } from '../schemas';

/** The listing's sort key (see db/repositories/backorders.ts): ETA or 'infinity', then the line id. */
const cursorKey = z.tuple([cursorParts.date, cursorParts.id]);
const CURSOR_TAG = 'backorders';

/** Backordered sales-order lines with the ETA the last run gave them, and the supply behind it. */
export function backorderRoutes(backorders: BackorderService, apiKeys: ApiKeyService): Router {
  const router = Router();

  router.get('/backorders', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { customer, cursor, ...query } = backorderListQuery.parse(req.query);
    const after = cursor ? decodeCursor(CURSOR_TAG, cursor, cursorKey) : undefined;
    const page = await backorders.list({ ...query, customerRef: customer, after });
    res.json({
      runId: page.runId,
      data: page.data,
      nextCursor: page.lastKey ? encodeCursor(CURSOR_TAG, page.lastKey) : null,
      ...(page.customerTotals && { customerTotals: page.customerTotals }),
    });
  });

  router.get('/backorders/accuracy', requirePermission(apiKeys, 'read'), async (req, res) => {
    res.json(await backorders.accuracy(backorderAccuracyQuery.parse(req.query)));
  });

  router.get('/backorders/:salesOrderLineId', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { salesOrderLineId } = backorderParams.parse(req.params);
    const query = backorderDetailQuery.parse(req.query);
    res.json(await backorders.get(salesOrderLineId, query));
  });

  return router;
}
