import type { Db } from '../connection';

export type RunStatus = 'running' | 'succeeded' | 'failed';

export interface Run {
  id: number;
  kind: string;
  trigger: string;
  status: RunStatus;
  asOfDate: string | null;
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  error: string | null;
}

const runColumns = `id, kind, trigger, status, as_of_date, started_at, finished_at, counts, error`;

function toRun(row: Record<string, unknown>): Run {
  return {
    id: Number(row.id),
    kind: row.kind as string,
    trigger: row.trigger as string,
    status: row.status as RunStatus,
    asOfDate: (row.as_of_date as string | null) ?? null,
    startedAt: new Date(row.started_at as string).toISOString(),
    finishedAt: row.finished_at ? new Date(row.finished_at as string).toISOString() : null,
    counts: (typeof row.counts === 'string' ? JSON.parse(row.counts) : row.counts) as Record<string, number>,
    error: (row.error as string | null) ?? null,
  };
}

/**
 * Opens a run unless one of the same kind is running; the partial unique index forecast_runs_one_running
 * makes that rule hold even when two processes start at the same instant. The run's as-of date is the
 * last day of sales history loaded, so a run over old data plans from where the data ends.
 */
export async function openRun(db: Db, input: { kind: string; trigger: string }): Promise<{ run: Run } | { runningId: number }> {
  const { rows } = await db.raw(
    `insert into forecast_runs (kind, trigger, as_of_date)
     select ?, ?, coalesce((select max(sales_date) from daily_sales), current_date)
     on conflict (kind) where status = 'running' do nothing
     returning ${runColumns}`,
    [input.kind, input.trigger],
  );
  if (rows.length > 0) return { run: toRun(rows[0]) };
  const running = await db.raw(`select id from forecast_runs where kind = ? and status = 'running' order by id desc limit 1`, [input.kind]);
  return { runningId: Number(running.rows[0]?.id) };
}

/**
 * Records a finished chunk and recomputes the run's progress counts (chunksDone and the sum of each chunk counter)
 * from all its chunks. Call it in the transaction that writes the chunk's rows: a retried chunk then replaces its
 * own record, and locking the run row first makes parallel chunks see each other's records.
 */
export async function completeChunk(db: Db, runId: number, firstItemId: number, counts: Record<string, number>): Promise<void> {
  await db.raw(`select id from forecast_runs where id = ? for update`, [runId]);
  await db.raw(
    `insert into forecast_run_chunks (run_id, first_item_id, counts) values (?, ?, ?::jsonb)
     on conflict (run_id, first_item_id) do update set counts = excluded.counts, finished_at = now()`,
    [runId, firstItemId, JSON.stringify(counts)],
  );
  await db.raw(
    `update forecast_runs r set counts = r.counts
       || coalesce((select jsonb_object_agg(key, total)
                      from (select e.key, sum(e.value::float8) as total
                              from forecast_run_chunks c, jsonb_each_text(c.counts) e
                             where c.run_id = r.id group by e.key) totals), '{}'::jsonb)
       || jsonb_build_object('chunksDone', (select count(*) from forecast_run_chunks c where c.run_id = r.id))
     where r.id = ?`,
    [runId],
  );
}

/** Sets counters to exact values (e.g. the number of chunks a run was split into). */
export async function setRunCounts(db: Db, runId: number, counts: Record<string, number>): Promise<void> {
  await db.raw(`update forecast_runs set counts = counts || ?::jsonb where id = ?`, [JSON.stringify(counts), runId]);
}

/** Closes a running run; a run already closed keeps its first outcome. */
export async function closeRun(db: Db, runId: number, outcome: { status: Exclude<RunStatus, 'running'>; error?: string }): Promise<void> {
  await db.raw(`update forecast_runs set status = ?, error = ?, finished_at = now() where id = ? and status = 'running'`, [
    outcome.status,
    outcome.error ?? null,
    runId,
  ]);
}

export async function findRun(db: Db, runId: number): Promise<Run | undefined> {
  const { rows } = await db.raw(`select ${runColumns} from forecast_runs where id = ?`, [runId]);
  return rows[0] ? toRun(rows[0]) : undefined;
}

/** Newest first, keyset-paginated by id. */
export async function listRuns(db: Db, options: { beforeId?: number; limit: number }): Promise<Run[]> {
  const { rows } = await db.raw(
    `select ${runColumns} from forecast_runs where (?::bigint is null or id < ?::bigint) order by id desc limit ?`,
    [options.beforeId ?? null, options.beforeId ?? null, options.limit],
  );
  return rows.map(toRun);
}

/** The latest successful run of a kind: what the API and the planner read. */
export async function latestSucceededRunId(db: Db, kind: string): Promise<number | undefined> {
  const { rows } = await db.raw(`select id from forecast_runs where kind = ? and status = 'succeeded' order by id desc limit 1`, [kind]);
  return rows[0] ? Number(rows[0].id) : undefined;
}

/** Marks every running run of a kind failed: used at start-up by the in-process runner, whose runs die with the process. */
export async function failRunningRuns(db: Db, kind: string, error: string): Promise<number[]> {
  const { rows } = await db.raw(
    `update forecast_runs set status = 'failed', error = ?, finished_at = now() where kind = ? and status = 'running' returning id`,
    [error, kind],
  );
  return rows.map((row: { id: number }) => Number(row.id));
}
