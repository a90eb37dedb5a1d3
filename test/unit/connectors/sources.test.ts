import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { schedules } from '../../../jobs/schedules';
import { ConfigError } from '../../../src/config';
import { DEFAULT_PULL_SCHEDULE, loadSources } from '../../../src/services/connectors/sources';

describe('loadSources', () => {
  let folder: string;
  const write = (sources: unknown) => {
    const file = path.join(folder, 'sources.json');
    fs.writeFileSync(file, typeof sources === 'string' ? sources : JSON.stringify(sources));
    return file;
  };
  const env = { ERP_TOKEN: 'secret-token', ERP_REPORTING_URL: 'postgres://reader:pw@erp/reporting' };
  const http = { name: 'erp-sales', type: 'http', url: 'https://erp.example.com/api/daily-sales', kind: 'daily-sales', tokenEnv: 'ERP_TOKEN' };
  const sql = { name: 'reporting', type: 'sql', urlEnv: 'ERP_REPORTING_URL', kind: 'on-hand', query: 'select * from stock where updated_at > :updated_since order by updated_at' };

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-sources-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('is empty when SOURCES_FILE is unset', () => {
    expect(loadSources(undefined, env)).toEqual([]);
  });

  it('applies defaults, resolves secrets from the environment and folders against the file', () => {
    const file = write([{ name: 'drop', type: 'csv-folder', folder: 'inbox', schedule: '30 0 * * *' }, http, sql]);
    expect(loadSources(file, env)).toEqual([
      { name: 'drop', type: 'csv-folder', folder: path.join(folder, 'inbox'), schedule: '30 0 * * *', settleSeconds: 10 },
      { ...http, token: 'secret-token', schedule: DEFAULT_PULL_SCHEDULE, pageSize: 1000, timeoutSeconds: 30 },
      {
        ...sql,
        url: 'postgres://reader:pw@erp/reporting',
        schedule: DEFAULT_PULL_SCHEDULE,
        cursorColumn: 'updated_at',
        initialCursor: '-infinity',
        batchSize: 5000,
        timeoutSeconds: 300,
      },
    ]);
  });

  it.each([
    [[{ ...http, tokenEnv: 'MISSING_TOKEN' }], 'sources[0].tokenEnv: environment variable MISSING_TOKEN is not set'],
    [[http, { ...sql, kind: 'invoices' }], 'sources[1].kind: Invalid option'],
    [[{ ...sql, query: 'select * from stock' }], 'sources[0].query: must use the :updated_since parameter'],
    [[{ ...http, url: 'https://user:pw@erp.example.com/api' }], 'sources[0].url: must not carry credentials: use tokenEnv'],
    [[{ ...http, token: 'inline' }], 'sources[0]: Unrecognized key: "token"'],
    [[http, { ...http, kind: 'items' }], 'sources[1].name: duplicate source name erp-sales'],
    [[{ ...http, schedule: '61 * * * *' }], 'sources[0].schedule: is not a valid cron expression'],
    [[{ ...http, type: 'ftp' }], "sources[0].type: Invalid discriminator value. Expected 'csv-folder' | 'http' | 'sql'"],
    [{ sources: [] }, 'Invalid input: expected array, received object'],
  ])('rejects %j with one line naming the field', (sources, message) => {
    const file = write(sources);
    expect(() => loadSources(file, env)).toThrow(ConfigError);
    expect(() => loadSources(file, env)).toThrow(`Invalid SOURCES_FILE ${file}: ${message}`);
  });

  it('rejects a file that is not JSON', () => {
    expect(() => loadSources(write('[{'), env)).toThrow(/^Invalid SOURCES_FILE .*sources\.json: /);
  });

  it('gives each source a pull schedule, by default before the nightly pipeline', () => {
    const list = schedules({ PIPELINE_SCHEDULE: '0 2 * * *', HOUSEKEEPING_SCHEDULE: '30 3 * * *', SENSE_SCHEDULE: '0 * * * *' }, [
      { name: 'erp-sales', type: 'http', schedule: DEFAULT_PULL_SCHEDULE },
      { name: 'drop', type: 'csv-folder', schedule: '*/15 * * * *' },
    ]);
    expect(list.filter((schedule) => schedule.job === 'pull-source')).toEqual([
      { id: 'pull-erp-sales', pattern: '0 1 * * *', job: 'pull-source', data: { source: 'erp-sales' } },
      { id: 'pull-drop', pattern: '*/15 * * * *', job: 'pull-source', data: { source: 'drop' } },
    ]);
  });
});
