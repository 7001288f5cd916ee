import { and, desc, eq, gte, isNotNull, isNull, lt, lte, notExists, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '../db/client.js';
import { attentionLog, cases, categories, conversations } from '../db/schema.js';
import { InvalidInput } from '../errors.js';
import { catalogue, type Locale, type MessageKey } from '../i18n/index.js';
import { wallClock } from '../calendar/business-calendar.js';
import { type Column, type Row, startOfLocalDay, type TabularExport } from '../reports/tabular-export.js';
import type { AttentionKind } from './attention-log.js';
import { OUTCOMES, type Outcome, REGISTER_KINDS, type RegisterKind } from './register-vocabulary.js';

/**
 * The attention register: every attention one by one, newest first — each outcome the attention
 * log recorded, and each conversation that reached none ("abandonada", dated when the citizen last
 * wrote, as in the counts of attention-log.ts). Pages are keyset, so a page stays the same while
 * new attentions arrive on top.
 */

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** The log's kinds are the register's but `abandoned`: a kind added to the table fails to compile until the vocabulary has it. */
export const REGISTER_KINDS_MATCH_THE_LOG: Same<AttentionKind, Exclude<RegisterKind, 'abandoned'>> = true;

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const AttentionQuery = z.object({
  from: Day.optional(),
  to: Day.optional(),
  channel: z.string().trim().max(40).optional(),
  kind: z.enum(REGISTER_KINDS).optional(),
  outcome: z.enum(OUTCOMES).optional(),
  /** The `next` of the previous page. */
  page: z.string().max(200).optional(),
});
export type AttentionQuery = z.infer<typeof AttentionQuery>;

/** Where a page starts: after this row in the order (instant, source, key), newest first, logged rows before abandoned ones. */
const Cursor = z.tuple([z.string().regex(/^[0-9: .+-]{10,40}$/), z.union([z.literal(0), z.literal(1)]), z.string().max(40)]);
type Cursor = z.infer<typeof Cursor>;
const LOGGED = 1;
const ABANDONED = 0;

function decodeCursor(token: string): Cursor {
  try {
    return Cursor.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidInput();
  }
}
const encodeCursor = (cursor: Cursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

export interface RegisterSettings {
  timeZone: string;
  /** A catalogue procedure's name by its id (the log keeps ids). */
  procedureName(id: string): string | undefined;
  locale: Locale;
}

export interface RegisterEntry {
  /** `a<id>` for a logged attention, `c<uuid>` for an abandoned conversation. */
  id: string;
  at: Date;
  /** In the municipality's zone. */
  date: string;
  time: string;
  channel: string;
  kind: RegisterKind;
  /** By name: the procedure answered, or the case's type and category. */
  procedure: string | null;
  caseId: number | null;
  folio: string | null;
  outcome: Outcome;
}

function outcomeOf(kind: AttentionKind, detail: string | null): Outcome {
  if (kind === 'case_opened') return 'case_opened';
  if (kind === 'information_answered') return 'answered';
  if (kind === 'status_lookup') return detail === 'found' ? 'found' : 'not_found';
  return detail === 'not_understood' ? 'not_understood' : 'requested';
}

/** The logged rows an outcome selects; null when it selects none of them (abandoned). */
function loggedOutcome(outcome: Outcome): SQL | null {
  switch (outcome) {
    case 'case_opened':
      return eq(attentionLog.kind, 'case_opened');
    case 'answered':
      return eq(attentionLog.kind, 'information_answered');
    case 'found':
      return and(eq(attentionLog.kind, 'status_lookup'), eq(attentionLog.detail, 'found'))!;
    case 'not_found':
      return and(eq(attentionLog.kind, 'status_lookup'), or(isNull(attentionLog.detail), sql`${attentionLog.detail} <> 'found'`))!;
    case 'requested':
      return and(
        eq(attentionLog.kind, 'handed_to_person'),
        or(isNull(attentionLog.detail), sql`${attentionLog.detail} <> 'not_understood'`),
      )!;
    case 'not_understood':
      return and(eq(attentionLog.kind, 'handed_to_person'), eq(attentionLog.detail, 'not_understood'))!;
    case 'abandoned':
      return null;
  }
}

function range(query: AttentionQuery, timeZone: string) {
  const from = query.from ? startOfLocalDay(query.from, timeZone) : undefined;
  const to = query.to ? startOfLocalDay(nextDay(query.to), timeZone) : undefined;
  return { from, to };
}
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

async function loggedPage(ex: Executor, query: AttentionQuery, timeZone: string, after: Cursor | undefined, limit: number) {
  if (query.kind === 'abandoned' || query.outcome === 'abandoned') return [];
  const { from, to } = range(query, timeZone);
  const where: (SQL | undefined)[] = [
    from && gte(attentionLog.createdAt, from),
    to && lt(attentionLog.createdAt, to),
    query.channel ? eq(attentionLog.channel, query.channel) : undefined,
    query.kind ? eq(attentionLog.kind, query.kind) : undefined,
    query.outcome ? (loggedOutcome(query.outcome) ?? undefined) : undefined,
  ];
  if (after) {
    const [at, source, key] = after;
    // Logged rows come before abandoned ones at the same instant; the `<=` lets the index bound the scan.
    where.push(lte(attentionLog.createdAt, sql`${at}::timestamptz`));
    where.push(
      source === LOGGED
        ? sql`(${attentionLog.createdAt}, ${attentionLog.id}) < (${at}::timestamptz, ${Number(key)})`
        : sql`${attentionLog.createdAt} < ${at}::timestamptz`,
    );
  }
  return ex
    .select({
      id: attentionLog.id,
      at: attentionLog.createdAt,
      atKey: sql<string>`${attentionLog.createdAt}::text`,
      channel: attentionLog.channel,
      kind: attentionLog.kind,
      detail: attentionLog.detail,
      caseId: attentionLog.caseId,
      folio: cases.folio,
      caseType: cases.type,
      category: categories.name,
    })
    .from(attentionLog)
    .leftJoin(cases, eq(cases.id, attentionLog.caseId))
    .leftJoin(categories, eq(categories.id, cases.categoryId))
    .where(and(...where))
    .orderBy(desc(attentionLog.createdAt), desc(attentionLog.id))
    .limit(limit);
}

async function abandonedPage(
  ex: Executor,
  query: AttentionQuery,
  timeZone: string,
  after: Cursor | undefined,
  limit: number,
  notBefore?: string,
) {
  if ((query.kind && query.kind !== 'abandoned') || (query.outcome && query.outcome !== 'abandoned')) return [];
  const { from, to } = range(query, timeZone);
  const where: (SQL | undefined)[] = [
    isNotNull(conversations.lastInboundAt),
    from && gte(conversations.lastInboundAt, from),
    notBefore === undefined ? undefined : gte(conversations.lastInboundAt, sql`${notBefore}::timestamptz`),
    to && lt(conversations.lastInboundAt, to),
    query.channel ? sql`${conversations.channel} = ${query.channel}` : undefined,
    notExists(ex.select({ one: sql`1` }).from(attentionLog).where(eq(attentionLog.conversationId, conversations.id))),
  ];
  if (after) {
    const [at, source, key] = after;
    where.push(
      source === LOGGED
        ? lte(conversations.lastInboundAt, sql`${at}::timestamptz`)
        : sql`(${conversations.lastInboundAt}, ${conversations.id}) < (${at}::timestamptz, ${key}::uuid)`,
    );
  }
  return ex
    .select({
      id: conversations.id,
      at: sql<Date>`${conversations.lastInboundAt}`.mapWith(conversations.lastInboundAt),
      atKey: sql<string>`${conversations.lastInboundAt}::text`,
      channel: conversations.channel,
    })
    .from(conversations)
    .where(and(...where))
    .orderBy(desc(conversations.lastInboundAt), desc(conversations.id))
    .limit(limit);
}

type Keyed = { entry: RegisterEntry; cursor: Cursor };

/** One page of the register, newest first, and the token of the next page (null on the last). */
export async function attentionRegisterPage(
  ex: Executor,
  query: AttentionQuery,
  settings: RegisterSettings,
  limit = 50,
): Promise<{ entries: RegisterEntry[]; next: string | null }> {
  const after = query.page ? decodeCursor(query.page) : undefined;
  const logged = await loggedPage(ex, query, settings.timeZone, after, limit + 1);
  // An abandoned conversation older than the last logged row of a full page sorts after limit + 1
  // rows already, so the walk for them stops there: without this bound each page of a long export
  // walked every older conversation (a year's export never ended when few were abandoned).
  const bound = logged.length > limit ? logged.at(-1)!.atKey : undefined;
  const abandoned = await abandonedPage(ex, query, settings.timeZone, after, limit + 1, bound);
  const label = labels(settings.locale);
  const rows: Keyed[] = [
    ...logged.map((r) => ({
      cursor: [r.atKey, LOGGED, String(r.id)] as Cursor,
      entry: {
        ...when(r.at, settings.timeZone),
        id: `a${r.id}`,
        channel: r.channel,
        kind: r.kind,
        procedure:
          r.kind === 'information_answered' && r.detail
            ? (settings.procedureName(r.detail) ?? r.detail)
            : r.kind === 'case_opened' && r.caseType
              ? `${label(`console.type.${r.caseType}`)}: ${r.category ?? ''}`
              : null,
        caseId: r.caseId,
        folio: r.folio,
        outcome: outcomeOf(r.kind, r.detail),
      },
    })),
    ...abandoned.map((r) => ({
      cursor: [r.atKey, ABANDONED, r.id] as Cursor,
      entry: {
        ...when(r.at, settings.timeZone),
        id: `c${r.id}`,
        channel: r.channel,
        kind: 'abandoned' as const,
        procedure: null,
        caseId: null,
        folio: null,
        outcome: 'abandoned' as const,
      },
    })),
  ].sort(newestFirst);
  const shown = rows.slice(0, limit);
  return { entries: shown.map((r) => r.entry), next: rows.length > limit ? encodeCursor(shown.at(-1)!.cursor) : null };
}

/** The page order in JS: instant, then logged before abandoned, then key, all descending. */
function newestFirst(a: Keyed, b: Keyed): number {
  return (
    b.entry.at.getTime() - a.entry.at.getTime() ||
    compareKeys(b.cursor[0], a.cursor[0]) ||
    b.cursor[1] - a.cursor[1] ||
    (a.cursor[1] === LOGGED ? Number(b.cursor[2]) - Number(a.cursor[2]) : compareKeys(b.cursor[2], a.cursor[2]))
  );
}
// PostgreSQL's timestamp text of one session sorts as its instants do within the same millisecond, and uuids compare as text.
const compareKeys = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A catalogue string; the key's last part when there is none (a channel this version does not know). */
const labels = (locale: Locale) => (key: string) => catalogue(locale)[key as MessageKey] ?? key.slice(key.lastIndexOf('.') + 1);

function when(at: Date, timeZone: string) {
  const iso = wallClock(at, timeZone).toISOString();
  return { at, date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/** Every entry the filters select, page after page (the export). */
export async function* attentionRegisterRows(
  ex: Executor,
  query: AttentionQuery,
  settings: RegisterSettings,
): AsyncGenerator<RegisterEntry> {
  let page = query.page;
  for (;;) {
    const { entries, next } = await attentionRegisterPage(ex, { ...query, page }, settings, 1000);
    yield* entries;
    if (!next) return;
    page = next;
  }
}

const COLUMNS = [
  ['date', 'date', 12],
  ['time', 'time', 8],
  ['channel', 'text', 16],
  ['kind', 'text', 30],
  ['procedure', 'text', 40],
  ['folio', 'text', 16],
  ['outcome', 'text', 34],
] as const;

/** The register as a table: the same filters, every page. */
export function attentionRegisterExport(ex: Executor, query: AttentionQuery, settings: RegisterSettings): TabularExport {
  const label = labels(settings.locale);
  const columns: Column[] = COLUMNS.map(([key, kind, width]) => ({ header: label(`export.attention.col.${key}`), kind, width }));
  async function* rows(): AsyncGenerator<Row> {
    for await (const e of attentionRegisterRows(ex, { ...query, page: undefined }, settings)) {
      yield [
        e.at,
        e.at,
        label(`console.channel.${e.channel}`),
        label(`console.attention.kind.${e.kind}`),
        e.procedure,
        e.folio,
        label(`console.register.outcome.${e.outcome}`),
      ];
    }
  }
  return { sheetName: label('export.attention.sheet'), columns, rows: rows(), timeZone: settings.timeZone };
}
