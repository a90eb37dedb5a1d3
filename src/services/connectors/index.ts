import type { Knex } from 'knex';
import { NotFoundError } from '../../errors';
import type { Logger } from '../../logger';
import type { ImportService } from '../import-service';
import type { ConnectorContext } from './batches';
import { type CsvFolderPullReport, pullCsvFolder } from './csv-folder';
import { type HttpPullReport, pullHttp } from './http';
import type { Source } from './sources';
import { pullSql, type SqlPullReport } from './sql';

export type PullReport = CsvFolderPullReport | HttpPullReport | SqlPullReport;

export interface SourceSummary {
  name: string;
  type: Source['type'];
  schedule: string;
}

export interface ConnectorService {
  /** The configured sources, without their settings (secrets stay inside). */
  sources(): SourceSummary[];
  /** Pulls one source now: every record goes through the import service, so a re-run changes nothing. */
  pull(sourceName: string): Promise<PullReport>;
}

export function createConnectorService(deps: { db: Knex; imports: ImportService; sources: Source[]; logger: Logger; now?: () => Date }): ConnectorService {
  const context: ConnectorContext = { db: deps.db, imports: deps.imports, logger: deps.logger, now: deps.now ?? (() => new Date()) };
  const byName = new Map(deps.sources.map((source) => [source.name, source]));
  return {
    sources: () => deps.sources.map(({ name, type, schedule }) => ({ name, type, schedule })),
    async pull(sourceName) {
      const source = byName.get(sourceName);
      if (!source) throw new NotFoundError(`source ${sourceName}`);
      switch (source.type) {
        case 'csv-folder':
          return pullCsvFolder(context, source);
        case 'http':
          return pullHttp(context, source);
        case 'sql':
          return pullSql(context, source);
      }
    },
  };
}
