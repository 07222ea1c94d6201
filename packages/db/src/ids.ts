import { randomBytes, randomInt } from 'node:crypto';

/**
 * Server-generated ids are 24-char lowercase hex, the ObjectId format existing clients expect (§1.1), built
 * as MongoDB builds them: 4 bytes of seconds, 5 random bytes fixed per process, a 3-byte counter. Within
 * one process ids therefore sort in creation order, which breaks `created_at` ties: PGlite's clock can give
 * two rows inserted back to back the same timestamp, and lists must keep insertion order.
 */
const processUnique = randomBytes(5).toString('hex');
let counter = randomInt(0, 0xffffff);
let lastSeconds = 0;

export const newObjectId = (): string => {
  // Never let the time part go backwards (clock steps), or a later id would sort before an earlier one.
  const seconds = Math.max(Math.floor(Date.now() / 1000), lastSeconds);
  counter = (counter + 1) % 0x1000000;
  // The counter wraps only after 16.7 million ids; bump the time part then so the order still holds.
  lastSeconds = counter === 0 ? seconds + 1 : seconds;
  return lastSeconds.toString(16).padStart(8, '0') + processUnique + counter.toString(16).padStart(6, '0');
};
