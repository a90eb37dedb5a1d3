import { loadConfigOrExit } from './config';
import { createLogger } from './logger';
import { buildContainer } from './container';
import { createApp } from './http/app';
import { listen } from './http/server';

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
  process.stdout.write(
    [
      '',
      `replen is serving on http://${config.HOST}:${port}`,
      `  database: ${config.DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.DATA_DIR}/pglite`}`,
      `  jobs:     ${config.REDIS_URL ? 'BullMQ (REDIS_URL); start workers with `npm run worker`' : 'in-process runner'}`,
      `  admin API key: ${container.adminKey}`,
      `  try: curl -H "Authorization: Bearer ${container.adminKey}" http://${config.HOST}:${port}/runs`,
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

main().catch((error: unknown) => {
  process.stderr.write(`replen: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
