import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, csvRecords } from '../src/csv.js';
import { csvLine } from '../src/output.js';

async function parse(chunks: string[]) {
  async function* source() {
    yield* chunks;
  }
  const out: [number, string[]][] = [];
  for await (const r of csvRecords(source())) out.push([r.line, r.fields]);
  return out;
}

describe('reading CSV (csv-parse)', () => {
  // Mixed line ends, a BOM, quoted commas and quotes, a blank line and a record spanning two lines.
  const text = '\uFEFFa,b,c\r\n1,"x, ""y""",\n\n2,"multi\nline",z\r3,,';
  const expected: [number, string[]][] = [
    [1, ['a', 'b', 'c']],
    [2, ['1', 'x, "y"', '']],
    [4, ['2', 'multi\nline', 'z']],
    [6, ['3', '', '']],
  ];

  it('reads RFC 4180 records, skipping blank lines and giving the line each record starts on', async () => {
    expect(await parse([text])).toEqual(expected);
  });

  it('gives the same records however the input is split into chunks', async () => {
    for (let size = 1; size <= 7; size++) {
      const chunks = text.match(new RegExp(`[\\s\\S]{1,${size}}`, 'g'))!;
      expect(await parse(chunks), `chunk size ${size}`).toEqual(expected);
    }
  });

  it('leaves records of another length to the caller', async () => {
    expect(await parse(['a,b\n1\n1,2,3\n'])).toEqual([
      [1, ['a', 'b']],
      [2, ['1']],
      [3, ['1', '2', '3']],
    ]);
  });

  it("rejects an unterminated quoted field with csv-parse's message", async () => {
    const failure = await parse(['a,b\n1,"open\n\n']).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(CsvSyntaxError);
    expect((failure as CsvSyntaxError).message).toBe('Quote Not Closed: the parsing is finished with an opening quote at line 3');
  });
});

describe('writing CSV (csv-stringify)', () => {
  it('quotes only what RFC 4180 needs, lone carriage returns included', () => {
    expect(csvLine(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\ronly', ' padded '])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","cr\ronly", padded ',
    );
  });

  it('writes absent values as empty cells and everything else as its text', () => {
    expect(csvLine([null, undefined, '', true, 1.5, { a: 1 }])).toBe(',,,true,1.5,"{""a"":1}"');
  });
});
