/**
 * A small RFC 4180 reader: quoted fields with commas, doubled quotes and line breaks, CRLF or LF.
 * Enough for the corpus, the labelled examples and the gazetteer; no dependency for sixty lines.
 */
export function parseCsv(text: string): string[][] {
  return parseCsvLines(text).map((row) => row.fields);
}

/** A record and the line of the file it starts on (1-based), for errors an admin can find. */
export interface CsvRow {
  line: number;
  fields: string[];
}

/** `parseCsv`, keeping each record's line: a quoted field may span lines, so records and lines differ. */
export function parseCsvLines(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const endRow = () => {
    row.push(field);
    if (row.some((f) => f !== '')) rows.push({ line: rowLine, fields: row });
    row = [];
    field = '';
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) line++;
    if (quoted) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && src[i + 1] === '\n') {
        i++;
        line++;
      }
      endRow();
      rowLine = line;
    } else field += c;
    i++;
  }
  endRow();
  return rows;
}

/** Rows as objects keyed by the header line's column names. */
export function parseCsvRecords(text: string): Array<Record<string, string>> {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const names = header.map((h) => h.trim().toLowerCase());
  return rows.map((row) => Object.fromEntries(names.map((name, i) => [name, (row[i] ?? '').trim()])));
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvLine(values: readonly string[]): string {
  return values.map(csvField).join(',');
}
