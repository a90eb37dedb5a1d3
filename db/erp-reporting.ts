import pg from 'pg';

const oid = { date: 1082, timestamp: 1114, timestamptz: 1184 } as const;

/**
 * Dates and timestamps stay the text PostgreSQL sends: a date is the 'YYYY-MM-DD' an import expects, and a timestamp
 * cursor keeps its microseconds (a JavaScript Date would drop them and re-read or skip rows at the boundary).
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((typeId: number, format?: 'text' | 'binary') =>
    typeId === oid.date || typeId === oid.timestamp || typeId === oid.timestamptz
      ? (text: string) => text
      : pg.types.getTypeParser(typeId, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

export type ReportingRow = Record<string, unknown>;

/**
 * Runs an operator's query against the ERP's own reporting database and yields its rows `fetchSize` at a time,
 * through a server-side cursor in one read-only transaction (one consistent snapshot, bounded memory). `:updated_since`
 * in the query is the cursor parameter; the session runs in UTC so timestamps come back in one form.
 */
export async function* readReportingQuery(options: {
  url: string;
  query: string;
  updatedSince: string;
  fetchSize: number;
  timeoutSeconds: number;
}): AsyncGenerator<ReportingRow[]> {
  const client = new pg.Client({
    connectionString: options.url,
    types,
    connectionTimeoutMillis: 10_000,
    statement_timeout: options.timeoutSeconds * 1000,
    application_name: 'replen-pull',
  });
  await client.connect();
  try {
    await client.query(`set time zone 'UTC'`);
    await client.query('begin transaction read only');
    const query = options.query.replace(/;\s*$/, '').replace(/(?<!:):updated_since\b/g, '$1');
    await client.query(`declare replen_pull no scroll cursor for ${query}`, [options.updatedSince]);
    for (;;) {
      const { rows } = await client.query(`fetch ${options.fetchSize} from replen_pull`);
      if (rows.length > 0) yield rows;
      if (rows.length < options.fetchSize) break;
    }
    await client.query('commit');
  } finally {
    await client.end();
  }
}
