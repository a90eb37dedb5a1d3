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
  /** When housekeeping removed the run's forecasts, fits, drafts and untouched recommendations; null while whole. */
  prunedAt: string | null;
}

const runColumns = `id, kind, trigger, status, as_of_date, started_at, finished_at, counts, error, pruned_at`;

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
    prunedAt: row.pruned_at ? new Date(row.pruned_at as string).toISOString() : null,
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
  // NO KEY UPDATE, not UPDATE: the chunk's own rows already hold KEY SHARE on the run row through their foreign key,
  // and two chunks upgrading that to FOR UPDATE at once deadlock (seen at 100k SKUs); NO KEY UPDATE does not conflict
  // with KEY SHARE, so parallel chunks queue here instead.
  await db.raw(`select id from forecast_runs where id = ? for no key update`, [runId]);
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

/** A chunk of a run: the item range one forecast job works on. */
export interface ChunkRange {
  firstItemId: number;
  lastItemId: number;
}

/**
 * Records a dispatch of a running run: its chunk ranges (kept from the first dispatch when null is given), one more
 * dispatch, and its time. `expectedDispatches` is the count the caller saw: two processes dispatching one run at once
 * cannot both win. Returns the number of this dispatch, or undefined when the run is no longer running or someone
 * else dispatched it first.
 */
export async function recordDispatch(db: Db, runId: number, ranges: ChunkRange[] | null, expectedDispatches: number): Promise<number | undefined> {
  const { rows } = await db.raw(
    `update forecast_runs set chunk_ranges = coalesce(?::jsonb, chunk_ranges), dispatches = dispatches + 1, dispatched_at = now()
      where id = ? and status = 'running' and dispatches = ? returning dispatches`,
    [ranges === null ? null : JSON.stringify(ranges), runId, expectedDispatches],
  );
  return rows[0] ? Number(rows[0].dispatches) : undefined;
}

/** What dispatching a run again needs: its dispatches so far and the chunks with no finished record, in item order. */
export async function unfinishedChunks(db: Db, runId: number): Promise<{ dispatches: number; chunks: ChunkRange[] } | undefined> {
  const { rows } = await db.raw(
    `select r.dispatches,
            coalesce((select jsonb_agg(c order by (c->>'firstItemId')::int) from jsonb_array_elements(r.chunk_ranges) c
                       where not exists (select 1 from forecast_run_chunks d where d.run_id = r.id and d.first_item_id = (c->>'firstItemId')::int)),
                     '[]'::jsonb) as chunks
       from forecast_runs r where r.id = ?`,
    [runId],
  );
  if (!rows[0]) return undefined;
  const chunks = typeof rows[0].chunks === 'string' ? JSON.parse(rows[0].chunks) : rows[0].chunks;
  return { dispatches: Number(rows[0].dispatches), chunks: chunks as ChunkRange[] };
}

/** A running run and how long it has gone without progress (a dispatch or a finished chunk). */
export interface RunningRun {
  id: number;
  dispatches: number;
  runningSeconds: number;
  idleSeconds: number;
}

export async function runningRuns(db: Db, kind: string): Promise<RunningRun[]> {
  const { rows } = await db.raw(
    `select r.id, r.dispatches,
            extract(epoch from now() - r.started_at)::float8 as running_seconds,
            extract(epoch from now() - greatest(r.started_at, r.dispatched_at,
                    (select max(c.finished_at) from forecast_run_chunks c where c.run_id = r.id)))::float8 as idle_seconds
       from forecast_runs r where r.kind = ? and r.status = 'running' order by r.id`,
    [kind],
  );
  return rows.map((row: Record<string, unknown>) => ({
    id: Number(row.id),
    dispatches: Number(row.dispatches),
    runningSeconds: Number(row.running_seconds),
    idleSeconds: Number(row.idle_seconds),
  }));
}

/** Takes back a run whose jobs could not be queued: nothing was written for it yet, so no trace of it is kept. */
export async function deleteUndispatchedRun(db: Db, runId: number): Promise<void> {
  await db.raw(
    `delete from forecast_runs r where id = ? and status = 'running' and not exists (select 1 from forecast_run_chunks c where c.run_id = r.id)`,
    [runId],
  );
}

/** Opens a failed run again (to resume it), unless another run of its kind is running (the one-running index). */
export async function reopenRun(db: Db, runId: number): Promise<boolean> {
  const { rows } = await db.raw(
    `update forecast_runs r set status = 'running', error = null, finished_at = null
      where id = ? and status = 'failed' and pruned_at is null
        and not exists (select 1 from forecast_runs o where o.kind = r.kind and o.status = 'running')
      returning id`,
    [runId],
  );
  return rows.length > 0;
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

/**
 * The tables of rows a run writes (and a rerun of it replaces), by run_id: pruning a run empties all of them. A stage
 * that adds one adds it here (a test checks every table referencing forecast_runs is listed).
 */
export const runOutputTables = ['forecasts', 'forecast_fits', 'inventory_policies', 'draft_purchase_orders', 'forecast_run_chunks', 'backorder_allocations', 'plan_errors'] as const;

export interface PruneCounts {
  /** Runs deleted outright: nothing a buyer decided was left in them. */
  runsDeleted: number;
  /** Runs kept as a header with their decided recommendations, marked pruned. */
  runsThinned: number;
  /** Rows deleted per table; recommendations: those nobody acted on. */
  deleted: Record<(typeof runOutputTables)[number] | 'recommendations', number>;
}

/**
 * Prunes the finished runs that ended more than `retentionDays` ago, except the latest succeeded run of each kind
 * (what the API and the planner read). Their output rows (runOutputTables) and the recommendations nobody acted on
 * are deleted. Recommendations a buyer decided stay, with their audit events: purchase-order lines and the
 * planner's earlier-decision and approved-not-exported rules refer to them. A run left with none is deleted; the
 * others are marked pruned_at, so the next pruning skips them. Set-based, in one transaction: a statement per table
 * for any number of runs.
 */
export async function pruneRuns(db: Db, options: { retentionDays: number }): Promise<PruneCounts> {
  return db.transaction(async (trx) => {
    const { rows: candidates } = await trx.raw(
      `select id from forecast_runs
        where status <> 'running' and pruned_at is null
          and finished_at < now() - make_interval(days => ?)
          and id not in (select max(id) from forecast_runs where status = 'succeeded' group by kind)
        order by id
        for update`,
      [options.retentionDays],
    );
    const runIds = candidates.map((row: { id: unknown }) => Number(row.id));
    const count = async (statement: string) => {
      const { rows } = await trx.raw(`with gone as (${statement} returning 1) select count(*)::int as n from gone`, [runIds]);
      return rows[0].n as number;
    };
    const deleted = {} as PruneCounts['deleted'];
    for (const table of runOutputTables) deleted[table] = await count(`delete from ${table} where run_id = any(?::bigint[])`);
    // Untouched exactly as replacePlanChunk defines it; a recommendation on a purchase-order line is never untouched.
    deleted.recommendations = await count(
      `delete from recommendations
        where run_id = any(?::bigint[]) and status = 'proposed' and quantity = suggested_quantity and decided_at is null`,
    );
    const runsDeleted = await count(
      `delete from forecast_runs r where id = any(?::bigint[]) and not exists (select 1 from recommendations x where x.run_id = r.id)`,
    );
    const { rows: thinned } = await trx.raw(`update forecast_runs set pruned_at = now() where id = any(?::bigint[]) returning id`, [runIds]);
    return { runsDeleted, runsThinned: thinned.length, deleted };
  });
}
