import { isConnectionError, retryWhileUnreachable } from '../../../src/services/dependency-retry';
import { AppError } from '../../../src/errors';

const withCode = (message: string, code: string) => Object.assign(new Error(message), { code });

describe('isConnectionError: a dependency gone, not an error in the work', () => {
  it.each([
    ['a refused connection (node)', withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED')],
    ['a reset socket', withCode('read ECONNRESET', 'ECONNRESET')],
    ['PostgreSQL stopped (-m fast): admin_shutdown', withCode('terminating connection due to administrator command', '57P01')],
    ['PostgreSQL crashed (-m immediate): crash_shutdown', withCode('terminating connection because of crash of another server process', '57P02')],
    ['PostgreSQL starting: cannot_connect_now', withCode('the database system is starting up', '57P03')],
    ['a connection exception (class 08)', withCode('connection failure', '08006')],
    ['node-postgres losing its socket', new Error('Connection terminated unexpectedly')],
    ["knex's pool finding no connection", new Error('Knex: Timeout acquiring a connection. The pool is probably full.')],
    ['ioredis without a connection', new Error("Stream isn't writeable and enableOfflineQueue options is false")],
    ['a refusal of every address (AggregateError)', Object.assign(new AggregateError([withCode('connect ECONNREFUSED ::1:5432', 'ECONNREFUSED')], ''), { code: 'ECONNREFUSED' })],
    ['a wrapped one (cause)', new Error('forecast chunk failed', { cause: withCode('connect ECONNREFUSED', 'ECONNREFUSED') })],
  ])('%s is one', (_name, error) => {
    expect(isConnectionError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', withCode('duplicate key value violates unique constraint', '23505')],
    ['a numeric overflow', withCode('numeric field overflow', '22003')],
    ['a data error of the service', new AppError(404, 'not_found', 'run 5 not found')],
    ['a bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['not an error at all', 'ECONNREFUSED'],
  ])('%s is not', (_name, error) => {
    expect(isConnectionError(error)).toBe(false);
  });
});

describe('retryWhileUnreachable', () => {
  it('tries again after a connection error and returns the first success', async () => {
    let calls = 0;
    const result = await retryWhileUnreachable(
      async () => {
        calls++;
        if (calls < 3) throw withCode('connect ECONNREFUSED', 'ECONNREFUSED');
        return 'done';
      },
      { windowMs: 10_000 },
    );
    expect({ result, calls }).toEqual({ result: 'done', calls: 3 });
  });

  it('throws any other error at once, and a connection error once the window has passed', async () => {
    let calls = 0;
    await expect(
      retryWhileUnreachable(async () => {
        calls++;
        throw withCode('duplicate key', '23505');
      }, { windowMs: 10_000 }),
    ).rejects.toThrow('duplicate key');
    expect(calls).toBe(1);
    await expect(retryWhileUnreachable(async () => Promise.reject(withCode('connect ECONNREFUSED', 'ECONNREFUSED')), { windowMs: 0 })).rejects.toThrow('ECONNREFUSED');
  });
});
