import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { CountryCode } from 'libphonenumber-js';
import { recordAudit } from '../auth/audit.js';
import type { StaffPrincipal } from '../auth/sessions.js';
import type { BusinessCalendar } from '../calendar/business-calendar.js';
import { requestCallback } from '../cases/callbacks.js';
import { recordCaseEvent, staffActor } from '../cases/events.js';
import type { CaseSettings } from '../cases/open-case.js';
import { openOfflineCase } from '../cases/open-on-behalf.js';
import type { Db, Tx } from '../db/client.js';
import { importRows, imports, staffUsers, type Import } from '../db/schema.js';
import { NotFound } from '../errors.js';
import { t, type Locale } from '../i18n/index.js';
import { enqueueJob } from '../queue/enqueue.js';
import type { JobKind } from '../queue/job.js';
import type { Classification } from '../understanding/classification.js';
import { readImportRow, rowFields, type RowFields } from './import-row.js';
import type { ReadSheet } from './spreadsheet.js';

/**
 * The social-network spreadsheet (issue 17): accepted whole or refused (the sheet is read before
 * anything is written), then worked by the one job queue, one batch of rows per job. Each batch
 * is one unit of work — its cases, call-backs, row outcomes, counters and the next batch's job
 * commit together — so a restart resumes at the first row not committed, and nothing is opened twice.
 */

export const IMPORT_JOB = 'import.rows';
/** Rows per unit of work: small enough that the console's polls and the chat are not kept waiting long. */
export const IMPORT_BATCH = 50;
/** The largest file accepted (the console and the CLI say so). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

export type ImportStatusView = {
  id: number;
  filename: string;
  status: Import['status'];
  total: number;
  processed: number;
  imported: number;
  duplicates: number;
  failed: Array<{ row: number; reason: string }>;
  warnings: Array<{ row: number; reason: string }>;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
};

/** Stores an accepted sheet's rows and queues the first batch, in one transaction; returns the import's id. */
export async function createImport(
  db: Db,
  input: { staff: StaffPrincipal | null; filename: string; sheet: ReadSheet; ip: string | null },
  now: Date,
): Promise<number> {
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(imports)
      .values({
        filename: input.filename.slice(0, 255),
        staffUserId: input.staff?.id ?? null,
        headerRow: input.sheet.headerRow,
        total: input.sheet.rows.length,
        createdAt: now,
        updatedAt: now,
      })
      .returning({ id: imports.id });
    const id = created!.id;
    const rows = input.sheet.rows.map((r) => ({ importId: id, row: r.row, fields: rowFields(input.sheet, r) }));
    // A few hundred rows per statement keeps under PostgreSQL's 65,535 parameters.
    for (let i = 0; i < rows.length; i += 1000) await tx.insert(importRows).values(rows.slice(i, i + 1000));
    if (rows.length > 0) await enqueueBatch(tx, id, 0);
    else await tx.update(imports).set({ status: 'done', finishedAt: now }).where(eq(imports.id, id));
    // The sheet holds citizens' names and phones: who brought them in is on record.
    await recordAudit(tx, {
      staffUserId: input.staff?.id ?? null,
      action: 'import.created',
      subjectType: 'import',
      subjectId: id,
      ip: input.ip,
    });
    return id;
  });
}

const enqueueBatch = (tx: Tx, importId: number, processed: number) =>
  enqueueJob(tx, { kind: IMPORT_JOB, key: `import:${importId}:${processed}`, payload: { importId } });

/** Where an import stands, with the per-row report. */
export async function importStatus(db: Db, id: number): Promise<ImportStatusView> {
  const [found] = await db.select().from(imports).where(eq(imports.id, id)).limit(1);
  if (!found) throw new NotFound('error.import_not_found');
  const noted = await db
    .select({ row: importRows.row, outcome: importRows.outcome, reason: importRows.reason })
    .from(importRows)
    .where(and(eq(importRows.importId, id), sql`${importRows.reason} is not null`))
    .orderBy(asc(importRows.row));
  const report = (outcome: string) => noted.filter((r) => r.outcome === outcome).map((r) => ({ row: r.row, reason: r.reason! }));
  return {
    id: found.id,
    filename: found.filename,
    status: found.status,
    total: found.total,
    processed: found.processed,
    imported: found.imported,
    duplicates: found.duplicates,
    failed: report('failed'),
    warnings: report('imported'),
    error: found.error,
    createdAt: found.createdAt.toISOString(),
    finishedAt: found.finishedAt?.toISOString() ?? null,
  };
}

export interface ImportDeps {
  classify(text: string): Classification;
  caseSettings: CaseSettings;
  calendar: BusinessCalendar;
  phoneRegion: CountryCode;
  locale: Locale;
}

/** Namespace of the advisory locks taken per request key (any constant unique within Ventanilla). */
const IMPORT_KEY_LOCK_CLASS = 7317;

/** The queue's kind: one batch of one import per job. */
export function importKind(deps: ImportDeps): JobKind {
  return {
    leaseMs: 120_000,
    maxAttempts: 5,
    retry: { baseMs: 5_000, maxMs: 60_000 },
    run: async (job, context) => {
      const importId = Number(job.payload.importId);
      // PGlite runs on this thread and answers through microtasks: without a turn of the event loop
      // between batches, timers and sockets (the console's polls, the chat) would wait for the whole import.
      await new Promise((resolve) => setImmediate(resolve));
      await context.db.transaction(async (tx) => {
        await runBatch(tx, deps, importId, context.now);
        await context.finish(tx);
      });
    },
    gaveUp: async (job, error, { db, now }) => {
      const reason = t(deps.locale, 'import.stopped', { error: error instanceof Error ? error.message : String(error) }).slice(0, 1000);
      await db
        .update(imports)
        .set({ status: 'failed', error: reason, finishedAt: now, updatedAt: now })
        .where(and(eq(imports.id, Number(job.payload.importId)), eq(imports.status, 'running')));
    },
  };
}

async function runBatch(tx: Tx, deps: ImportDeps, importId: number, now: Date): Promise<void> {
  const [current] = await tx.select().from(imports).where(eq(imports.id, importId)).for('update').limit(1);
  if (current?.status !== 'running') return;
  const staff = current.staffUserId ? await principal(tx, current.staffUserId) : null;
  const actor = staff ? staffActor(staff) : ({ kind: 'system' } as const);
  const batch = await tx
    .select({ row: importRows.row, fields: importRows.fields })
    .from(importRows)
    .where(and(eq(importRows.importId, importId), eq(importRows.outcome, 'pending')))
    .orderBy(asc(importRows.row))
    .limit(IMPORT_BATCH + 1);
  const rows = batch.slice(0, IMPORT_BATCH);
  const counts = { imported: 0, duplicates: 0, failed: 0 };
  const options = {
    locale: deps.locale,
    phoneRegion: deps.phoneRegion,
    now,
    atLocalTime: (date: string, minute: number) => deps.calendar.atLocalTime(date, minute),
  };

  // Each row read once; then the batch's locks and its duplicate lookup in one statement each,
  // and every row's outcome in one update at the end (a row cost ~17 round trips before).
  const readings = rows.map(({ row, fields }) => ({ row, fields, reading: readImportRow((fields ?? {}) as RowFields, options) }));
  const keys = [...new Set(readings.flatMap(({ reading }) => (reading.ok ? [reading.request.dedupeKey] : [])))].sort();
  const seen = new Set<string>();
  if (keys.length > 0) {
    // Two imports of the same request at once take turns here (in one order, so they cannot deadlock); the unique index is the last word.
    await tx.execute(
      sql`select pg_advisory_xact_lock(${IMPORT_KEY_LOCK_CLASS}, hashtext(k))
          from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb) as k order by hashtext(k), k`,
    );
    const already = await tx
      .select({ key: importRows.dedupeKey })
      .from(importRows)
      .where(and(inArray(importRows.dedupeKey, keys), eq(importRows.outcome, 'imported')));
    for (const { key } of already) if (key) seen.add(key);
  }

  const outcomes: RowOutcome[] = [];
  for (const { row, fields, reading } of readings) {
    if (!reading.ok) {
      counts.failed++;
      outcomes.push({ row, outcome: 'failed', reason: reading.reason, dedupeKey: null, caseId: null });
      continue;
    }
    const request = reading.request;
    if (seen.has(request.dedupeKey)) {
      counts.duplicates++;
      outcomes.push({ row, outcome: 'duplicate', reason: null, dedupeKey: request.dedupeKey, caseId: null });
      continue;
    }
    // The same request twice in one file: the second is a duplicate of the first.
    seen.add(request.dedupeKey);
    const classification = deps.classify(request.description);
    const opened = await openOfflineCase(
      tx,
      actor,
      {
        channel: 'redes',
        type: classification.type,
        category: classification.category,
        confidence: classification.confidence,
        description: request.description,
        address: request.address,
        name: request.name,
        phone: request.phone,
        email: undefined,
      },
      deps.caseSettings,
      request.openedAt,
    );
    const caseId = opened.case.id;
    await recordCaseEvent(
      tx,
      caseId,
      'case.imported',
      actor,
      { importId, row, network: request.network ?? null, date: (fields as RowFields | null)?.date ?? null },
      now,
    );
    // The phone centre calls each citizen back; a row without a usable phone has nobody to call.
    if (request.phone) {
      const red = request.network ?? t(deps.locale, 'import.networks');
      await requestCallback(tx, staff, caseId, t(deps.locale, 'import.callback_reason', { red, id: importId, row }), now, deps.calendar);
    }
    counts.imported++;
    outcomes.push({
      row,
      outcome: 'imported',
      caseId,
      dedupeKey: request.dedupeKey,
      reason: request.warnings.length > 0 ? request.warnings.join('; ') : null,
    });
  }
  if (outcomes.length > 0) await recordOutcomes(tx, importId, outcomes);

  const processed = current.processed + rows.length;
  const more = batch.length > IMPORT_BATCH;
  await tx
    .update(imports)
    .set({
      processed,
      imported: current.imported + counts.imported,
      duplicates: current.duplicates + counts.duplicates,
      failed: current.failed + counts.failed,
      updatedAt: now,
      ...(more ? {} : { status: 'done' as const, finishedAt: now }),
    })
    .where(eq(imports.id, importId));
  if (more) await enqueueBatch(tx, importId, processed);
  // The cases keep the names and phones now; the rows need only their outcome.
  else await tx.update(importRows).set({ fields: null }).where(eq(importRows.importId, importId));
}

interface RowOutcome {
  row: number;
  outcome: 'imported' | 'duplicate' | 'failed';
  reason: string | null;
  dedupeKey: string | null;
  caseId: number | null;
}

/** The batch's row outcomes in one statement. */
async function recordOutcomes(tx: Tx, importId: number, outcomes: readonly RowOutcome[]): Promise<void> {
  await tx.execute(sql`
    update import_rows as r
    set outcome = o.outcome, reason = o.reason, dedupe_key = o."dedupeKey", case_id = o."caseId"
    from jsonb_to_recordset(${JSON.stringify(outcomes)}::jsonb) as o("row" int, outcome text, reason text, "dedupeKey" text, "caseId" bigint)
    where r.import_id = ${importId} and r.row = o."row"`);
}

async function principal(tx: Tx, id: number): Promise<StaffPrincipal | null> {
  const [user] = await tx
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffUsers.role,
      departmentId: staffUsers.departmentId,
    })
    .from(staffUsers)
    .where(eq(staffUsers.id, id))
    .limit(1);
  return user ?? null;
}

/** Ids of the cases an import opened, for tests and tools. */
export async function casesOfImport(db: Db, id: number): Promise<number[]> {
  const rows = await db
    .select({ caseId: importRows.caseId })
    .from(importRows)
    .where(and(eq(importRows.importId, id), inArray(importRows.outcome, ['imported'])))
    .orderBy(asc(importRows.row));
  return rows.map((r) => r.caseId!).filter(Boolean);
}
