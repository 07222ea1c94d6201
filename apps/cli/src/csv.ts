/** One CSV record and the 1-based line it starts on. */
export interface CsvRecord {
  fields: string[];
  line: number;
}

/**
 * A streaming RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks, and a
 * record may span chunk boundaries. Blank lines are skipped. Input is consumed chunk by chunk, so a file
 * of any size needs memory for one record only.
 */
export async function* csvRecords(chunks: AsyncIterable<string>): AsyncGenerator<CsvRecord> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let afterQuote = false;
  let touched = false;
  let line = 1;
  let recordLine = 1;
  let pendingCR = false;

  const endRecord = (): CsvRecord | undefined => {
    fields.push(field);
    const record = touched || fields.length > 1 || field !== '' ? { fields, line: recordLine } : undefined;
    fields = [];
    field = '';
    touched = false;
    afterQuote = false;
    return record;
  };

  for await (const chunk of chunks) {
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i];
      if (pendingCR) {
        pendingCR = false;
        if (c === '\n') continue;
      }
      if (quoted) {
        if (c === '"') {
          if (chunk[i + 1] === '"') {
            field += '"';
            i++;
          } else {
            // Closing, unless the chunk ended between the two quotes of a `""`: see below.
            quoted = false;
            afterQuote = true;
          }
        } else {
          if (c === '\n') line++;
          field += c;
        }
        continue;
      }
      if (afterQuote && c === '"') {
        // `""` split across a chunk boundary: a literal quote inside the still-open field.
        field += '"';
        quoted = true;
        afterQuote = false;
        continue;
      }
      if (c === ',') {
        fields.push(field);
        field = '';
        afterQuote = false;
        touched = true;
      } else if (c === '\n' || c === '\r') {
        const record = endRecord();
        if (record) yield record;
        line++;
        recordLine = line;
        if (c === '\r') pendingCR = true;
      } else if (c === '"' && field === '' && !afterQuote) {
        quoted = true;
        touched = true;
      } else {
        field += c;
        afterQuote = false;
      }
    }
  }
  if (quoted) throw new Error(`line ${recordLine}: unterminated quoted field`);
  const record = endRecord();
  if (record) yield record;
}
