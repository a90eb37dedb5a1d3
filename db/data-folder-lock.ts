import { createHash } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Who holds an embedded database folder, as its lock file says. */
export interface LockHolder {
  pid: number;
  /** The command line, e.g. "src/main.ts" or "src/cli/index.ts key create". */
  command: string;
  startedAt: string;
  /** Where the holder serves HTTP (`npm start`), once it listens; null for a command. */
  url: string | null;
}

/** Another live process has the folder open: PGlite is one process's database. */
export class DataFolderLockedError extends Error {
  constructor(
    readonly folder: string,
    readonly lockFile: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder
      ? `process ${holder.pid} (${holder.command}${holder.url ? `, serving ${holder.url}` : ''}, since ${holder.startedAt})`
      : 'another process';
    super(
      `the embedded database ${folder} is in use by ${who}; its lock is ${lockFile}. ` +
        'Only one process may open a PGlite folder: stop that process first, or give this one another DATA_DIR (or a DATABASE_URL).',
    );
    this.name = 'DataFolderLockedError';
  }
}

export interface DataFolderLock {
  readonly lockFile: string;
  /** Records where this process serves HTTP, for a second process to find it. */
  announce(url: string): void;
  release(): Promise<void>;
}

/**
 * Locks an embedded database folder for this process, or throws DataFolderLockedError naming the live holder. The
 * lock is a listening local socket, which the kernel takes back when the process dies (no stale lock after a crash,
 * no PID that another process may reuse): on Linux an abstract socket named by the folder's real path, on Windows a
 * named pipe, elsewhere a socket file in the temporary folder. `<folder>.lock` beside the folder says who holds it.
 */
export async function lockDataFolder(folder: string): Promise<DataFolderLock> {
  fs.mkdirSync(folder, { recursive: true });
  const real = fs.realpathSync(folder);
  const lockFile = `${real}.lock`;
  const address = socketAddress(real);
  const server = net.createServer((socket) => socket.destroy());
  // A lock must never keep the process alive by itself.
  server.unref();
  try {
    await listen(server, address);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    if (await answers(address)) throw new DataFolderLockedError(folder, lockFile, readHolder(lockFile));
    // A socket file left by a process that died (not on Linux or Windows, where the kernel removes it): take it over.
    fs.rmSync(address, { force: true });
    await listen(server, address);
  }
  const holder: LockHolder = {
    pid: process.pid,
    command: process.argv.slice(1).map((arg) => path.relative(process.cwd(), arg) || arg).join(' '),
    startedAt: new Date().toISOString(),
    url: null,
  };
  writeHolder(lockFile, holder);
  return {
    lockFile,
    announce(url) {
      writeHolder(lockFile, { ...holder, url });
    },
    async release() {
      fs.rmSync(lockFile, { force: true });
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function socketAddress(realFolder: string): string {
  const name = `replen-pglite-${createHash('sha256').update(realFolder).digest('hex').slice(0, 32)}`;
  if (process.platform === 'linux') return `\0${name}`;
  if (process.platform === 'win32') return `\\\\.\\pipe\\${name}`;
  return path.join(os.tmpdir(), `${name}.sock`);
}

function listen(server: net.Server, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Whether a process listens at the address (a blocked event loop still accepts: the kernel queues the connection). */
function answers(address: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(address);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function readHolder(lockFile: string): LockHolder | undefined {
  try {
    return JSON.parse(fs.readFileSync(lockFile, 'utf8')) as LockHolder;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all (a reader never sees half a file). */
function writeHolder(lockFile: string, holder: LockHolder): void {
  const temporary = `${lockFile}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(holder, null, 2)}\n`);
  fs.renameSync(temporary, lockFile);
}
