import { resolve } from 'node:path';
import { z } from 'zod';
import type { DatabaseTarget } from './db/client.js';
import { LOCALES } from './i18n/index.js';
import { parseBusinessHours, type BusinessHours } from './business-hours.js';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

const EnvSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  PUBLIC_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_POOL_SIZE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(10)),
  ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email().default('admin@ventanilla.local')),
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(10, 'al menos 10 caracteres').optional()),
  LOCALE: z.preprocess(emptyToUndefined, z.enum(LOCALES).default('es')),
  TIMEZONE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('America/Mexico_City')
      .refine(isTimeZone, 'zona horaria IANA desconocida (p. ej. America/Mexico_City)'),
  ),
  MUNICIPALITY_NAME: optionalString,
  FOLIO_PREFIX: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Z]{1,5}$/, 'de 1 a 5 letras mayúsculas')
      .default('AC'),
  ),
  CASE_DUE_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(365).default(30)),
  BUSINESS_HOURS: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('lun-vie 08:00-15:00')
      .transform((value, ctx) => {
        try {
          return parseBusinessHours(value);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: (error as Error).message });
          return z.NEVER;
        }
      }),
  ),
  DIALOG_SCRIPT: optionalString,
  /** The municipality's catalogue of procedures (JSON, see src/seed/catalogue.es.json); the bundled example when unset. */
  CATALOGUE_FILE: optionalString,
  SESSION_TTL_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().min(0.1).max(720).default(12)),
  LOG_LEVEL: z.preprocess(
    emptyToUndefined,
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  ),
  OUTBOX_POLL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(50).max(60_000).default(1000)),
  /** Who may set X-Forwarded-For: `false` (default: nobody), `true`, a hop count, or proxy addresses/CIDRs separated by commas. */
  TRUST_PROXY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('false')
      .transform((value): boolean | number | string[] => {
        if (value === 'false') return false;
        if (value === 'true') return true;
        if (/^\d+$/.test(value)) return Number(value);
        return value.split(',').map((part) => part.trim()).filter(Boolean);
      }),
  ),
  WEBCHAT_NEW_CONVERSATIONS_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(30)),
  WEBCHAT_MESSAGES_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(40)),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  dataDir: string;
  database: DatabaseTarget;
  adminEmail: string;
  adminPassword: string | undefined;
  locale: (typeof LOCALES)[number];
  timeZone: string;
  municipalityName: string | undefined;
  folioPrefix: string;
  caseDueDays: number;
  businessHours: BusinessHours;
  dialogScriptPath: string | undefined;
  cataloguePath: string | undefined;
  sessionTtlMs: number;
  logLevel: string;
  outboxPollMs: number;
  rateLimits: { newConversationsPerMinute: number; messagesPerMinute: number };
  trustProxy: boolean | number | string[];
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(issues.join('\n'));
    this.name = 'ConfigError';
  }
}

/** The only place that reads the environment; everything else receives a Config. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}=${JSON.stringify(env[String(issue.path[0])] ?? '')}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: resolve(dataDir, 'pgdata') },
    adminEmail: e.ADMIN_EMAIL.toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD,
    locale: e.LOCALE,
    timeZone: e.TIMEZONE,
    municipalityName: e.MUNICIPALITY_NAME,
    folioPrefix: e.FOLIO_PREFIX,
    caseDueDays: e.CASE_DUE_DAYS,
    businessHours: e.BUSINESS_HOURS,
    dialogScriptPath: e.DIALOG_SCRIPT ? resolve(e.DIALOG_SCRIPT) : undefined,
    cataloguePath: e.CATALOGUE_FILE ? resolve(e.CATALOGUE_FILE) : undefined,
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    logLevel: e.LOG_LEVEL,
    outboxPollMs: e.OUTBOX_POLL_MS,
    trustProxy: e.TRUST_PROXY,
    rateLimits: { newConversationsPerMinute: e.WEBCHAT_NEW_CONVERSATIONS_PER_MINUTE, messagesPerMinute: e.WEBCHAT_MESSAGES_PER_MINUTE },
  } satisfies Config);
}
