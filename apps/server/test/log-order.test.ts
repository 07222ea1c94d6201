import { once } from 'node:events';
import { pbkdf2 } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { writeAfterLog } from '../src/telemetry/logger.js';

/** Keeps every libuv worker busy for a while, so an asynchronous fs.write waits in the queue behind them. */
const busyThreadPool = () => Promise.all(Array.from({ length: 8 }, () => new Promise((resolve) => pbkdf2('x', 'y', 200_000, 32, 'sha512', resolve))));

/** Like production's logger (asynchronous JSON lines), writing to a file the test can read back. */
async function asyncLogger() {
  const file = join(mkdtempSync(join(tmpdir(), 'acc-log-order-')), 'out.log');
  const destination = pino.destination({ dest: file, sync: false });
  await once(destination, 'ready');
  const logger = pino({ base: null, timestamp: false }, destination);
  /** Ends the stream once everything queued is written, then reads the file's lines. */
  const written = async () => {
    const closed = once(destination, 'close');
    destination.end();
    await closed;
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  };
  return { file, logger, written };
}

describe('the dev banner after the listening line (scripts read the URL from it, then the token)', () => {
  it('the race it prevents: text written beside the stream overtakes a logged line whose write is queued', async () => {
    const { file, logger, written } = await asyncLogger();
    const busy = busyThreadPool();
    logger.info('listening');
    // What main.ts did before: flush(), then a synchronous console.log. flush() answers at once.
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    const fd = openSync(file, 'a');
    writeSync(fd, 'token\n');
    closeSync(fd);
    await busy;
    expect(await written()).toEqual(['token', '{"level":30,"msg":"listening"}']);
  });

  it('writeAfterLog queues the text behind the logged line, however busy the thread pool', async () => {
    const { logger, written } = await asyncLogger();
    const busy = busyThreadPool();
    logger.info('listening');
    writeAfterLog(logger, 'token\n');
    await busy;
    expect(await written()).toEqual(['{"level":30,"msg":"listening"}', 'token']);
  });
});
