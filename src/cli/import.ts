import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BusinessCalendar } from '../calendar/business-calendar.js';
import { loadFollowUpPolicy } from '../cases/follow-up/policy.js';
import { operatorConfig, operatorDatabase } from './operator-database.js';
import { t, type MessageKey } from '../i18n/index.js';
import { createImport, IMPORT_JOB, importKind, importStatus, MAX_IMPORT_BYTES, type ImportStatusView } from '../imports/imports.js';
import { readSpreadsheet, SheetRefused } from '../imports/spreadsheet.js';
import { JobQueue } from '../queue/queue.js';
import { seedDefaults } from '../seed/seed.js';
import { classify } from '../understanding/classify.js';

/**
 * `ventanilla import FILE`: the console's import for the server's operator, on the configured
 * database (with the embedded one the server must be stopped). The rows go through the same job
 * kind the server runs; progress goes to stderr and the summary, shaped as the API's status, to
 * stdout. Exit 0 when the import ran to its end (bad rows included), 1 when the file was refused.
 */
export async function runImport(
  args: string[],
  out: (line: string) => void,
  err: (line: string) => void,
  env?: NodeJS.ProcessEnv,
): Promise<number> {
  const config = operatorConfig(err, env);
  if (!config) return 1;
  const { locale } = config;
  const say = (key: MessageKey, params?: Record<string, string | number>) => t(locale, key, params);
  const file = args.filter((arg) => !arg.startsWith('--'))[0];
  if (!file || args.length !== 1) {
    err(say('cli.import.usage'));
    return 2;
  }
  let bytes: Buffer;
  try {
    if ((await stat(file)).size > MAX_IMPORT_BYTES) {
      err(say('error.import_too_large', { max: `${MAX_IMPORT_BYTES / 1024 / 1024} MB` }));
      return 1;
    }
    bytes = await readFile(file);
  } catch (error) {
    err(say('cli.import.unreadable', { file, reason: (error as Error).message }));
    return 1;
  }
  let sheet: Awaited<ReturnType<typeof readSpreadsheet>>;
  try {
    sheet = await readSpreadsheet(bytes);
  } catch (error) {
    if (!(error instanceof SheetRefused)) throw error;
    err(say(error.problem === 'no_header' ? 'error.import_no_header' : 'error.import_not_spreadsheet'));
    return 1;
  }

  const database = await operatorDatabase(config, err);
  if (!database) return 1;
  try {
    // A data folder the server never opened still gets its departments and categories to route to.
    const seeded = await seedDefaults(database.db, { adminEmail: config.adminEmail, adminPassword: config.adminPassword });
    if (seeded.adminCreated?.generated)
      err(t(locale, 'start.admin_created', { email: seeded.adminCreated.email, password: seeded.adminCreated.password }));
    const policy = loadFollowUpPolicy(config.followUpPolicyPath);
    const calendar = new BusinessCalendar(config.timeZone, config.businessHours, policy.holidays);
    const caseSettings = {
      folioPrefix: config.folioPrefix,
      defaultDueDays: config.caseDueDays,
      timeZone: config.timeZone,
      terms: { policy, calendar, defaultDueDays: config.caseDueDays },
    };
    const id = await createImport(database.db, { staff: null, filename: basename(file), sheet, ip: null }, new Date());
    const queue = new JobQueue({
      db: database.db,
      kinds: new Map([[IMPORT_JOB, importKind({ classify, caseSettings, calendar, phoneRegion: config.phoneRegion, locale })]]),
      now: () => new Date(),
      logger: { warn: (obj, msg) => err(`${msg} ${JSON.stringify(obj)}`), error: (obj, msg) => err(`${msg} ${JSON.stringify(obj)}`) },
      pollMs: 1000,
    });
    let shown = -1;
    const report = async () => {
      const status = await importStatus(database.db, id);
      if (status.processed !== shown)
        err(
          say('cli.import.progress', {
            processed: status.processed,
            total: status.total,
            imported: status.imported,
            duplicates: status.duplicates,
            failed: status.failed.length,
          }),
        );
      shown = status.processed;
      return status;
    };
    // The job turns the event loop between batches, so this timer reports while the rows are worked.
    const timer = setInterval(() => void report().catch(() => undefined), 500);
    let status: ImportStatusView;
    try {
      do {
        await queue.runDue();
        status = await report();
      } while (status.status === 'running');
    } finally {
      clearInterval(timer);
    }
    out(JSON.stringify(summary(status)));
    return status.status === 'done' ? 0 : 1;
  } finally {
    await database.close();
  }
}

/** The API's status shape. */
const summary = (s: ImportStatusView) => ({
  id: s.id,
  status: s.status,
  total: s.total,
  processed: s.processed,
  imported: s.imported,
  duplicates: s.duplicates,
  failed: s.failed,
  warnings: s.warnings,
  ...(s.error ? { error: s.error } : {}),
});
