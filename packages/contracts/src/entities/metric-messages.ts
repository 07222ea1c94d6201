import { boundMessages } from '../fields.js';

/** §4.7 and §7 messages, character for character. */
export const metricMessages = {
  empty: (field: string) => `${field} may not be empty.`,
  notText: (field: string) => `${field} must be a string.`,
  noDefinition: (id: string) => `There is no Metric Definition with the following id: ${id}`,
  notZulu: (field: string, found: string) => `${field} must be a valid zulu timestamp. found: ${found}`,
  future: 'Timestamp cannot be after the current date-time.',
  equal: 'Timestamp of the starting date time cannot be equal to Timestamp of the end date time.',
  startAfterEnd: 'Timestamp of the starting date time cannot be after of Timestamp of the end date time.',
  endBeforeStart: 'Timestamp of the end date time cannot be before of Timestamp of the starting date time.',
  valueNotNumber: 'value must be a number.',
  valueRange: boundMessages.valueRange,
  noMetric: (id: string) => `There is no Metric with the following id: ${id}`,
  deleted: 'Metric has been deleted successfully.',
  listDateFormat: 'The date format must be as follows YYYY-MM-DD',
  listStartAfterEnd: 'start cannot be after end.',
  externalProviderIdEmpty: 'externalProviderId may not be empty.',
  bulkNotArray: 'The request body must be a JSON array of metrics.',
  bulkEmpty: 'The request body is empty.',
  bulkTooMany: 'At most 10000 metrics can be registered in one request.',
  bulkRegistered: (n: number) => `${n} metrics have been registered.`,
  idempotencyKeyInvalid: 'Idempotency-Key must be 1 to 255 printable ASCII characters.',
  idempotencyKeyReused: 'Idempotency-Key reused with a different request.',
} as const;

export const MAX_BULK_METRICS = 10_000;
