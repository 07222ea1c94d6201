import { Readable, pipeline } from 'node:stream';
import { CsvError, parse, type Info } from 'csv-parse';

/** One CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/** A CSV syntax error (e.g. an unterminated quote) and the line csv-parse found it on. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

/**
 * Streams RFC 4180 records out of text chunks with csv-parse, so a file of any size needs memory for a
 * few records only. Blank lines are skipped, a UTF-8 BOM is dropped, and `\r\n`, `\n` and `\r` all end
 * records even when mixed in one file (csv-parse would otherwise settle on the first one it sees).
 * Records may differ in length: the caller compares them with the header and says which line is wrong.
 */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: true, record_delimiter: ['\r\n', '\n', '\r'], info: true });
  // Errors on either side destroy the parser, which makes the loop below throw them.
  pipeline(Readable.from(chunks), parser, () => {});
  // csv-parse counts the line a record ends on; a record starts after the previous one and the blank
  // lines skipped since, which is what a user looking for a multi-line record needs.
  let lastLine = 0;
  let blankLines = 0;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: Info }>) {
      yield { fields: record, line: lastLine + 1 + (info.empty_lines - blankLines) };
      lastLine = info.lines;
      blankLines = info.empty_lines;
    }
  } catch (e) {
    if (e instanceof CsvError) throw new CsvSyntaxError(e.message, typeof e.lines === 'number' ? e.lines : undefined);
    throw e;
  }
}
