import { z } from 'zod';
import { sourceCursor } from '../../../db/repositories/source-state';
import { addCounts, commitBatch, type ConnectorContext, locate, SourceError, type TableCounts } from './batches';
import type { HttpSource } from './sources';

/** One page of the ERP's answer; other fields are ignored. `nextCursor` is the updated_since of the next request. */
const pageSchema = z.object({
  data: z.array(z.unknown()),
  nextCursor: z.string().min(1).nullable(),
  hasMore: z.boolean(),
});

export interface HttpPullReport {
  source: string;
  type: 'http';
  pages: number;
  cursor: string | null;
  counts: TableCounts;
}

/** The ERP failed: `summary` leaves out what it answered (the first 200 characters are for admins). */
const upstream = (message: string, summary = message) => new SourceError(502, 'source_failed', message, summary);

/**
 * Pulls an HTTP JSON endpoint of the ERP: GET url?updated_since=<cursor>&limit=<pageSize> (no updated_since on the
 * first pull), Bearer token from the environment, answered by { data: [records], nextCursor, hasMore }. Each page is
 * imported with its nextCursor in one transaction, then the next page is asked for with that cursor.
 */
export async function pullHttp(context: ConnectorContext, source: HttpSource): Promise<HttpPullReport> {
  let cursor = await sourceCursor(context.db, source.name);
  const report: HttpPullReport = { source: source.name, type: 'http', pages: 0, cursor: cursor ?? null, counts: {} };
  for (;;) {
    const url = new URL(source.url);
    if (cursor !== undefined) url.searchParams.set('updated_since', cursor);
    url.searchParams.set('limit', String(source.pageSize));
    const where = `source ${source.name} page ${report.pages + 1} (updated_since ${cursor ?? 'none'})`;
    const page = await fetchPage(url, source);
    report.pages += 1;
    const next = page.nextCursor ?? cursor;
    if (page.data.length > 0 && (next === undefined || next === cursor)) {
      throw upstream(`${where}: the ERP sent ${page.data.length} records without a new nextCursor`);
    }
    if (next !== undefined && next !== cursor) {
      try {
        addCounts(report.counts, await commitBatch(context, source, { records: page.data, from: cursor, to: next }));
      } catch (error) {
        throw locate(error, where);
      }
      context.logger.info({ source: source.name, page: report.pages, records: page.data.length, cursor: next }, 'page imported');
    }
    if (page.hasMore && next === cursor) throw upstream(`${where}: the ERP says hasMore but repeats the cursor`);
    cursor = next;
    report.cursor = cursor ?? null;
    if (!page.hasMore) return report;
  }
}

async function fetchPage(url: URL, source: HttpSource): Promise<z.output<typeof pageSchema>> {
  const shown = `GET ${url.origin}${url.pathname}${url.search}`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { accept: 'application/json', ...(source.token && { authorization: `Bearer ${source.token}` }) },
      signal: AbortSignal.timeout(source.timeoutSeconds * 1000),
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
    const reason = (error as Error).name === 'TimeoutError' ? `timed out after ${source.timeoutSeconds} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw upstream(`source ${source.name}: ${shown} failed: ${reason}`);
  }
  const text = await response.text();
  if (!response.ok) {
    throw upstream(`source ${source.name}: ${shown} answered ${response.status}: ${text.slice(0, 200)}`, `source ${source.name}: ${shown} answered ${response.status}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const summary = `source ${source.name}: ${shown} answered with something other than JSON`;
    throw upstream(`${summary}: ${text.slice(0, 200)}`, summary);
  }
  const page = pageSchema.safeParse(json);
  if (!page.success) {
    const issue = page.error.issues[0];
    throw upstream(`source ${source.name}: ${shown} answered an unexpected page: ${issue.path.join('.') || 'body'}: ${issue.message}`);
  }
  return page.data;
}
