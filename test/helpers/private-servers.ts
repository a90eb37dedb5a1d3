import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * PostgreSQL and Redis servers of a test's own, on free ports with their own folders, for fault tests that kill and
 * restart them: the shared servers of the machine are never touched.
 */

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Whether redis-server, initdb and pg_ctl are on the PATH (fault tests skip with one line when not). */
export function privateServersAvailable(): { ok: true } | { ok: false; reason: string } {
  const missing = ['redis-server', 'initdb', 'pg_ctl'].filter((command) => spawnSync('sh', ['-c', `command -v ${command}`]).status !== 0);
  if (missing.length === 0) return { ok: true };
  const reason = `fault tests need ${missing.join(', ')} on the PATH`;
  if (process.env.REQUIRE_SERVICES === '1') throw new Error(`${reason} (REQUIRE_SERVICES=1)`);
  console.warn(`Skipping: ${reason}`);
  return { ok: false, reason };
}

async function until(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export interface PrivateRedis {
  url: string;
  /** Starts the server (again) on the same port and folder. */
  start(): Promise<void>;
  /** SIGKILL: no save, no goodbye; without appendonly the data is gone when it starts again. */
  kill(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivateRedis(options: { appendonly: boolean }): Promise<PrivateRedis> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-fault-redis-'));
  let server: ChildProcess | undefined;
  const start = async () => {
    server = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', options.appendonly ? 'yes' : 'no', '--logfile', path.join(dir, 'redis.log')],
      { stdio: 'ignore' },
    );
    await until(`redis on ${port}`, () => portOpen(port), 10_000);
  };
  const kill = async () => {
    const running = server;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    start,
    kill,
    destroy: async () => {
      await kill();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface PrivatePostgres {
  /** The server's URL with the database `name`. */
  url(name?: string): string;
  start(): Promise<void>;
  /** `pg_ctl stop -m immediate`: every backend killed at once, as a crash would. */
  stopImmediate(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A PostgreSQL cluster made by initdb in a temporary folder. PostgreSQL refuses to run as root, so as root the
 * cluster belongs to `nobody` and its commands run as that user.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replen-fault-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  if (asRoot) spawnSync('chown', ['-R', 'nobody', dir]);
  const run = (command: string, args: string[]) => {
    const result = asRoot ? spawnSync('runuser', ['-u', 'nobody', '--', command, ...args], { encoding: 'utf8' }) : spawnSync(command, args, { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.stdout}`);
  };
  // fsync off only risks data when the machine (not PostgreSQL) crashes; synchronous_commit stays on, so a commit
  // reported to a job survives `-m immediate` as it would in production.
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  const start = async () => {
    run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  };
  const stopImmediate = async () => {
    run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  };
  await start();
  return {
    url: (name = 'postgres') => `postgres://postgres@127.0.0.1:${port}/${name}`,
    start,
    stopImmediate,
    destroy: async () => {
      spawnSync(asRoot ? 'runuser' : 'pg_ctl', asRoot ? ['-u', 'nobody', '--', 'pg_ctl', '-D', data, '-m', 'immediate', 'stop'] : ['-D', data, '-m', 'immediate', 'stop']);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A replen process (API or worker) whose JSON log lines are kept, and any line that is not JSON. */
export interface ReplenProcess {
  child: ChildProcess;
  lines: Array<Record<string, unknown>>;
  /** Output lines that are not JSON log lines (stack traces, warnings). */
  otherLines: string[];
  waitForLog(what: string, match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code and signal. */
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

const repoRoot = path.resolve(__dirname, '../..');

/** Spawns `command args` in the repository with `env` over this process's environment, collecting its output. */
export function spawnReplen(command: string, args: string[], env: Record<string, string>): ReplenProcess {
  const child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: Array<Record<string, unknown>> = [];
  const otherLines: string[] = [];
  const take = (stream: NodeJS.ReadableStream | null) => {
    let rest = '';
    stream?.on('data', (chunk: Buffer) => {
      const text = rest + chunk.toString();
      const parts = text.split('\n');
      rest = parts.pop() ?? '';
      for (const part of parts) {
        if (part.trim() === '') continue;
        try {
          lines.push(JSON.parse(part) as Record<string, unknown>);
        } catch {
          otherLines.push(part);
        }
      }
    });
  };
  take(child.stdout);
  take(child.stderr);
  // 'close', not 'exit': the process's last lines are read by then.
  let closed = false;
  const closing = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      closed = true;
      resolve({ code, signal });
    }),
  );
  const exited = () => closing;
  return {
    child,
    lines,
    otherLines,
    async waitForLog(what, match, timeoutMs = 60_000) {
      let found: Record<string, unknown> | undefined;
      await until(
        what,
        () => {
          found = lines.find(match);
          if (found === undefined && closed) throw new Error(`${args.join(' ')} exited (${child.exitCode}) before ${what}: ${otherLines.slice(-20).join('\n')}`);
          return found !== undefined;
        },
        timeoutMs,
      );
      return found!;
    },
    exited,
    async kill(signal) {
      if (!closed) child.kill(signal);
      await closing;
    },
  };
}
