import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './db-errors.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
/** TypeORM's QueryFailedError keeps the driver's error under `driverError`. */
const wrapped = (driverError: unknown) => Object.assign(new Error('query failed'), { driverError });

describe('isDatabaseUnavailable', () => {
  it.each([
    ['admin_shutdown', pgError('57P01', 'terminating connection due to administrator command')],
    ['cannot_connect_now', pgError('57P03', 'the database system is starting up')],
    ['connection_failure (08006)', pgError('08006')],
    ['too_many_connections', pgError('53300')],
    ['statement_timeout', pgError('57014', 'canceling statement due to statement timeout')],
    ['lock_timeout', pgError('55P03', 'canceling statement due to lock timeout')],
    ['refused connection', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['reset connection', pgError('ECONNRESET')],
    ['server gone mid-query', new Error('Connection terminated unexpectedly')],
    ['pool acquire timeout', new Error('timeout exceeded when trying to connect')],
    ['connect timeout', new Error('Connection terminated due to connection timeout')],
    ['query read timeout', new Error('Query read timeout')],
    ['closed client', new Error('Client has encountered a connection error and is not queryable')],
    ['wrapped by TypeORM', wrapped(pgError('57P01'))],
    ['as a cause', new Error('outer', { cause: new Error('Query read timeout') })],
    [
      'a query runner released under the request',
      Object.assign(new Error('Query runner already released.'), { name: 'QueryRunnerAlreadyReleasedError' }),
    ],
    [
      'a connection released under the request',
      Object.assign(new Error('Database connection provided by a query runner was already released'), {
        name: 'QueryRunnerProviderAlreadyReleasedError',
      }),
    ],
    ['inside an AggregateError', new AggregateError([pgError('ECONNREFUSED')], 'connect failed')],
  ])('%s is an outage', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(true);
  });

  it.each([
    ['unique violation', pgError('23505')],
    ['foreign key violation', wrapped(pgError('23503'))],
    ['invalid input syntax', pgError('22P02')],
    ['a cancel the server was asked for', pgError('57014', 'canceling statement due to user request')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a coded error whose message merely looks like an outage', pgError('ERR_X', 'Connection terminated')],
    ['nothing', undefined],
    ['a string', 'Connection terminated'],
  ])('%s is not', (_name, err) => {
    expect(isDatabaseUnavailable(err)).toBe(false);
  });
});
