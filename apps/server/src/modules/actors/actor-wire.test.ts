import { describe, expect, it } from 'vitest';
import { toLocalDateTime } from './actor-wire.js';

describe('toLocalDateTime', () => {
  it('renders the UTC value without a zone and with milliseconds', () => {
    expect(toLocalDateTime(new Date('2024-10-02T14:21:09.482Z'))).toBe('2024-10-02T14:21:09.482');
    expect(toLocalDateTime(new Date('2024-10-02T16:21:09.482+02:00'))).toBe('2024-10-02T14:21:09.482');
    expect(toLocalDateTime(new Date('2024-01-01T00:00:00Z'))).toBe('2024-01-01T00:00:00.000');
  });
});
