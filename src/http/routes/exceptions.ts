import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service';
import type { ExceptionService } from '../../services/exception-service';
import { requirePermission } from '../auth';
import { acknowledgeExceptionBody, cursorParts, decodeCursor, encodeCursor, exceptionListQuery, idParams } from '../schemas';

const cursorKey = z.tuple([cursorParts.bigId]);
const CURSOR_TAG = 'exceptions';

/** Exceptions the runs found (spikes, drops, bias, cleaned outliers, jumps), and a buyer's acknowledgement of one. */
export function exceptionRoutes(exceptions: ExceptionService, apiKeys: ApiKeyService): Router {
  const router = Router();

  router.get('/exceptions', requirePermission(apiKeys, 'read'), async (req, res) => {
    const { cursor, ...query } = exceptionListQuery.parse(req.query);
    const afterId = cursor ? decodeCursor(CURSOR_TAG, cursor, cursorKey)[0] : undefined;
    const page = await exceptions.list({ ...query, afterId });
    res.json({ data: page.data, nextCursor: page.lastId ? encodeCursor(CURSOR_TAG, [page.lastId]) : null });
  });

  router.post('/exceptions/:id/acknowledge', requirePermission(apiKeys, 'decide'), async (req, res) => {
    const { id } = idParams.parse(req.params);
    acknowledgeExceptionBody.parse(req.body ?? undefined);
    res.json(await exceptions.acknowledge(id, req.apiKey!.name));
  });

  return router;
}
