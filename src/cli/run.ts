import { z } from 'zod';
import { loadConfig } from '../config';
import { configuredAdminKey, parseFlags } from './admin';

export const runUsage = [
  'usage: replen run list [--url URL]                 the latest runs',
  '       replen run cancel --id ID [--url URL]       fails a running run',
  '       replen run resume --id ID [--url URL]       dispatches again what a stalled or failed run has left',
].join('\n');

const runFlags = z.strictObject({
  id: z.string().regex(/^\d{1,15}$/, 'expected a run id in decimal digits').optional(),
  url: z.url({ protocol: /^https?$/ }).optional(),
});

interface ListedRun {
  id: number;
  trigger: string;
  status: string;
  startedAt: string;
  counts: Record<string, number>;
  error: string | null;
}

/**
 * `replen run …`: through the running server's API (POST /runs/:id/cancel and /resume, GET /runs) with the admin key
 * of this configuration: a resume needs the process that dispatches jobs (BullMQ or the in-process runner).
 */
export async function runRunCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  let flags: z.output<typeof runFlags>;
  try {
    flags = runFlags.parse(parseFlags(rest));
    if (action !== 'list' && action !== 'cancel' && action !== 'resume') throw new Error(`unknown action '${action ?? ''}'`);
    if (action !== 'list' && !flags.id) throw new Error(`${action} needs --id`);
  } catch (error) {
    const message = error instanceof z.ZodError ? error.issues.map((issue) => `--${issue.path.join('.')}: ${issue.message}`).join('; ') : (error as Error).message;
    process.stderr.write(`replen run: ${message}\n${runUsage}\n`);
    return 2;
  }
  const config = loadConfig();
  const url = flags.url ?? `http://${config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST}:${config.PORT}`;
  const adminKey = configuredAdminKey(config);
  if (!adminKey) {
    process.stderr.write('replen run: no admin key: set REPLEN_ADMIN_KEY (or run where DATA_DIR/admin-key is)\n');
    return 1;
  }
  const route = action === 'list' ? '/runs?limit=20' : `/runs/${flags.id}/${action}`;
  let response: Response;
  try {
    response = await fetch(new URL(route, url), { method: action === 'list' ? 'GET' : 'POST', headers: { Authorization: `Bearer ${adminKey}` } });
  } catch (error) {
    process.stderr.write(`replen run: cannot reach the server at ${url}: ${String((error as Error).cause ?? error)}\n`);
    return 1;
  }
  const answer = (await response.json()) as { error?: { message: string } } & Record<string, unknown>;
  if (!response.ok) {
    process.stderr.write(`replen run: the server at ${url} answered ${response.status}: ${answer.error?.message ?? 'no message'}\n`);
    return 1;
  }
  if (action === 'list') {
    for (const run of (answer as unknown as { data: ListedRun[] }).data) {
      const progress = `${run.counts.chunksDone ?? 0}/${run.counts.chunks ?? 0} chunks`;
      process.stdout.write(`${run.id}\t${run.status}\t${run.trigger}\t${run.startedAt}\t${progress}${run.error ? `\t${run.error}` : ''}\n`);
    }
  } else if (action === 'cancel') {
    process.stdout.write(`run ${flags.id} failed: ${String(answer.error)}\n`);
  } else {
    process.stdout.write(`run ${flags.id} dispatched again (dispatch ${String(answer.dispatch)}): ${String(answer.chunks)} chunks left\n`);
  }
  return 0;
}
