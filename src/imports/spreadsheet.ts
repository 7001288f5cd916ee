import { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import { foldText } from '../language/normalize-text.js';

/**
 * Reading the spreadsheet the communications office gathers from the mayor's social networks:
 * an .xlsx or a .csv (comma or semicolon, UTF-8 with or without BOM, or the Windows-1252 that
 * Excel on Windows writes). Columns are found by their header's name, not their position.
 */

/** The facts a row may bring, each found by its header. */
export const IMPORT_FIELDS = ['name', 'phone', 'description', 'date', 'address', 'network'] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Header words (folded: lowercase, no accents) that name each field; the first word of a header decides. */
const HEADER_WORDS: Record<ImportField, readonly string[]> = {
  name: ['nombre', 'nombre completo', 'ciudadano', 'solicitante', 'usuario'],
  phone: ['telefono', 'tel', 'celular', 'cel', 'whatsapp', 'movil', 'numero', 'contacto', 'telefono celular', 'numero de telefono'],
  description: ['descripcion', 'peticion', 'solicitud', 'mensaje', 'comentario', 'reporte', 'asunto', 'detalle', 'queja'],
  date: ['fecha', 'fecha de publicacion', 'fecha de solicitud', 'fecha y hora'],
  address: ['colonia', 'direccion', 'domicilio', 'ubicacion', 'calle', 'localidad'],
  network: ['red social', 'red', 'redes', 'plataforma', 'medio', 'fuente', 'origen'],
};

/** A header row must name a description or a phone, and at least two fields in all. */
const MIN_FIELDS = 2;
/** How far down a title or a note above the header may push it. */
export const HEADER_SEARCH_ROWS = 10;

export type Cell = string | number | boolean | Date | null;
/** A row as the file has it, with its own number (1 for the first row of the sheet). */
export interface SheetRow {
  row: number;
  cells: Cell[];
}

export interface ReadSheet {
  /** The header's row number. */
  headerRow: number;
  /** The column index of each field found. */
  columns: Partial<Record<ImportField, number>>;
  /** The rows under the header, blank rows left out. */
  rows: SheetRow[];
}

export type SheetProblem = 'not_a_spreadsheet' | 'no_header';
export class SheetRefused extends Error {
  override name = 'SheetRefused';
  constructor(readonly problem: SheetProblem) {
    super(problem);
  }
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

/** Reads the file's first sheet; throws `SheetRefused` when it is no spreadsheet or has no header we know. */
export async function readSpreadsheet(bytes: Uint8Array): Promise<ReadSheet> {
  const rows = isZip(bytes) ? await readXlsx(bytes) : await readCsv(bytes);
  const header = findHeader(rows);
  if (!header) throw new SheetRefused('no_header');
  return {
    headerRow: header.row,
    columns: header.columns,
    rows: rows.filter((r) => r.row > header.row && r.cells.some((c) => cellText(c) !== '')),
  };
}

const isZip = (bytes: Uint8Array) => ZIP_MAGIC.every((b, i) => bytes[i] === b);

async function readXlsx(bytes: Uint8Array): Promise<SheetRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ExcelJS.Buffer);
  } catch {
    throw new SheetRefused('not_a_spreadsheet');
  }
  const sheet = workbook.worksheets.find((ws) => ws.actualRowCount > 0) ?? workbook.worksheets[0];
  if (!sheet) throw new SheetRefused('not_a_spreadsheet');
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: Cell[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = plainValue(cell.value);
    });
    rows.push({ row: number, cells: Array.from(cells, (c) => c ?? null) });
  });
  return rows;
}

/** Formulas, rich text and links become what the cell shows. */
function plainValue(value: ExcelJS.CellValue): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return plainValue((value.result ?? null) as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    if ('error' in value) return null;
  }
  return String(value);
}

/** Decodes as UTF-8 (BOM dropped); bytes that are not UTF-8 are read as Windows-1252, Excel's own on Windows. */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

async function readCsv(bytes: Uint8Array): Promise<SheetRow[]> {
  // A CSV is text: NUL bytes or other control characters mean some other binary file (a PDF, an image, an old .xls).
  const sample = bytes.subarray(0, 4096);
  if (sample.some((b) => b === 0 || (b < 0x09 && b !== 0)) || bytes.length === 0) throw new SheetRefused('not_a_spreadsheet');
  const text = decodeText(bytes);
  const delimiter = guessDelimiter(text);
  const workbook = new ExcelJS.Workbook();
  let sheet: ExcelJS.Worksheet;
  try {
    sheet = await workbook.csv.read(Readable.from([text]), {
      parserOptions: { delimiter, quote: '"', ignoreEmpty: false },
      // Cells stay as written: a phone must not become a number (a leading 0 or + lost), nor a date be guessed.
      map: (value: unknown) => value,
    });
  } catch {
    throw new SheetRefused('not_a_spreadsheet');
  }
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values = Array.isArray(row.values) ? row.values.slice(1) : [];
    rows.push({ row: number, cells: values.map((v) => (v === undefined || v === null ? null : String(v))) });
  });
  return rows;
}

/** `;` when the first lines have more of them than commas (Excel in Spanish writes `;`). */
function guessDelimiter(text: string): ',' | ';' | '\t' {
  const head = text.split(/\r?\n/, HEADER_SEARCH_ROWS).join('\n');
  const count = (ch: string) => head.split(ch).length - 1;
  const counts = { ',': count(','), ';': count(';'), '\t': count('\t') } as const;
  return (Object.entries(counts) as Array<[',' | ';' | '\t', number]>).sort((a, b) => b[1] - a[1])[0]![0];
}

/** Lowercase, no accents, single spaces, no punctuation around: "  Teléfono / Celular: " → "telefono celular". */
export function foldHeader(text: string): string {
  return foldText(text.normalize('NFC'))
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The field a header names, or undefined: exact names first, then a header that starts with one ("Teléfono de contacto"). */
export function fieldOfHeader(header: string): ImportField | undefined {
  const folded = foldHeader(header);
  if (!folded) return undefined;
  for (const field of IMPORT_FIELDS) if (HEADER_WORDS[field].includes(folded)) return field;
  const first = folded.split(' ')[0]!;
  for (const field of IMPORT_FIELDS) if (HEADER_WORDS[field].includes(first)) return field;
  return undefined;
}

/** The row among the first ones that names the most fields (a description or a phone among them). */
export function findHeader(rows: readonly SheetRow[]): { row: number; columns: Partial<Record<ImportField, number>> } | undefined {
  let best: { row: number; columns: Partial<Record<ImportField, number>>; found: number } | undefined;
  for (const { row, cells } of rows.slice(0, HEADER_SEARCH_ROWS)) {
    const columns: Partial<Record<ImportField, number>> = {};
    cells.forEach((cell, index) => {
      if (typeof cell !== 'string') return;
      const field = fieldOfHeader(cell);
      if (field && columns[field] === undefined) columns[field] = index;
    });
    const found = Object.keys(columns).length;
    if (found < MIN_FIELDS || (columns.description === undefined && columns.phone === undefined)) continue;
    if (!best || found > best.found) best = { row, columns, found };
  }
  return best && { row: best.row, columns: best.columns };
}

/** What a cell shows, trimmed, as text. */
export function cellText(cell: Cell | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return cell.toISOString();
  return String(cell).replace(/\s+/g, ' ').trim();
}
