import { describe, expect, it } from 'vitest';
import { csvRecords } from '../src/csv.js';

async function parse(chunks: string[]) {
  async function* source() {
    yield* chunks;
  }
  const out: [number, string[]][] = [];
  for await (const r of csvRecords(source())) out.push([r.line, r.fields]);
  return out;
}

describe('the streaming CSV reader', () => {
  const text = 'a,b,c\r\n1,"x, ""y""",\n\n2,"multi\nline",z';
  const expected: [number, string[]][] = [
    [1, ['a', 'b', 'c']],
    [2, ['1', 'x, "y"', '']],
    [4, ['2', 'multi\nline', 'z']],
  ];

  it('reads RFC 4180 records, skipping blank lines and keeping line numbers', async () => {
    expect(await parse([text])).toEqual(expected);
  });

  it('gives the same records however the input is split into chunks', async () => {
    for (let size = 1; size <= 7; size++) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect(await parse(chunks), `chunk size ${size}`).toEqual(expected);
    }
  });

  it('rejects an unterminated quoted field', async () => {
    await expect(parse(['a,"open\n'])).rejects.toThrow('line 1: unterminated quoted field');
  });
});
