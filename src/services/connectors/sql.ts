import { readReportingQuery, type ReportingRow } from '../../../db/erp-reporting';
import { sourceCursor } from '../../../db/repositories/source-state';
import { AppError } from '../../errors';
import { toCamel } from '../imports/kinds';
import { addCounts, commitBatch, type ConnectorContext, locate, type TableCounts } from './batches';
import type { SqlSource } from './sources';

export interface SqlPullReport {
  source: string;
  type: 'sql';
  batches: number;
  cursor: string | null;
  counts: TableCounts;
}

/** Rows sharing one cursor value are never split across commits, so a batch may exceed batchSize up to this. */
const MAX_ROWS_PER_BATCH = 50_000;

/**
 * Pulls a query against the ERP's reporting database: rows with `cursorColumn` after the stored cursor, ordered by
 * it. Each batch is imported with the cursor of its last row in one transaction. Rows that share the last cursor value
 * wait for the next batch: a resumed pull asks for cursor > stored and would otherwise skip the rest of them.
 */
export async function pullSql(context: ConnectorContext, source: SqlSource): Promise<SqlPullReport> {
  const stored = await sourceCursor(context.db, source.name);
  const report: SqlPullReport = { source: source.name, type: 'sql', batches: 0, cursor: stored ?? null, counts: {} };
  let cursor = stored;
  let pending: ReportingRow[] = [];

  const commit = async (rows: ReportingRow[]) => {
    const to = cursorOf(rows[rows.length - 1], source);
    const where = `source ${source.name} batch ${report.batches + 1} (updated_since ${cursor ?? source.initialCursor})`;
    try {
      addCounts(report.counts, await commitBatch(context, source, { records: rows.map((row) => toRecord(row, source.cursorColumn)), from: cursor, to }));
    } catch (error) {
      throw locate(error, where);
    }
    report.batches += 1;
    cursor = report.cursor = to;
    context.logger.info({ source: source.name, batch: report.batches, records: rows.length, cursor: to }, 'batch imported');
  };

  const fetched = readReportingQuery({
    url: source.url,
    query: source.query,
    updatedSince: stored ?? source.initialCursor,
    fetchSize: source.batchSize,
    timeoutSeconds: source.timeoutSeconds,
  });
  for await (const rows of withLocation(fetched, `source ${source.name}: the query failed`)) {
    pending.push(...rows);
    const last = cursorOf(pending[pending.length - 1], source);
    let cut = pending.length;
    while (cut > 0 && cursorOf(pending[cut - 1], source) === last) cut -= 1;
    if (cut > 0) {
      await commit(pending.slice(0, cut));
      pending = pending.slice(cut);
    }
    if (pending.length > MAX_ROWS_PER_BATCH) {
      throw new AppError(422, 'source_failed', `source ${source.name}: more than ${MAX_ROWS_PER_BATCH} rows share ${source.cursorColumn} = ${last}`);
    }
  }
  if (pending.length > 0) await commit(pending);
  return report;
}

/** The rows, with where they came from in front of the message of an error the query raises (not of the caller's). */
async function* withLocation<T>(rows: AsyncGenerator<T>, where: string): AsyncGenerator<T> {
  try {
    yield* rows;
  } catch (error) {
    throw locate(error, where);
  }
}

function cursorOf(row: ReportingRow, source: SqlSource): string {
  const value = row[source.cursorColumn];
  if (!(source.cursorColumn in row)) throw new AppError(422, 'source_failed', `source ${source.name}: the query returns no column ${source.cursorColumn}`);
  if (value === null || value === undefined) throw new AppError(422, 'source_failed', `source ${source.name}: ${source.cursorColumn} is null on a row`);
  return String(value);
}

/** A result row as an import record: snake_case columns become camelCase fields, nulls are absent (defaults apply). */
function toRecord(row: ReportingRow, cursorColumn: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row)
      .filter(([column, value]) => column !== cursorColumn && value !== null)
      .map(([column, value]) => [toCamel(column), value]),
  );
}
