import { loadConfigOrExit } from './config';
import { createLogger } from './logger';
import { buildContainer } from './container';
import { announceServer } from '../db/connection';
import { createApp } from './http/app';
import { listen } from './http/server';
import type { AdminKey } from './services/api-key-service';

/**
 * `npm start`: migrate, serve, then (in the background) seed the demo data into an empty database
 * and run the pipeline once. Stops cleanly on SIGINT/SIGTERM.
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit('replen');
  const logger = createLogger(config.LOG_LEVEL);
  const container = await buildContainer(config, logger);
  const app = createApp({ services: container.services, logger, queueBoard: container.queueBoard });
  const server = await listen(app, {
    host: config.HOST,
    port: config.PORT,
    headersTimeoutSeconds: config.HTTP_HEADERS_TIMEOUT_SECONDS,
    requestTimeoutSeconds: config.HTTP_REQUEST_TIMEOUT_SECONDS,
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  // Where a second process (`npm run key`) finds this one, which holds the embedded database.
  announceServer(container.db, `http://${reachableHost(config.HOST)}:${port}`);
  process.stdout.write(
    [
      '',
      `replen is serving on http://${config.HOST}:${port}`,
      `  database: ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.DATA_DIR}/pglite`}`,
      `  jobs:     ${config.REDIS_URL ? 'BullMQ (REDIS_URL); start workers with `npm run worker`' : 'in-process runner'}`,
      ...adminKeyLines(container.adminKey, `http://${config.HOST}:${port}`),
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close();
    server.closeIdleConnections();
    await container.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  container.startBackgroundWork().catch((error: unknown) => logger.error({ err: error }, 'start-up work failed'));
}

/** The admin key and how to try it; a revoked one is named as such, with what to do. */
function adminKeyLines({ key, from, apiKey }: AdminKey, url: string): string[] {
  if (!apiKey.revokedAt) return [`  admin API key: ${key}`, `  try: curl -H "Authorization: Bearer ${key}" ${url}/runs`];
  const remedy =
    from === 'REPLEN_ADMIN_KEY'
      ? 'set REPLEN_ADMIN_KEY to an active admin key (with replen stopped, `npm run key -- create --role admin --name NAME` makes one)'
      : 'delete DATA_DIR/admin-key to have a new one made at the next start, or set REPLEN_ADMIN_KEY to an active admin key';
  return [`  admin API key: REVOKED. The ${from} key (key ${apiKey.id}) was revoked at ${apiKey.revokedAt.toISOString()} and is refused:`, `  ${remedy}.`];
}

/** The address a local client reaches a server listening on `host` at: the loopback for "any address". */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

main().catch((error: unknown) => {
  process.stderr.write(`replen: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
