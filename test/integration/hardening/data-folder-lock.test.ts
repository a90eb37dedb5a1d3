import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeDb, createDb } from '../../../db/connection';
import { DataFolderLockedError } from '../../../db/data-folder-lock';
import { servicesAvailable, testDatabaseUrl } from '../../helpers/database';

const root = path.resolve(__dirname, '../../..');

/** A command of this checkout run as its own process: `npx tsx <script> …` with the test's environment. */
function run(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile('npx', ['tsx', script, ...args], { cwd: root, env: { ...process.env, ...env } }, (error, stdout, stderr) =>
      done({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

/** `npm start` as its own process, resolved once it serves (with its URL). */
function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn('npx', ['tsx', 'src/main.ts'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      const serving = /replen is serving on (http:\/\/\S+)/.exec(output);
      if (serving) resolve({ child, url: serving[1], output: () => output });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited with ${code} before serving: ${output}`)));
  });
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    // npx → tsx → node: the whole group, so that the server itself gets the signal.
    process.kill(-child.pid!, signal);
  });
}

/** Item 7 of issue 15: two processes never open one PGlite folder. */
describe('the lock of the embedded database folder', () => {
  let dataDir: string;
  const env = () => ({ DATA_DIR: dataDir, PORT: '0', SEED_DEMO_DATA: 'false', RUN_ON_START: 'false', LOG_LEVEL: 'warn', DATABASE_URL: '', REDIS_URL: '', REPLEN_ADMIN_KEY: '' });
  let server: ChildProcess | undefined;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-lock-'));
  });
  afterEach(async () => {
    if (server) await stop(server, 'SIGKILL');
    server = undefined;
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('7. a second npm start stops naming the lock; npm run key goes through the running server; a key made so survives a restart; a killed server leaves no lock', async () => {
    const first = await startServer({ ...env() });
    server = first.child;
    const lockFile = path.join(fs.realpathSync(dataDir), 'pglite.lock');
    const holder = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
    expect(holder).toMatchObject({ pid: expect.any(Number), command: expect.stringContaining('src/main.ts'), url: first.url });

    const second = await run('src/main.ts', [], env());
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`replen: failed to start: the embedded database ${path.join(dataDir, 'pglite')} is in use by process ${holder.pid}`);
    expect(second.stderr).toContain(`its lock is ${lockFile}. Only one process may open a PGlite folder: stop that process first`);

    const created = await run('src/cli/index.ts', ['key', 'create', '--role', 'buyer', '--name', 'alice'], env());
    expect(created).toMatchObject({ code: 0, stdout: expect.stringMatching(/^rpl_\S+\n$/) });
    expect(created.stderr).toContain(`(through the server at ${first.url}, which holds the embedded database)`);
    const key = created.stdout.trim();
    const session = await fetch(`${first.url}/app/session`, { headers: { Authorization: `Bearer ${key}` } });
    expect({ status: session.status, body: await session.json() }).toEqual({ status: 200, body: { name: 'alice', role: 'buyer' } });

    const sourcesFile = path.join(dataDir, 'sources.json');
    fs.writeFileSync(sourcesFile, JSON.stringify([{ name: 'drop', type: 'csv-folder', folder: 'drop' }]));
    const pulled = await run('src/cli/index.ts', ['pull'], { ...env(), SOURCES_FILE: sourcesFile });
    expect(pulled.code).toBe(1);
    expect(pulled.stderr).toMatch(new RegExp(`^replen pull: the embedded database \\S+ is in use by process ${holder.pid} `));

    // Stopped and started again: the key was written by the server, so it is still there.
    await stop(first.child, 'SIGTERM');
    const listed = await run('src/cli/index.ts', ['key', 'list'], env());
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/\tbuyer\talice\trpl_\S{4}…\tactive\n/);
    const again = await startServer(env());
    server = again.child;
    const afterRestart = await fetch(`${again.url}/app/session`, { headers: { Authorization: `Bearer ${key}` } });
    expect(afterRestart.status).toBe(200);

    // Killed without a chance to clean up: the kernel drops the lock with the process, so the next start works.
    await stop(again.child, 'SIGKILL');
    const third = await startServer(env());
    server = third.child;
    expect((await fetch(`${third.url}/health`)).status).toBe(200);
  }, 240_000);

  it('8. npm run key refuses to revoke the last admin key; start-up reports a revoked REPLEN_ADMIN_KEY as revoked', async () => {
    const configured = { ...env(), REPLEN_ADMIN_KEY: 'the-configured-admin-key-000000' };
    const first = await startServer(configured);
    server = first.child;
    expect(first.output()).toContain('admin API key: the-configured-admin-key-000000');
    const last = await run('src/cli/index.ts', ['key', 'revoke', '--id', '1'], configured);
    expect(last).toMatchObject({ code: 1, stderr: expect.stringContaining('answered 409: key 1 is the last active admin key') });

    const other = await run('src/cli/index.ts', ['key', 'create', '--role', 'admin', '--name', 'ops'], configured);
    expect(other.code).toBe(0);
    const revoked = await run('src/cli/index.ts', ['key', 'revoke', '--id', '1'], { ...configured, REPLEN_ADMIN_KEY: other.stdout.trim() });
    expect(revoked).toMatchObject({ code: 0, stdout: 'revoked key 1 (admin)\n' });
    await stop(first.child, 'SIGTERM');

    const again = await startServer(configured);
    server = again.child;
    expect(again.output()).toMatch(/admin API key: REVOKED\. The REPLEN_ADMIN_KEY key \(key 1\) was revoked at \S+ and is refused:\n  set REPLEN_ADMIN_KEY to an active admin key/);
    expect(again.output()).not.toContain('the-configured-admin-key-000000');
  }, 240_000);

  it('7. refuses a second open of one folder in the same process too, and releases the lock on close', async () => {
    const db = await createDb({ dataDir });
    await expect(createDb({ dataDir })).rejects.toThrow(DataFolderLockedError);
    await closeDb(db);
    const reopened = await createDb({ dataDir });
    await closeDb(reopened);
  });

  const postgres = servicesAvailable().postgres;
  (postgres ? it : it.skip)('7. takes no lock on PostgreSQL, which many processes share', async () => {
    const [one, two] = [await createDb({ databaseUrl: testDatabaseUrl(), dataDir }), await createDb({ databaseUrl: testDatabaseUrl(), dataDir })];
    expect(fs.existsSync(path.join(dataDir, 'pglite.lock'))).toBe(false);
    await Promise.all([closeDb(one), closeDb(two)]);
  });
});
