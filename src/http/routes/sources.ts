import { Router } from 'express';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service';
import type { ConnectorService, SourceStatus } from '../../services/connectors';
import { requirePermission } from '../auth';

/** Request and response schemas of /sources: the handler parses with them and src/http/openapi.ts documents them. */
export const sourceListQuery = z.strictObject({});
const timestamp = z.string().describe('ISO 8601, UTC');
const upsertCounts = z.strictObject({ inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int() });
const rowsByKind = z.record(z.string(), z.number().int());
export const sourceStatusResponse = z.strictObject({
  name: z.string(),
  type: z.enum(['csv-folder', 'http', 'sql']),
  kind: z.string().nullable().describe('The import kind of every record; null for a CSV folder that takes it from each file name.'),
  schedule: z.string().describe('Cron, UTC'),
  cursor: z
    .strictObject({ value: z.string(), updatedAt: timestamp })
    .nullable()
    .describe('HTTP and SQL sources: the last committed cursor (the next pull asks for what changed after it); null before the first batch.'),
  lastPull: z
    .strictObject({
      at: timestamp.describe('When it finished'),
      outcome: z.enum(['succeeded', 'failed']),
      rows: rowsByKind.describe('Records it committed, by import kind (CSV rows, JSON records, query rows); a failed pull may have committed some.'),
      counts: z.record(z.string(), upsertCounts).describe('Rows inserted, updated and unchanged per table'),
    })
    .nullable()
    .describe('null: never pulled'),
  lastSuccessAt: timestamp.nullable(),
  lastError: z
    .strictObject({ message: z.string(), at: timestamp })
    .nullable()
    .describe(
      'The last failed pull: an error, or the CSV files it moved to failed/. Kept after later successes: compare at with lastSuccessAt. ' +
        "Admin keys see the whole message (with the start of the ERP's answer, a database's own error); other keys a summary without them.",
    ),
  failedPulls: z.number().int().describe('Since the first pull'),
  rowsImported: rowsByKind.describe('Records committed since the first pull, by import kind'),
  filesWaiting: z.number().int().nullable().describe('CSV folder: the CSV files in it now, for the next pull; null for other types or when the folder cannot be read.'),
});
export const sourceListResponse = z.strictObject({ data: z.array(sourceStatusResponse) });

/** The ERP pull connectors of SOURCES_FILE and how their pulls went: for operators, without settings or secrets. */
export function sourceRoutes(connectors: ConnectorService, apiKeys: ApiKeyService): Router {
  const router = Router();
  router.get('/sources', requirePermission(apiKeys, 'read'), async (req, res) => {
    sourceListQuery.parse(req.query);
    const admin = req.apiKey!.role === 'admin';
    res.json({ data: (await connectors.status()).map((source) => shownTo(admin, source)) });
  });
  return router;
}

/** Upstream answers and raw database errors are for admins; everyone else sees the summary of the last error. */
function shownTo(admin: boolean, { lastError, ...source }: SourceStatus) {
  if (!lastError) return { ...source, lastError };
  const message = admin ? lastError.message : (lastError.summary ?? 'the pull failed (an admin sees why)');
  return { ...source, lastError: { message, at: lastError.at } };
}
