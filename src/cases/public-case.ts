import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { cases, categories, departments } from '../db/schema.js';
import { type Locale, t } from '../i18n/index.js';
import { type CaseStatus, type CaseType, isFinalStatus } from './case-type.js';

/**
 * What anyone holding a folio may read about its case (the public status page, /estado). Folios
 * are sequential, so anyone can guess one: the folio is not a secret worth much, and this read
 * model is the real defence. It carries the case's kind, category, department, status and dates,
 * and never the citizen (name, phone, e-mail), the place (a complaint's or a request's may be the
 * citizen's home), the description, the messages, photos, staff or internal notes. The final
 * answer is not carried either: it is written to the citizen, often with their name or address,
 * and the case has no notion of a public answer; the page says that the case was answered and when.
 */
export interface PublicCase {
  folio: string;
  type: CaseType;
  /** The kind of request as the bot names it ("Reporte o denuncia"). */
  typeLabel: string;
  categoryName: string;
  departmentName: string;
  status: CaseStatus;
  /** The status as the bot's «estado <folio>» answer says it ("en atención"). */
  statusLabel: string;
  /** One sentence on where the case stands, the one Open311 publishes too. */
  statusInWords: string;
  closed: boolean;
  /** When the case was registered. */
  openedAt: Date;
  /** When its department acknowledged it (recepcionó), if it has. */
  receivedAt: Date | null;
  /** The term's end: the instant after the last day to answer. */
  dueAt: Date;
  /** Whether the one extension (prórroga) was granted; `dueAt` is then the new term. */
  extended: boolean;
  /** When the final answer (or the decision that it does not proceed) was given. */
  closedAt: Date | null;
}

export interface PublicCaseSettings {
  locale: Locale;
  /** The dialog script's words for statuses and types, so the page and the bot name them alike. */
  statusLabels: Readonly<Record<string, string>>;
  typeLabels: Readonly<Record<CaseType, string>>;
}

/** The public sentence for a status ("Dirección de Obras Públicas está trabajando en la solicitud."): Open311's and the status page's. */
export function statusInWords(locale: Locale, status: CaseStatus, department: string): string {
  return t(locale, `open311.status.${status}`, { department });
}

/** The case of a folio as written by `formatFolio`, in public fields only; null when there is none. */
export async function publicCaseByFolio(ex: Executor, folio: string, settings: PublicCaseSettings): Promise<PublicCase | null> {
  const [row] = await ex
    .select({
      folio: cases.folio,
      type: cases.type,
      status: cases.status,
      createdAt: cases.createdAt,
      receivedAt: cases.receivedAt,
      dueAt: cases.dueAt,
      extendedAt: cases.extendedAt,
      closedAt: cases.closedAt,
      category: categories.name,
      department: departments.name,
    })
    .from(cases)
    .innerJoin(categories, eq(categories.id, cases.categoryId))
    .innerJoin(departments, eq(departments.id, cases.departmentId))
    .where(eq(cases.folio, folio))
    .limit(1);
  if (!row) return null;
  const closed = isFinalStatus(row.status);
  return {
    folio: row.folio,
    type: row.type,
    typeLabel: settings.typeLabels[row.type],
    categoryName: row.category,
    departmentName: row.department,
    status: row.status,
    statusLabel: settings.statusLabels[row.status] ?? row.status,
    statusInWords: statusInWords(settings.locale, row.status, row.department),
    closed,
    openedAt: row.createdAt,
    receivedAt: row.receivedAt,
    dueAt: row.dueAt,
    extended: row.extendedAt !== null,
    closedAt: closed ? row.closedAt : null,
  };
}
