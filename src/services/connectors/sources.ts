import fs from 'node:fs';
import path from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { ConfigError } from '../../config';
import { importKinds, type ImportKindName } from '../imports/kinds';

/** Pulls run at 01:00 UTC unless a source says otherwise: an hour before the nightly pipeline's default 02:00. */
export const DEFAULT_PULL_SCHEDULE = '0 1 * * *';

const kindNames = Object.keys(importKinds) as [ImportKindName, ...ImportKindName[]];
const kind = z.enum(kindNames);
const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be the name of an environment variable');
const seconds = (fallback: number) => z.number().int().min(1).max(3600).default(fallback);
const schedule = z
  .string()
  .regex(/^(\S+\s+){4}\S+$/, 'must be a five-field cron expression')
  .refine((pattern) => {
    try {
      CronExpressionParser.parse(pattern, { tz: 'UTC' });
      return true;
    } catch {
      return false;
    }
  }, 'is not a valid cron expression')
  .default(DEFAULT_PULL_SCHEDULE);
const common = {
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be lowercase letters, digits, - and _ (at most 63)'),
  schedule,
};

const csvFolderSource = z.strictObject({
  ...common,
  type: z.literal('csv-folder'),
  /** Relative paths are relative to the sources file. */
  folder: z.string().min(1),
  /** Every file is this kind; absent, a file's name must start with its kind (daily-sales-2026-11-26.csv). */
  kind: kind.optional(),
  /** A file modified more recently than this is left for the next pull: it may still be being written. */
  settleSeconds: z.number().int().min(0).max(3600).default(10),
});

const httpSource = z.strictObject({
  ...common,
  type: z.literal('http'),
  url: z.url({ protocol: /^https?$/ }).refine((url) => !new URL(url).username && !new URL(url).password, 'must not carry credentials: use tokenEnv'),
  kind,
  /** Environment variable holding the bearer token; absent, requests carry no Authorization header. */
  tokenEnv: envName.optional(),
  pageSize: z.number().int().min(1).max(50_000).default(1000),
  timeoutSeconds: seconds(30),
});

const sqlSource = z.strictObject({
  ...common,
  type: z.literal('sql'),
  /** Environment variable holding the postgres:// URL of the ERP's reporting database (credentials included). */
  urlEnv: envName,
  kind,
  query: z.string().min(1).refine((query) => /(?<!:):updated_since\b/.test(query), 'must use the :updated_since parameter'),
  cursorColumn: z.string().min(1).default('updated_at'),
  /** The :updated_since of the first pull, before any cursor is stored. */
  initialCursor: z.string().min(1).default('-infinity'),
  batchSize: z.number().int().min(1).max(50_000).default(5000),
  timeoutSeconds: seconds(300),
});

const sourcesFile = z
  .array(z.discriminatedUnion('type', [csvFolderSource, httpSource, sqlSource]))
  .superRefine((sources, context) => {
    const seen = new Set<string>();
    sources.forEach((source, index) => {
      if (seen.has(source.name)) context.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate source name ${source.name}` });
      seen.add(source.name);
    });
  });

export type CsvFolderSource = z.output<typeof csvFolderSource>;
/** Secrets are read from the environment when the file is loaded and live only in memory. */
export type HttpSource = z.output<typeof httpSource> & { token?: string };
export type SqlSource = Omit<z.output<typeof sqlSource>, 'urlEnv'> & { urlEnv: string; url: string };
export type Source = CsvFolderSource | HttpSource | SqlSource;

/**
 * Reads and validates the sources file (a JSON array; see README "Pulling from the ERP") and resolves every secret
 * from the environment. Any problem throws one ConfigError naming the file, the source's position and the field.
 */
export function loadSources(file: string | undefined, env: NodeJS.ProcessEnv = process.env): Source[] {
  if (file === undefined) return [];
  const fail = (problem: string): never => {
    throw new ConfigError(`Invalid SOURCES_FILE ${file}: ${problem}`);
  };
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    fail((error as Error).message);
  }
  const parsed = sourcesFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const [index, ...field] = issue.path;
    fail(issue.path.length === 0 ? issue.message : `sources[${String(index)}]${field.length ? `.${field.join('.')}` : ''}: ${issue.message}`);
  }
  const secret = (index: number, field: string, name: string) => env[name] || fail(`sources[${index}].${field}: environment variable ${name} is not set`);
  return parsed.data!.map((source, index): Source => {
    switch (source.type) {
      case 'csv-folder':
        return { ...source, folder: path.resolve(path.dirname(file), source.folder) };
      case 'http':
        return { ...source, ...(source.tokenEnv && { token: secret(index, 'tokenEnv', source.tokenEnv) }) };
      case 'sql':
        return { ...source, url: secret(index, 'urlEnv', source.urlEnv) };
    }
  });
}
