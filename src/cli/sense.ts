import { closeDb, createDb } from '../../db/connection';
import { migrateLatest } from '../../db/migrate';
import { ConfigError, loadConfig } from '../config';
import { createServices } from '../container';
import { ConflictError } from '../errors';
import { createLogger } from '../logger';

export const senseUsage = 'usage: replen sense   runs demand sensing now (recent daily sales against the latest forecast), one JSON report';

/**
 * `replen sense`: what the hourly schedule does, by hand, in this process: a sense run opened and run to the end.
 * Exit code 0 when it succeeded, 1 when it failed, 2 for a usage or configuration error or a sense run already going.
 */
export async function runSenseCommand(argv: string[]): Promise<number> {
  if (argv.length > 0) {
    process.stderr.write(`replen sense: unexpected '${argv.join(' ')}'\n${senseUsage}\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`replen sense: ${error.message}\n`);
    return 2;
  }
  const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrateLatest(db);
    // Only the sense service is called; it re-plans with the plan stage itself and starts no pipeline run.
    const dispatcher = { dispatchRun: async () => Promise.reject(new Error('replen sense starts no pipeline run')) };
    const services = createServices({ db, config, logger: createLogger('silent'), dispatcher });
    try {
      process.stdout.write(`${JSON.stringify(await services.sense.runNow('cli'))}\n`);
      return 0;
    } catch (error) {
      process.stderr.write(`replen sense: ${error instanceof Error ? error.message : String(error)}\n`);
      return error instanceof ConflictError ? 2 : 1;
    }
  } finally {
    await closeDb(db);
  }
}
