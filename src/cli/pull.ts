import { closeDb, createDb } from '../../db/connection';
import { migrateLatest } from '../../db/migrate';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { createConnectorService } from '../services/connectors';
import { loadSources } from '../services/connectors/sources';
import { createImportService } from '../services/import-service';

export const pullUsage = 'usage: replen pull [--source NAME]   pulls the sources of SOURCES_FILE now (every one, or one), one JSON report per line';

/**
 * `replen pull`: what the schedules do, by hand. Exit code 0 when every source was pulled and every file imported,
 * 1 when a source failed or a file went to failed/, 2 for a usage or configuration error.
 */
export async function runPullCommand(argv: string[]): Promise<number> {
  if (!(argv.length === 0 || (argv.length === 2 && argv[0] === '--source'))) {
    process.stderr.write(`replen pull: unexpected '${argv.join(' ')}'\n${pullUsage}\n`);
    return 2;
  }
  let config;
  let sources;
  try {
    config = loadConfig();
    sources = loadSources(config.SOURCES_FILE);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`replen pull: ${error.message}\n`);
    return 2;
  }
  const names = argv.length === 2 ? [argv[1]] : sources.map((source) => source.name);
  const unknown = names.filter((name) => !sources.some((source) => source.name === name));
  if (names.length === 0 || unknown.length > 0) {
    const known = sources.map((source) => source.name).join(', ') || 'none: set SOURCES_FILE';
    process.stderr.write(`replen pull: ${unknown.length > 0 ? `unknown source ${unknown[0]}` : 'nothing to pull'} (sources: ${known})\n`);
    return 2;
  }

  const db = await createDb({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    await migrateLatest(db);
    const connectors = createConnectorService({ db, imports: createImportService({ db }), sources, logger: createLogger('silent') });
    let code = 0;
    for (const name of names) {
      try {
        const report = await connectors.pull(name);
        process.stdout.write(`${JSON.stringify(report)}\n`);
        if ('files' in report && report.files.some((file) => file.outcome === 'failed')) code = 1;
      } catch (error) {
        process.stderr.write(`replen pull: ${error instanceof Error ? error.message : String(error)}\n`);
        code = 1;
      }
    }
    return code;
  } finally {
    await closeDb(db);
  }
}
