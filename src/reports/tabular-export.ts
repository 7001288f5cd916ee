import { once } from 'node:events';
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { localTimeIn, wallClock } from '../calendar/business-calendar.js';

/**
 * One table, many rows, written as a spreadsheet while the rows are still being read: the tray's
 * and the attention register's exports (and any later table) describe their columns once and hand
 * over an async iterable of rows; nothing holds the whole file. Both formats apply the same rules:
 * instants shown in the municipality's zone, text cells guarded against formula injection.
 */

/** `date`, `datetime` and `time` cells take an instant (a Date) and show it in the given time zone. */
export type ColumnKind = 'text' | 'number' | 'date' | 'datetime' | 'time';
export interface Column {
  header: string;
  kind: ColumnKind;
  /** In characters, for XLSX; CSV has no widths. */
  width?: number;
}
export type CellValue = string | number | Date | null | undefined;
export type Row = readonly CellValue[];

export interface TabularExport {
  sheetName: string;
  columns: readonly Column[];
  rows: AsyncIterable<Row>;
  timeZone: string;
}

export const TABULAR_FORMATS = ['xlsx', 'csv'] as const;
export type TabularFormat = (typeof TABULAR_FORMATS)[number];

export const CONTENT_TYPES: Record<TabularFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
};

/** The receiver went away (the download was cancelled): stop reading rows. */
export class ExportInterrupted extends Error {
  override name = 'ExportInterrupted';
}

/**
 * OWASP's rule for CSV injection: a cell a spreadsheet would read as a formula (=, +, -, @, or a
 * leading tab or carriage return) starts with an apostrophe instead. Applied to XLSX text cells
 * too, since a clerk may save the sheet as CSV or edit the cell.
 */
export function guardFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Writes the table to `out` as an XLSX workbook of one sheet or as CSV; resolves with the number of rows. */
export function writeTabular(format: TabularFormat, out: Writable, table: TabularExport): Promise<number> {
  return format === 'xlsx' ? writeXlsx(out, table) : writeCsv(out, table);
}

// ---- XLSX -------------------------------------------------------------------------------------

const NUMBER_FORMATS: Partial<Record<ColumnKind, string>> = { date: 'dd/mm/yyyy', datetime: 'dd/mm/yyyy hh:mm', time: 'hh:mm' };
/** Excel's limit per cell. */
const MAX_CELL_CHARS = 32_767;
/** Control characters XML 1.0 forbids: one in a description would make the whole file unreadable. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters removed
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/**
 * A streaming WorkbookWriter: each row is committed (serialised and handed to the zip) as soon as
 * it is added, and the loop waits whenever `out` asks it to, so memory stays flat at any size.
 */
export async function writeXlsx(out: Writable, { sheetName, columns, rows, timeZone }: TabularExport): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31), {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? defaultWidth(c.kind) }));
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  const header = sheet.getRow(1);
  styleHeader(header);
  header.alignment = { vertical: 'middle' };
  header.commit();

  let count = 0;
  for await (const values of rows) {
    const row = sheet.addRow(values.map((v, i) => xlsxValue(v, columns[i]?.kind ?? 'text', timeZone)));
    columns.forEach((c, i) => {
      const format = NUMBER_FORMATS[c.kind];
      if (format) row.getCell(i + 1).numFmt = format;
    });
    row.commit();
    count++;
    await keepUp(out, count);
  }
  sheet.commit();
  await workbook.commit();
  return count;
}

function xlsxValue(value: CellValue, kind: ColumnKind, timeZone: string): ExcelJS.CellValue {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) {
    // Excel has no time zones: a cell holds a wall-clock reading, so it gets the municipality's.
    const wall = wallClock(value, timeZone);
    if (kind === 'date') return new Date(Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate()));
    if (kind === 'time') return new Date(Date.UTC(1899, 11, 30, wall.getUTCHours(), wall.getUTCMinutes()));
    return wall;
  }
  if (typeof value === 'number') return value;
  return xlsxText(value);
}

/** A text cell as a workbook may hold it: no characters XML forbids, no formula, within Excel's length. */
export function xlsxText(text: string): string {
  return guardFormula(text.replace(XML_FORBIDDEN, '')).slice(0, MAX_CELL_CHARS);
}

/** Every workbook's header row: bold white on the console's colour. */
export function styleHeader(header: ExcelJS.Row): void {
  header.font = { bold: true, color: { argb: 'FFFFFFFF' } };
  header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FF0A5C75' } };
}

function defaultWidth(kind: ColumnKind): number {
  return kind === 'datetime' ? 17 : kind === 'date' ? 12 : kind === 'time' || kind === 'number' ? 9 : 20;
}

// ---- CSV --------------------------------------------------------------------------------------

/** Excel needs the byte-order mark to read UTF-8 (accents) rather than the system's code page. */
export const UTF8_BOM = '\uFEFF';

/**
 * RFC 4180: comma-separated (the separator Excel expects in Spanish-speaking Latin America is
 * locale-dependent; a comma is what every other reader expects, and the BOM plus quoting keep
 * Excel right), CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled.
 * Instants as `YYYY-MM-DD HH:MM` in the municipality's zone, which Excel reads as dates.
 */
export async function writeCsv(out: Writable, { columns, rows, timeZone }: TabularExport): Promise<number> {
  let chunk = UTF8_BOM + columns.map((c) => csvField(c.header)).join(',') + '\r\n';
  let count = 0;
  for await (const values of rows) {
    chunk += columns.map((c, i) => csvField(csvValue(values[i], c.kind, timeZone))).join(',') + '\r\n';
    count++;
    // A few rows per write: one write per row costs more than the row itself.
    if (count % 200 === 0) {
      await write(out, chunk);
      chunk = '';
      await keepUp(out, count);
    }
  }
  await write(out, chunk);
  out.end();
  await once(out, 'finish');
  return count;
}

export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvValue(value: CellValue, kind: ColumnKind, timeZone: string): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = wallClock(value, timeZone).toISOString();
    if (kind === 'date') return iso.slice(0, 10);
    if (kind === 'time') return iso.slice(11, 16);
    return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  }
  if (typeof value === 'number') return String(value);
  return guardFormula(value);
}

// ---- Shared -----------------------------------------------------------------------------------

async function write(out: Writable, chunk: string) {
  if (out.destroyed) throw new ExportInterrupted();
  if (chunk && !out.write(chunk)) await drained(out);
}

/** Every 100 rows: stop if the receiver left, wait if it is behind. */
async function keepUp(out: Writable, count: number) {
  if (count % 100 !== 0) return;
  if (out.destroyed) throw new ExportInterrupted();
  if (out.writableNeedDrain) await drained(out);
}

function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => done();
    const onClose = () => done(new ExportInterrupted());
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', done);
  });
}

/** The instant a local day begins in `timeZone` (`2026-03-10` → 06:00 UTC in Mexico City). */
export const startOfLocalDay = (day: string, timeZone: string): Date => localTimeIn(timeZone, day, 0);

/** `YYYY-MM-DD` of `at` in `timeZone`: dated file names. */
export const localDay = (at: Date, timeZone: string) => wallClock(at, timeZone).toISOString().slice(0, 10);
