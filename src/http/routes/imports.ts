import express, { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { ApiKeyService } from '../../services/api-key-service';
import type { ImportService } from '../../services/import-service';
import { importKinds, type ImportKindName } from '../../services/imports/kinds';
import { requirePermission } from '../auth';

const importQuery = z.strictObject({ mode: z.enum(['all', 'partial']).default('all') });

/** CSV bodies up to this size; JSON bodies are limited by the app-wide express.json (10mb). Beyond: 413. */
export const CSV_BODY_LIMIT = '20mb';

/**
 * Push ingestion for the ERP: POST /imports/<kind> with a JSON array or a CSV upload (Content-Type text/csv).
 * Answers { <table>: { inserted, updated, unchanged }, errors }; a batch with bad rows is a 422 unless ?mode=partial.
 */
export function importRoutes(imports: ImportService, apiKeys: ApiKeyService): Router {
  const router = Router();
  const csvBody = express.text({ type: 'text/csv', limit: CSV_BODY_LIMIT });
  for (const kind of Object.keys(importKinds) as ImportKindName[]) {
    router.post(`/imports/${kind}`, requirePermission(apiKeys, 'import'), csvBody, async (req, res) => {
      const { mode } = importQuery.parse(req.query);
      const format = req.is('text/csv') ? 'csv' : req.is('application/json') ? 'json' : undefined;
      if (!format) throw new AppError(415, 'unsupported_media_type', 'send application/json (an array of records) or text/csv');
      res.json(await imports.importRecords(kind, { format, body: req.body, partial: mode === 'partial' }));
    });
  }
  return router;
}
