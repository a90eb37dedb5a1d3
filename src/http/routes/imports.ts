import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../../errors';
import type { ApiKeyService } from '../../services/api-key-service';
import type { ImportService } from '../../services/import-service';
import { importKinds, type ImportKindName } from '../../services/imports/kinds';
import { requirePermission } from '../auth';

/** Request and response schemas of /imports: the handler parses with them and src/http/openapi.ts documents them. */
export const importQuery = z.strictObject({
  mode: z.enum(['all', 'partial']).default('all').describe('all: any bad row rejects the batch (422); partial: good rows are imported, bad ones listed in errors.'),
});
export const importErrors = z.array(
  z.strictObject({
    row: z.number().int().describe('1-based: the array index (JSON) or the line number, header = 1 (CSV).'),
    field: z.string().describe('The JSON path (lines.0.sku) or the CSV column (line_external_id).'),
    reason: z.string(),
  }),
);
const upsertCounts = z.strictObject({ inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int() });
/** Counts per table the kind writes, and the rows left out (partial mode; empty otherwise). */
export const importResponse = (kind: ImportKindName) =>
  z.strictObject({ ...Object.fromEntries(importKinds[kind].tables.map((table) => [table, upsertCounts])), errors: importErrors });

/** Import bodies up to these sizes once inflated (gzip, deflate or br); beyond: 413. */
export const IMPORT_BODY_LIMITS = { json: 10 * 1024 * 1024, csv: 20 * 1024 * 1024 };

/**
 * Push ingestion for the ERP: POST /imports/<kind> with a JSON array or a CSV upload (Content-Type text/csv).
 * Answers { <table>: { inserted, updated, unchanged }, errors }; a batch with bad rows is a 422 unless ?mode=partial.
 */
export function importRoutes(imports: ImportService, apiKeys: ApiKeyService): Router {
  const router = Router();
  for (const kind of Object.keys(importKinds) as ImportKindName[]) {
    router.post(`/imports/${kind}`, requirePermission(apiKeys, 'import', IMPORT_BODY_LIMITS), async (req, res) => {
      const { mode } = importQuery.parse(req.query);
      const format = req.is('text/csv') ? 'csv' : req.is('application/json') ? 'json' : undefined;
      if (!format) throw new AppError(415, 'unsupported_media_type', 'send application/json (an array of records) or text/csv');
      res.json(await imports.importRecords(kind, { format, body: req.body, partial: mode === 'partial' }));
    });
  }
  return router;
}
