import { createHash } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { extractPhone } from '../dialogs/parsers/phone.js';
import { t, type Locale } from '../i18n/index.js';
import { normalizeText } from '../language/normalize-text.js';
import { cellText, type Cell, type ImportField, type ReadSheet, type SheetRow } from './spreadsheet.js';

/** A row's facts as stored until it is worked: text, as the sheet showed it (dates as `YYYY-MM-DD HH:mm`). */
export type RowFields = Partial<Record<ImportField, string>>;

export interface RowOptions {
  locale: Locale;
  phoneRegion: CountryCode;
  /** The import's own moment: a row without a (usable) date opens then. */
  now: Date;
  /** The instant a local wall-clock minute happens in the municipality's zone. */
  atLocalTime(date: string, minuteOfDay: number): Date;
}

/** A row worth a case. */
export interface ImportRequest {
  description: string;
  /** The description was empty: the text is a placeholder asking the operator to find out. */
  described: boolean;
  name: string | undefined;
  /** E.164 when the region's rules know it, else the digits as written. */
  phone: string | undefined;
  address: string | undefined;
  network: string | undefined;
  openedAt: Date;
  /** Same phone and same words (case, accents and spacing aside) is the same request. */
  dedupeKey: string;
  /** What was noticed and worked around, in the import's language. */
  warnings: string[];
}

export type RowReading = { ok: true; request: ImportRequest } | { ok: false; reason: string };

const MAX = { name: 200, description: 4000, address: 300, network: 80 } as const;

/** The fields of one sheet row, by the header's columns. */
export function rowFields(sheet: Pick<ReadSheet, 'columns'>, row: SheetRow): RowFields {
  const fields: RowFields = {};
  for (const [field, index] of Object.entries(sheet.columns) as Array<[ImportField, number]>) {
    const cell = row.cells[index];
    const value = field === 'date' ? dateCellText(cell) : cellText(cell);
    if (value) fields[field] = value;
  }
  return fields;
}

/**
 * Excel keeps no time zone: a date cell is the wall-clock time it shows, which exceljs hands over
 * as that time in UTC. A plain number in a date column is Excel's day count (1 = 1900-01-01).
 */
function dateCellText(cell: Cell | undefined): string {
  if (cell instanceof Date) return wallClock(cell);
  if (typeof cell === 'number' && cell > 20_000 && cell < 80_000) return wallClock(new Date(Math.round((cell - 25_569) * 86_400_000)));
  return cellText(cell);
}

const pad = (n: number) => String(n).padStart(2, '0');
const wallClock = (d: Date) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;

/** Reads a row: a request to open, or why not. Pure. */
export function readImportRow(fields: RowFields, options: RowOptions): RowReading {
  const say = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t(options.locale, key, params);
  const warnings: string[] = [];
  const words = (fields.description ?? '').slice(0, MAX.description);
  const phone = fields.phone ? readPhone(fields.phone, options.phoneRegion) : undefined;
  if (!words && !phone) return { ok: false, reason: say('import.reason.empty') };
  if (fields.phone && !phone) warnings.push(say('import.warning.bad_phone', { phone: fields.phone }));
  else if (!fields.phone) warnings.push(say('import.warning.no_phone'));

  const network = fields.network?.slice(0, MAX.network) || undefined;
  let openedAt = options.now;
  if (fields.date) {
    const local = readLocalDate(fields.date);
    const at = local && options.atLocalTime(local.date, local.minute);
    if (!at) warnings.push(say('import.warning.bad_date', { date: fields.date }));
    else if (at.getTime() > options.now.getTime()) warnings.push(say('import.warning.future_date', { date: fields.date }));
    else openedAt = at;
  }
  const description = words || say('import.no_description', { red: network ?? say('import.networks') });
  return {
    ok: true,
    request: {
      description,
      described: Boolean(words),
      name: fields.name?.slice(0, MAX.name) || undefined,
      phone,
      address: fields.address?.slice(0, MAX.address) || undefined,
      network,
      openedAt,
      dedupeKey: createHash('sha256')
        .update(`${phone ?? ''}\n${normalizeText(words)}`)
        .digest('hex'),
      warnings,
    },
  };
}

/** The project's phone reading, then one spelling for one number ("55 1234 5678" and "+52 55 1234 5678" are the same). */
export function readPhone(text: string, region: CountryCode): string | undefined {
  const found = extractPhone(text, { region });
  if (!found) return undefined;
  const parsed = parsePhoneNumberFromString(found, region);
  return parsed?.isPossible() ? parsed.number : found;
}

/**
 * A date as people type it in Mexico and Latin America (day first: 15/03/2026, 15-03-26,
 * 15.03.2026, with an optional 10:30 or 10:30 p. m.) or as ISO (2026-03-15 10:30). Null when it
 * is no real date (31/02/2026).
 */
export function readLocalDate(text: string): { date: string; minute: number } | null {
  const s = text.trim().toLowerCase();
  let y: number;
  let m: number;
  let d: number;
  let rest: string;
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[t\s]+(.*))?$/.exec(s);
  const dmy = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[,\s]+(.*))?$/.exec(s);
  if (iso) [y, m, d, rest] = [Number(iso[1]), Number(iso[2]), Number(iso[3]), iso[4] ?? ''];
  else if (dmy) {
    const year = Number(dmy[3]);
    [y, m, d, rest] = [dmy[3]!.length === 2 ? 2000 + year : year, Number(dmy[2]), Number(dmy[1]), dmy[4] ?? ''];
  } else return null;
  const check = new Date(Date.UTC(y, m - 1, d));
  if (m < 1 || m > 12 || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d || y < 1990) return null;
  let minute = 0;
  if (rest) {
    const time = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?\s*(a\.?\s?m\.?|p\.?\s?m\.?)?\s*(?:z|[+-]\d{2}:?\d{2})?$/.exec(rest.trim());
    if (!time) return null;
    let hour = Number(time[1]);
    const min = Number(time[2]);
    if (time[3]?.startsWith('p') && hour < 12) hour += 12;
    if (time[3]?.startsWith('a') && hour === 12) hour = 0;
    if (hour > 23 || min > 59) return null;
    minute = hour * 60 + min;
  }
  return { date: `${y}-${pad(m)}-${pad(d)}`, minute };
}
