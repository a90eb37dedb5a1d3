import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';

/** Tables an import, a decision or a key change may touch: their rows, in a form that changes when any value does. */
const watchedTables = [
  'items',
  'suppliers',
  'supplier_items',
  'locations',
  'daily_sales',
  'on_hand_snapshots',
  'purchase_orders',
  'purchase_order_lines',
  'receipts',
  'sales_orders',
  'sales_order_lines',
  'recommendations',
  'recommendation_events',
  'api_keys',
  'source_pulls',
];

/** A fingerprint of every watched table: equal before and after a refused request means nothing changed. */
export async function databaseFingerprint(db: Knex): Promise<Record<string, string>> {
  const fingerprint: Record<string, string> = {};
  for (const table of watchedTables) {
    const { rows } = await db.raw(`select count(*)::int as n, md5(coalesce(string_agg(t::text, '|' order by t::text), '')) as hash from ${table} t`);
    fingerprint[table] = `${rows[0].n}:${rows[0].hash}`;
  }
  return fingerprint;
}

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Milliseconds from the request's start to the end of the answer. */
  ms: number;
}

/**
 * A request on a real socket whose body the test writes itself (slowly, or never finished): `write` gets the request
 * to write to and resolves when done writing; the answer may come before that.
 */
export function rawRequest(
  server: http.Server,
  options: { method: string; path: string; headers: Record<string, string> },
  write: (request: http.ClientRequest) => Promise<void> | void,
): Promise<RawAnswer> {
  const { port } = server.address() as AddressInfo;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method: options.method, path: options.path, headers: options.headers, agent: false });
    let answered = false;
    request.on('close', () => {
      if (!answered) reject(new Error(`no answer to ${options.method} ${options.path}`));
    });
    request.on('response', (response) => {
      answered = true;
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body, ms: Date.now() - started }));
    });
    // Writing on after the server answered and closed is expected here: the answer is what counts.
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error);
    });
    Promise.resolve(write(request)).catch(() => undefined);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
