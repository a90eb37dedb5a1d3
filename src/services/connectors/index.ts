import type { Knex } from 'knex';
import { recordPull, sourcePullStates, type SourcePullState } from '../../../db/repositories/source-state';
import { NotFoundError } from '../../errors';
import type { Logger } from '../../logger';
import type { ImportService } from '../import-service';
import type { ImportKindName } from '../imports/kinds';
import { addCounts, type ConnectorContext, summaryOf, type TableCounts } from './batches';
import { type CsvFolderPullReport, csvFilesIn, pullCsvFolder } from './csv-folder';
import { type HttpPullReport, pullHttp } from './http';
import type { Source } from './sources';
import { pullSql, type SqlPullReport } from './sql';

export type PullReport = CsvFolderPullReport | HttpPullReport | SqlPullReport;

export interface SourceSummary {
  name: string;
  type: Source['type'];
  schedule: string;
}

/** A configured source with what its pulls left behind (source_cursors, source_pulls) and, for a CSV folder, the files waiting. */
export interface SourceStatus extends SourceSummary, Omit<SourcePullState, 'source'> {
  /** The kind every record is; null for a CSV folder that takes the kind from each file's name. */
  kind: ImportKindName | null;
  /** CSV folder: the CSV files in it now, which the next pull takes; null for other types or an unreadable folder. */
  filesWaiting: number | null;
}

export interface ConnectorService {
  /** The configured sources, without their settings (secrets stay inside). */
  sources(): SourceSummary[];
  /** Every configured source with its last pull, last success, last error, cursor and running totals. */
  status(): Promise<SourceStatus[]>;
  /** Pulls one source now: every record goes through the import service, so a re-run changes nothing. The outcome is recorded. */
  pull(sourceName: string): Promise<PullReport>;
}

/** At most this much of an error message is kept as a source's last error. */
const MAX_ERROR_LENGTH = 2000;

export function createConnectorService(deps: { db: Knex; imports: ImportService; sources: Source[]; logger: Logger; now?: () => Date }): ConnectorService {
  const now = deps.now ?? (() => new Date());
  const byName = new Map(deps.sources.map((source) => [source.name, source]));

  const run = (source: Source, context: ConnectorContext): Promise<PullReport> => {
    switch (source.type) {
      case 'csv-folder':
        return pullCsvFolder(context, source);
      case 'http':
        return pullHttp(context, source);
      case 'sql':
        return pullSql(context, source);
    }
  };

  /** A failed pull's error is the pull's to report; a failure to record it is only logged. */
  const record = async (pull: Parameters<typeof recordPull>[1]) => {
    try {
      await recordPull(deps.db, pull);
    } catch (error) {
      deps.logger.error({ source: pull.source, err: error }, 'could not record the outcome of a pull');
    }
  };

  return {
    sources: () => deps.sources.map(({ name, type, schedule }) => ({ name, type, schedule })),

    async status() {
      if (deps.sources.length === 0) return [];
      const states = await sourcePullStates(
        deps.db,
        deps.sources.map((source) => source.name),
      );
      return Promise.all(
        deps.sources.map(async (source, index): Promise<SourceStatus> => {
          const { source: _, ...state } = states[index];
          const filesWaiting = source.type === 'csv-folder' ? await csvFilesIn(source.folder).then((files) => files.length, () => null) : null;
          return { name: source.name, type: source.type, kind: source.kind ?? null, schedule: source.schedule, ...state, filesWaiting };
        }),
      );
    },

    async pull(sourceName) {
      const source = byName.get(sourceName);
      if (!source) throw new NotFoundError(`source ${sourceName}`);
      const rows: Partial<Record<ImportKindName, number>> = {};
      const counts: TableCounts = {};
      const context: ConnectorContext = {
        db: deps.db,
        imports: deps.imports,
        logger: deps.logger,
        now,
        committed(kind, committedRows, committedCounts) {
          rows[kind] = (rows[kind] ?? 0) + committedRows;
          addCounts(counts, committedCounts);
        },
      };
      let report: PullReport;
      try {
        report = await run(source, context);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        const errorSummary = summaryOf(error) ?? `source ${source.name}: the pull failed (an admin sees why)`;
        await record({ source: source.name, at: now(), outcome: 'failed', error: message.slice(0, MAX_ERROR_LENGTH), errorSummary: errorSummary.slice(0, MAX_ERROR_LENGTH), rows, counts });
        throw error;
      }
      // A CSV file moved to failed/ fails the pull (as `replen pull` exits 1), though the other files were imported.
      const failedFiles = report.type === 'csv-folder' ? report.files.filter((file) => file.outcome === 'failed') : [];
      const moved = `${failedFiles.length} file${failedFiles.length > 1 ? 's' : ''} moved to failed/`;
      const error = failedFiles.length ? `${moved}: ${failedFiles.map((file) => `${file.file}: ${file.message}`).join('; ')}` : undefined;
      // The files' names only: a file the database refused has the database's words in its message.
      const errorSummary = failedFiles.length ? `${moved}: ${failedFiles.map((file) => file.file).join(', ')}` : undefined;
      await record({
        source: source.name,
        at: now(),
        outcome: error ? 'failed' : 'succeeded',
        error: error?.slice(0, MAX_ERROR_LENGTH),
        errorSummary: errorSummary?.slice(0, MAX_ERROR_LENGTH),
        rows,
        counts,
      });
      return report;
    },
  };
}
