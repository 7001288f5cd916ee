import ExcelJS from 'exceljs';
import type { CellType, Table } from './dashboard.js';
import { styleHeader, xlsxText } from './tabular-export.js';

const FORMATS: Record<CellType, string | undefined> = {
  text: undefined,
  int: '#,##0',
  number: '#,##0.0##',
  days: '0.0',
  // Stored as a fraction, shown as a percentage: Excel's own arithmetic on it stays right.
  percent: '0.0%',
  date: 'dd/mm/yyyy',
};

/**
 * One sheet per table: a bold, filled header row frozen in place, numbers as numbers and days
 * as dates (the local day at midnight UTC, which Excel shows as that day whatever its zone).
 */
export async function tablesToXlsx(tables: readonly Table[], meta: { title: string; creator: string; created: Date }): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = meta.creator;
  workbook.title = meta.title;
  workbook.created = meta.created;
  const used = new Set<string>();
  for (const table of tables) {
    const sheet = workbook.addWorksheet(sheetName(table.name, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((c, i) => ({
      header: c.header,
      key: String(i),
      width: Math.min(
        60,
        Math.max(c.header.length + 2, c.type === 'text' ? 16 : 12, ...table.rows.map((r) => String(r[i] ?? '').length + 2)),
      ),
      style: FORMATS[c.type] ? { numFmt: FORMATS[c.type]! } : {},
    }));
    for (const row of table.rows) sheet.addRow(row.map((value, i) => cell(value, table.columns[i]!.type)));
    const header = sheet.getRow(1);
    styleHeader(header);
    header.alignment = { vertical: 'middle', wrapText: true };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function cell(value: string | number | null, type: CellType): string | number | Date | null {
  if (value === null) return null;
  if (type === 'date' && typeof value === 'string') return new Date(`${value}T00:00:00Z`);
  if (type === 'percent' && typeof value === 'number') return value / 100;
  // Names come from staff (departments, categories) and the catalogue: none may run as a formula.
  return typeof value === 'string' ? xlsxText(value) : value;
}

/** Excel refuses `\ / ? * [ ] :` and names over 31 characters or repeated. */
function sheetName(name: string, used: Set<string>): string {
  const base = name.replace(/[\\/?*[\]:]/g, ' ').slice(0, 31) || 'Hoja';
  let candidate = base;
  for (let n = 2; used.has(candidate.toLowerCase()); n += 1) candidate = `${base.slice(0, 28)} ${n}`;
  used.add(candidate.toLowerCase());
  return candidate;
}
