import { existsSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { createTelegramClient, TelegramRefused } from '../channels/telegram/client.js';
import type { Config, MailServer } from '../config.js';
import { type Database, migrationsFolder, openDatabase, queryRows } from '../db/client.js';
import { DataDirInUse } from '../db/data-dir-lock.js';
import { type MessageKey, t } from '../i18n/index.js';

/**
 * `ventanilla doctor` and the console's Diagnóstico page (issue 21): is the configuration
 * complete, does every configured channel accept its credentials, does the database answer and
 * is there room on the disk. Each check answers a result with the fix in the IT person's words;
 * none throws and each network check has its own timeout, so one dead server delays the report
 * by a few seconds and hides nothing else.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  /** Stable name of what was checked: `config`, `database`, `disk`, `telegram`, `whatsapp`, `imap`, `smtp`, `sms`. */
  id: string;
  status: CheckStatus;
  message: string;
  /** What to do about a warning or a failure. */
  fix?: string;
}

export interface DoctorOptions {
  /** The server's own database (the console): checked without opening another connection. */
  database?: Database;
  /** Per network check; 5 s by default. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 5_000;
const GIB = 1024 ** 3;

/** Every check the configuration calls for, in the order they are shown. */
export async function runChecks(config: Readonly<Config>, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const say = (key: MessageKey, params?: Record<string, string | number>) => t(config.locale, key, params);
  const checks: Array<[string, () => Promise<CheckResult>]> = [
    ['database', () => checkDatabase(config, options.database, timeoutMs, say)],
    ['disk', async () => checkDisk(config.dataDir, say)],
  ];
  const { telegram, whatsapp, email, sms } = config;
  if (telegram) checks.push(['telegram', () => checkTelegram(telegram, timeoutMs, say)]);
  if (whatsapp.mode === 'cloud') checks.push(['whatsapp', () => checkWhatsApp(whatsapp, timeoutMs, say)]);
  if (email?.imap) checks.push(['imap', () => checkImap(email.imap!, email, timeoutMs, say)]);
  if (email) checks.push(['smtp', () => checkSmtp(email.smtp, timeoutMs, say)]);
  if (sms) checks.push(['sms', () => checkSms(sms, timeoutMs, say)]);
  // The checks are independent: run side by side, so the report takes as long as its slowest.
  return Promise.all(checks.map(([id, check]) => check().catch((error: unknown) => unexpected(id, error, say))));
}

/** The result for a valid configuration, or one failure per problem loadConfig found. */
export function configResults(locale: Config['locale'], issues: readonly string[]): CheckResult[] {
  if (issues.length === 0) return [{ id: 'config', status: 'ok', message: t(locale, 'doctor.config.ok') }];
  return issues.map((issue) => ({ id: 'config', status: 'fail', message: issue, fix: t(locale, 'doctor.config.fix') }));
}

/** One line per check, as the terminal shows it. */
export function formatResult(result: CheckResult): string {
  const mark = result.status === 'ok' ? '✔' : result.status === 'warn' ? '⚠' : '✖';
  return `${mark} ${result.message}${result.fix ? `: ${result.fix}` : ''}`;
}

export const hasFailure = (results: readonly CheckResult[]) => results.some((r) => r.status === 'fail');

type Say = (key: MessageKey, params?: Record<string, string | number>) => string;

function unexpected(id: string, error: unknown, say: Say): CheckResult {
  return { id, status: 'fail', message: say('doctor.unexpected', { reason: reasonOf(error) }) };
}

const NETWORK_CODE =
  /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|CERT_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT)\b/;

/** The system's own error code where there is one (nodemailer wraps it in ESOCKET), else the message. */
function reasonOf(error: unknown): string {
  const e = error as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const text = `${e?.cause?.code ?? ''} ${e?.code ?? ''} ${e?.cause?.message ?? ''} ${e?.message ?? ''}`;
  const network = NETWORK_CODE.exec(text)?.[1];
  return String(network ?? e?.cause?.code ?? e?.code ?? e?.cause?.message ?? e?.message ?? error).slice(0, 300);
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what}: timeout ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// --- Database ---------------------------------------------------------------------------------

async function checkDatabase(config: Readonly<Config>, own: Database | undefined, timeoutMs: number, say: Say): Promise<CheckResult> {
  const target = own?.target ?? config.database;
  const where = target.kind === 'pglite' ? (target.dataDir ?? '(memoria)') : new URL(target.url).host;
  let database = own;
  if (!database) {
    // The doctor creates nothing: a folder without a database is one the first start fills.
    if (target.kind === 'pglite' && target.dataDir && !existsSync(join(target.dataDir, 'PG_VERSION')))
      return { id: 'database', status: 'warn', message: say('doctor.database.empty', { where }), fix: say('doctor.database.empty_fix') };
    try {
      database = await withTimeout(openDatabase(target), Math.max(timeoutMs, 30_000), 'database');
    } catch (error) {
      if (error instanceof DataDirInUse)
        return {
          id: 'database',
          status: 'warn',
          message: say('doctor.database.in_use', { where }),
          fix: say('doctor.database.in_use_fix'),
        };
      return failedDatabase(target.kind, where, error, say);
    }
  }
  try {
    await database.ping(timeoutMs);
    const pending = await withTimeout(pendingMigrations(database), timeoutMs, 'database');
    if (pending > 0)
      return {
        id: 'database',
        status: 'warn',
        message: say('doctor.database.pending', { where, count: pending }),
        fix: say('doctor.database.pending_fix'),
      };
    return { id: 'database', status: 'ok', message: say('doctor.database.ok', { where }) };
  } catch (error) {
    return failedDatabase(target.kind, where, error, say);
  } finally {
    if (!own) await database.close().catch(() => undefined);
  }
}

function failedDatabase(kind: 'pglite' | 'postgres', where: string, error: unknown, say: Say): CheckResult {
  const reason = reasonOf(error);
  const fix =
    kind === 'pglite'
      ? say('doctor.database.pglite_fix')
      : /28P01|password|authentication/i.test(reason)
        ? say('doctor.database.auth_fix')
        : say('doctor.database.server_fix');
  return { id: 'database', status: 'fail', message: say('doctor.database.fail', { where, reason }), fix };
}

/** Migrations shipped with this version that the database has not applied (drizzle records each by its timestamp). */
async function pendingMigrations(database: Database): Promise<number> {
  const shipped = readMigrationFiles({ migrationsFolder });
  const [table] = await queryRows<{ name: string | null }>(
    database.db,
    sql`select to_regclass('drizzle.__drizzle_migrations')::text as name`,
  );
  if (!table?.name) return shipped.length;
  const rows = await queryRows<{ last: string | number | null }>(
    database.db,
    sql`select max(created_at) as last from drizzle.__drizzle_migrations`,
  );
  const last = Number(rows[0]?.last ?? 0);
  return shipped.filter((migration) => migration.folderMillis > last).length;
}

// --- Disk -------------------------------------------------------------------------------------

function checkDisk(dataDir: string, say: Say): CheckResult {
  // DATA_DIR may not exist before the first start: measure the disk it will be on.
  let dir = dataDir;
  while (!existsSync(dir) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    const stats = statfsSync(dir);
    const free = stats.bavail * stats.bsize;
    const total = stats.blocks * stats.bsize;
    const share = total > 0 ? free / total : 1;
    const params = { dir: dataDir, free: (free / GIB).toFixed(1), percent: Math.round(share * 100) };
    if (free < 0.2 * GIB) return { id: 'disk', status: 'fail', message: say('doctor.disk.low', params), fix: say('doctor.disk.fix') };
    if (free < GIB || share < 0.1)
      return { id: 'disk', status: 'warn', message: say('doctor.disk.low', params), fix: say('doctor.disk.fix') };
    return { id: 'disk', status: 'ok', message: say('doctor.disk.ok', params) };
  } catch (error) {
    return { id: 'disk', status: 'warn', message: say('doctor.disk.unknown', { dir: dataDir, reason: reasonOf(error) }) };
  }
}

// --- Telegram ---------------------------------------------------------------------------------

async function checkTelegram(telegram: NonNullable<Config['telegram']>, timeoutMs: number, say: Say): Promise<CheckResult> {
  const client = createTelegramClient({ token: telegram.botToken, apiRoot: telegram.apiRoot });
  try {
    const me = await client.call<{ username?: string }>('getMe', {}, { timeoutMs });
    return { id: 'telegram', status: 'ok', message: say('doctor.telegram.ok', { bot: me.username ?? '?' }) };
  } catch (error) {
    if (error instanceof TelegramRefused) {
      // A token Telegram does not know answers 401; one that is not even well-formed, 404.
      const badToken = error.code === 401 || error.code === 404;
      return {
        id: 'telegram',
        status: 'fail',
        message: say(badToken ? 'doctor.telegram.refused' : 'doctor.telegram.error', { code: error.code, reason: error.description }),
        fix: say(badToken ? 'doctor.telegram.refused_fix' : 'doctor.telegram.error_fix'),
      };
    }
    return {
      id: 'telegram',
      status: 'fail',
      message: say('doctor.unreachable', { what: 'Telegram', where: telegram.apiRoot, reason: reasonOf(error) }),
      fix: say('doctor.telegram.unreachable_fix'),
    };
  }
}

// --- WhatsApp Cloud API -----------------------------------------------------------------------

async function checkWhatsApp(whatsapp: Config['whatsapp'], timeoutMs: number, say: Say): Promise<CheckResult> {
  const url = `${whatsapp.graphRoot}/${whatsapp.graphVersion}/${encodeURIComponent(whatsapp.phoneNumberId ?? '')}?fields=display_phone_number,verified_name`;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${whatsapp.accessToken ?? ''}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return {
      id: 'whatsapp',
      status: 'fail',
      message: say('doctor.unreachable', { what: 'WhatsApp Cloud API', where: whatsapp.graphRoot, reason: reasonOf(error) }),
      fix: say('doctor.whatsapp.unreachable_fix'),
    };
  }
  const json = (await response.json().catch(() => null)) as {
    display_phone_number?: string;
    verified_name?: string;
    error?: { code?: number; message?: string };
  } | null;
  if (response.ok)
    return {
      id: 'whatsapp',
      status: 'ok',
      message: say('doctor.whatsapp.ok', {
        number: json?.display_phone_number ?? whatsapp.phoneNumberId ?? '',
        name: json?.verified_name ?? '',
      }),
    };
  const code = json?.error?.code;
  const reason = json?.error?.message ?? response.statusText;
  // 190: the token is invalid or expired; 100 with 400/404: no such object, that is, the phone number id.
  const badToken = response.status === 401 || code === 190;
  const badId = !badToken && (code === 100 || response.status === 404);
  return {
    id: 'whatsapp',
    status: 'fail',
    message: say(badToken ? 'doctor.whatsapp.token' : badId ? 'doctor.whatsapp.phone_id' : 'doctor.whatsapp.error', {
      status: response.status,
      id: whatsapp.phoneNumberId ?? '',
      reason,
    }),
    fix: say(badToken ? 'doctor.whatsapp.token_fix' : badId ? 'doctor.whatsapp.phone_id_fix' : 'doctor.whatsapp.error_fix'),
  };
}

// --- Email ------------------------------------------------------------------------------------

const isAuthError = (error: unknown) => {
  const e = error as { authenticationFailed?: boolean; code?: string; responseCode?: number };
  return e?.authenticationFailed === true || e?.code === 'EAUTH' || e?.responseCode === 535;
};

async function checkImap(server: MailServer, email: NonNullable<Config['email']>, timeoutMs: number, say: Say): Promise<CheckResult> {
  const where = `${server.host}:${server.port}`;
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: server.secure,
    auth: { user: server.user ?? '', pass: server.password ?? '' },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs * 2,
  });
  // A dropped connection emits 'error'; unheard, it would end the process.
  client.on('error', () => undefined);
  try {
    await withTimeout(client.connect(), timeoutMs * 2, 'IMAP');
    const folders = await withTimeout(client.list(), timeoutMs, 'IMAP');
    const paths = new Set(folders.map((f) => f.path));
    if (!paths.has(email.folder))
      return {
        id: 'imap',
        status: 'fail',
        message: say('doctor.imap.no_folder', { folder: email.folder, where }),
        fix: say('doctor.imap.no_folder_fix', { folders: [...paths].join(', ') }),
      };
    return {
      id: 'imap',
      status: 'ok',
      message: say(paths.has(email.folderDone) ? 'doctor.imap.ok' : 'doctor.imap.ok_done_missing', {
        where,
        folder: email.folder,
        done: email.folderDone,
      }),
    };
  } catch (error) {
    if (isAuthError(error))
      return { id: 'imap', status: 'fail', message: say('doctor.imap.auth', { where }), fix: say('doctor.imap.auth_fix') };
    return {
      id: 'imap',
      status: 'fail',
      message: say('doctor.unreachable', { what: 'IMAP', where, reason: reasonOf(error) }),
      fix: say('doctor.imap.unreachable_fix'),
    };
  } finally {
    await withTimeout(client.logout(), 1000, 'IMAP').catch(() => client.close());
  }
}

async function checkSmtp(server: MailServer, timeoutMs: number, say: Say): Promise<CheckResult> {
  const where = `${server.host}:${server.port}`;
  const transport = nodemailer.createTransport({
    host: server.host,
    port: server.port,
    secure: server.secure,
    ...(server.user ? { auth: { user: server.user, pass: server.password ?? '' } } : {}),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  try {
    await withTimeout(transport.verify(), timeoutMs * 2, 'SMTP');
    return { id: 'smtp', status: 'ok', message: say('doctor.smtp.ok', { where }) };
  } catch (error) {
    if (isAuthError(error))
      return { id: 'smtp', status: 'fail', message: say('doctor.smtp.auth', { where }), fix: say('doctor.smtp.auth_fix') };
    return {
      id: 'smtp',
      status: 'fail',
      message: say('doctor.unreachable', { what: 'SMTP', where, reason: reasonOf(error) }),
      fix: say('doctor.smtp.unreachable_fix'),
    };
  } finally {
    transport.close();
  }
}

// --- SMS --------------------------------------------------------------------------------------

async function checkSms(sms: NonNullable<Config['sms']>, timeoutMs: number, say: Say): Promise<CheckResult> {
  const twilio = sms.provider === 'twilio';
  const what = twilio ? 'Twilio' : 'SMS gateway';
  // Twilio: the account itself (GET Accounts/{sid}.json). The gateway has no such resource on
  // every server, so a message that does not exist is asked for: 404 means the login was accepted.
  const url = twilio
    ? `${sms.apiRoot}/2010-04-01/Accounts/${encodeURIComponent(sms.accountSid)}.json`
    : `${sms.url}/messages/ventanilla-doctor`;
  const auth = twilio ? `${sms.accountSid}:${sms.authToken}` : `${sms.user}:${sms.password}`;
  const where = twilio ? sms.apiRoot : sms.url;
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Basic ${Buffer.from(auth).toString('base64')}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    return {
      id: 'sms',
      status: 'fail',
      message: say('doctor.unreachable', { what, where, reason: reasonOf(error) }),
      fix: say(twilio ? 'doctor.sms.twilio_unreachable_fix' : 'doctor.sms.gateway_unreachable_fix'),
    };
  }
  const json = (await response.json().catch(() => null)) as { status?: string; friendly_name?: string; message?: string } | null;
  if (response.status === 401 || response.status === 403)
    return {
      id: 'sms',
      status: 'fail',
      message: say('doctor.sms.refused', { what, status: response.status }),
      fix: say(twilio ? 'doctor.sms.twilio_fix' : 'doctor.sms.gateway_fix'),
    };
  if (twilio) {
    if (!response.ok)
      return {
        id: 'sms',
        status: 'fail',
        message: say('doctor.sms.error', { what, status: response.status, reason: json?.message ?? response.statusText }),
        fix: say('doctor.sms.twilio_fix'),
      };
    if (json?.status && json.status !== 'active')
      return {
        id: 'sms',
        status: 'fail',
        message: say('doctor.sms.twilio_inactive', { status: json.status }),
        fix: say('doctor.sms.twilio_inactive_fix'),
      };
    return { id: 'sms', status: 'ok', message: say('doctor.sms.ok', { what, name: json?.friendly_name ?? sms.accountSid }) };
  }
  if (response.status >= 500)
    return {
      id: 'sms',
      status: 'fail',
      message: say('doctor.sms.error', { what, status: response.status, reason: json?.message ?? response.statusText }),
      fix: say('doctor.sms.gateway_unreachable_fix'),
    };
  return { id: 'sms', status: 'ok', message: say('doctor.sms.ok', { what, name: sms.url }) };
}
