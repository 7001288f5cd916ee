import type { ClusterSettings } from './cases/clusters.js';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { DatabaseTarget } from './db/client.js';
import { LOCALES, TONES, type Tone } from './i18n/index.js';
import { parseBusinessHours, type BusinessHours } from './business-hours.js';
import { parseWhatsAppTemplates, type WhatsAppTemplates } from './messages/templates.js';
import { RegistrationFieldList, type RegistrationField } from './citizens/registration.js';
import { CASE_TYPES, type CaseType } from './cases/case-type.js';
import { GeoPoint } from './places/distance.js';

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyToUndefined, z.string().optional());

/** A value read by one of our parsers: what it throws becomes the variable's validation issue. */
function parsedBy<I, T>(parse: (value: I) => T) {
  return (value: I, ctx: z.RefinementCtx): T => {
    try {
      return parse(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  };
}

const EnvSchema = z.object({
  PORT: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(65535).default(3000)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  PUBLIC_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  DATABASE_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_POOL_SIZE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100).default(10)),
  WORKERS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(64).default(1)),
  ADMIN_EMAIL: z.preprocess(emptyToUndefined, z.email().default('admin@ventanilla.local')),
  ADMIN_PASSWORD: z.preprocess(emptyToUndefined, z.string().min(10, 'al menos 10 caracteres').optional()),
  LOCALE: z.preprocess(emptyToUndefined, z.enum(LOCALES).default('es')),
  /** How the Spanish texts address the citizen, everywhere a citizen reads: «usted» or «tú». */
  TONE: z.preprocess(
    emptyToUndefined,
    z.enum(TONES, { error: 'usted o tu: cómo se le habla al ciudadano en el chat, el correo y los avisos' }).default('usted'),
  ),
  TIMEZONE: z.preprocess(
    emptyToUndefined,
    z.string().default('America/Mexico_City').refine(isTimeZone, 'zona horaria IANA desconocida (p. ej. America/Mexico_City)'),
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
  /** The phone centre's registration fields asked in Abrir caso (birthdate, sex, birthplace, address); none by default, to keep little personal data. */
  CITIZEN_REGISTRATION_FIELDS: z.preprocess(emptyToUndefined, z.string().default('').pipe(RegistrationFieldList)),
  /** Said at once when a citizen tells of danger now (a fire, someone injured, a gas leak). */
  EMERGENCY_PHONE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[0-9 +()-]{2,20}$/, 'un número de teléfono')
      .default('911'),
  ),
  /** The municipality's Protección Civil, said beside the emergency number when set. */
  CIVIL_PROTECTION_PHONE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[0-9 +()-]{2,20}$/, 'un número de teléfono')
      .optional(),
  ),
  /** Where a phone written without "+" is read: an ISO 3166 country code (MX, AR, ES…). */
  PHONE_REGION: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('MX')
      .transform((value) => value.toUpperCase())
      .refine(isSupportedCountry, 'código de país ISO de dos letras (p. ej. MX, AR, ES)')
      .transform((value) => value as CountryCode),
  ),
  /**
   * The municipality's own street, colony and landmark names: JSON, names only (see
   * docs/examples/gazetteer.example.json), or CSV, names with coordinates for the geocoder (see
   * docs/examples/gazetteer.example.csv).
   */
  GAZETTEER_FILE: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((path) => /\.(json|csv)$/i.test(path), 'un archivo .json (solo nombres) o .csv (nombres y coordenadas)')
      .optional(),
  ),
  /** A Nominatim-compatible geocoder (e.g. a self-hosted Nominatim), asked for what the gazetteer does not know. */
  GEOCODER_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  /** The countries the geocoder may answer in: ISO 3166 codes separated by commas (mx, or mx,gt). */
  GEOCODER_COUNTRY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((value) => value.toLowerCase().replace(/\s+/g, ''))
      .refine((value) => /^[a-z]{2}(,[a-z]{2})*$/.test(value), 'códigos de país ISO de dos letras separados por comas (p. ej. mx)')
      .transform((value) => value.split(','))
      .optional(),
  ),
  GEOCODER_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(100).max(60_000).default(2000)),
  /** Reports of one problem joined into one case the department works (issue 20): `false` keeps every report on its own. */
  CLUSTERS: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('true')),
  /** How near two reports must be to be one problem, where the category sets no radius. */
  CLUSTER_RADIUS_M: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(5000).default(100)),
  /** How many days an open report keeps gathering the new reports of its problem. */
  CLUSTER_WINDOW_DAYS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(365).default(30)),
  BUSINESS_HOURS: z.preprocess(emptyToUndefined, z.string().default('lun-vie 08:00-15:00').transform(parsedBy(parseBusinessHours))),
  DIALOG_SCRIPT: optionalString,
  /** The municipality's catalogue of procedures (JSON, see src/seed/catalogue.es.json); the bundled example when unset. */
  CATALOGUE_FILE: optionalString,
  /** The municipality's follow-up rules (JSON, see src/seed/follow-up-policy.json): terms, holidays, reminders, digests. */
  FOLLOW_UP_POLICY: optionalString,
  /**
   * How often each instance looks for due jobs (timed follow-ups, retries); new work is announced
   * at once by NOTIFY. OUTBOX_POLL_MS and SCHEDULER_POLL_MS, from before the two queues became
   * one, are still read: the smallest set value wins.
   */
  QUEUE_POLL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(50).max(600_000).optional()),
  SCHEDULER_POLL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(50).max(600_000).optional()),
  SESSION_TTL_HOURS: z.preprocess(emptyToUndefined, z.coerce.number().min(0.1).max(720).default(12)),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')),
  /** `json` (one object a line, for machines) or `pretty` (coloured lines, for people at a terminal). */
  LOG_FORMAT: z.preprocess(emptyToUndefined, z.enum(['json', 'pretty'], { error: 'json o pretty' }).default('json')),
  /** Unset, GET /metrics answers only the addresses of METRICS_ALLOW (this machine by default); set, it asks for it as a bearer token. */
  METRICS_TOKEN: z.preprocess(emptyToUndefined, z.string().min(16, 'al menos 16 caracteres').optional()),
  /** Addresses or CIDR ranges that may read GET /metrics, separated by commas; unset: only this machine, or anyone holding METRICS_TOKEN. */
  METRICS_ALLOW: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean),
      )
      .refine(
        (parts) => parts.length > 0 && parts.every(isAddressRange),
        'direcciones IP o rangos CIDR separados por comas (p. ej. 10.0.0.0/8,::1)',
      )
      .optional(),
  ),
  OUTBOX_POLL_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(50).max(600_000).optional()),
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
        return value
          .split(',')
          .map((part) => part.trim())
          .filter(Boolean);
      }),
  ),
  WEBCHAT_NEW_CONVERSATIONS_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(30)),
  WEBCHAT_MESSAGES_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(40)),
  /** Folios looked up on the public status page (/estado) per IP address per minute: a citizen needs a few; walking the sequence needs many. */
  STATUS_PAGE_LOOKUPS_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(100_000).default(20)),
  // Telegram channel (src/channels/telegram): off unless a bot token is set.
  TELEGRAM_BOT_TOKEN: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{1,20}:[A-Za-z0-9_-]{20,100}$/, 'el token que da @BotFather, como 123456789:AAH…')
      .optional(),
  ),
  TELEGRAM_MODE: z.preprocess(emptyToUndefined, z.enum(['polling', 'webhook']).default('polling')),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'de 1 a 256 caracteres: letras, dígitos, - o _')
      .optional(),
  ),
  TELEGRAM_API_ROOT: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).default('https://api.telegram.org')),
  // --- WhatsApp (src/channels/whatsapp) ---
  WHATSAPP_MODE: z.preprocess(emptyToUndefined, z.enum(['off', 'cloud', 'web']).default('off')),
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_PHONE_NUMBER_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\d{5,30}$/, 'el identificador numérico del número (Phone number ID)')
      .optional(),
  ),
  WHATSAPP_GRAPH_ROOT: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com')),
  WHATSAPP_GRAPH_VERSION: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^v\d+\.\d+$/, 'p. ej. v21.0')
      .default('v21.0'),
  ),
  /** Templates for messages outside the 24-hour window: JSON, or a path to a JSON file (see src/channels/whatsapp/templates.ts). */
  WHATSAPP_TEMPLATES: z.preprocess(emptyToUndefined, z.string().optional().transform(parsedBy(parseWhatsAppTemplates))),
  WHATSAPP_WEB_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1000).max(600_000).default(60_000)),
  CHROMIUM_PATH: z.preprocess(emptyToUndefined, z.string().default('/usr/bin/chromium')),
  // --- Email channel (active when SMTP_URL and EMAIL_FROM are set; IMAP_URL adds the inbox) ---
  IMAP_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^imaps?$/, error: 'imap://usuario:contraseña@servidor:puerto o imaps://…' })
      .transform(mailServer)
      .optional(),
  ),
  SMTP_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^smtps?$/, error: 'smtp://[usuario:contraseña@]servidor:puerto o smtps://…' })
      .transform(mailServer)
      .optional(),
  ),
  EMAIL_FROM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .optional()
      .transform((value, ctx) => (value === undefined ? undefined : parseMailbox(value, ctx))),
  ),
  IMAP_FOLDER: z.preprocess(emptyToUndefined, z.string().default('INBOX')),
  IMAP_FOLDER_DONE: z.preprocess(emptyToUndefined, z.string().default('Procesados')),
  /** How often the inbox is checked when the server has no IDLE, and the longest an IDLE is held before re-checking. */
  EMAIL_POLL_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().min(0.05).max(3600).default(60)),
  EMAIL_MAX_ATTACHMENT_MB: z.preprocess(emptyToUndefined, z.coerce.number().min(0.01).max(100).default(10)),
  EMAIL_ATTACHMENT_TYPES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('image/jpeg,image/png,image/gif,image/webp,image/heic,application/pdf')
      .transform((value) =>
        value
          .split(',')
          .map((part) => part.trim().toLowerCase())
          .filter(Boolean),
      ),
  ),
  /** Automatic answers one sender gets per hour at most; more mail is stored and opens cases, unanswered. */
  EMAIL_ANSWERS_PER_SENDER_PER_HOUR: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1000).default(5)),
  // --- SMS (src/channels/sms): off unless SMS_PROVIDER names a gateway ---
  SMS_PROVIDER: z.preprocess(emptyToUndefined, z.enum(['off', 'twilio', 'android-sms-gateway']).default('off')),
  TWILIO_ACCOUNT_SID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^AC[0-9a-fA-F]{32}$/, 'el Account SID de Twilio, AC seguido de 32 caracteres hexadecimales')
      .optional(),
  ),
  TWILIO_AUTH_TOKEN: optionalString,
  /** The sending number (E.164) or, instead, a Messaging Service. */
  TWILIO_FROM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^\+\d{6,15}$/, 'un número en formato E.164, p. ej. +525512345678')
      .optional(),
  ),
  TWILIO_MESSAGING_SERVICE_SID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^MG[0-9a-fA-F]{32}$/, 'el SID del Messaging Service, MG seguido de 32 caracteres hexadecimales')
      .optional(),
  ),
  TWILIO_API_ROOT: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).default('https://api.twilio.com')),
  /** The gateway's API root: the public cloud's, a private server's (…/3rdparty/v1) or the phone's own local server. */
  SMS_GATEWAY_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).default('https://api.sms-gate.app/3rdparty/v1')),
  SMS_GATEWAY_USER: optionalString,
  SMS_GATEWAY_PASSWORD: optionalString,
  /** The app's webhook signing key (Settings › Webhooks › Signing Key). */
  SMS_GATEWAY_SIGNING_KEY: optionalString,
  /** Opt-in: notices to citizens who left only a phone go by SMS (each costs a message or more). */
  SMS_CITIZEN_NOTICES: z.preprocess(emptyToUndefined, z.enum(['true', 'false']).default('false')),
  /** Where the weekly list of wrong numbers goes (the communications office finds the right ones). */
  COMMUNICATIONS_OFFICE_EMAIL: z.preprocess(emptyToUndefined, z.email().optional()),
  /** The case types Open311 lists publicly, comma-separated: reports by default (complaints often concern people). */
  OPEN311_PUBLIC_TYPES: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .default('reporte')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.enum(CASE_TYPES))),
  ),
  /** Service requests one Open311 key may file per minute. */
  OPEN311_REQUESTS_PER_MINUTE: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(10_000).default(30)),
  // --- The console's map (issue 20): without a tile server it draws the cases on a plain background ---
  /** A raster tile server: OpenStreetMap's, or the municipality's own; {s} (subdomain), {z}, {x} and {y} as Leaflet reads them. */
  MAP_TILE_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({
        protocol: /^https?$/,
        abort: true,
        error: 'una URL http(s) de teselas, p. ej. https://tile.openstreetmap.org/{z}/{x}/{y}.png',
      })
      .refine((url) => ['{z}', '{x}', '{y}'].every((part) => url.includes(part)), 'la URL lleva {z}, {x} y {y}')
      .refine(subdomainsFirst, '{s} solo como primera parte del servidor ({s}.servidor)')
      .optional(),
  ),
  MAP_TILE_ATTRIBUTION: z.preprocess(emptyToUndefined, z.string().max(300).default('© OpenStreetMap')),
  /** Where the map opens: "lat,lon"; unset, it fits the cases shown. */
  MAP_CENTER: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .transform((value, ctx) => {
        const [lat, lon, ...rest] = value.split(',').map((part) => Number(part.trim()));
        const point = GeoPoint.safeParse({ lat, lon });
        if (rest.length > 0 || !point.success) {
          ctx.addIssue({ code: 'custom', message: 'latitud,longitud en grados, p. ej. 27.0712,-109.4437' });
          return z.NEVER;
        }
        return point.data;
      })
      .optional(),
  ),
  /** Where the nightly backup is written (issue 21); unset, none is made. */
  BACKUP_DIR: optionalString,
  /** How many nightly backups are kept; older ones are deleted. */
  BACKUP_KEEP: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(365).default(7)),
  /** When the nightly backup runs, on TIMEZONE's clock. */
  BACKUP_AT: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'una hora HH:MM (p. ej. 03:00)')
      .default('03:00'),
  ),
  /** pg_dump and pg_restore for backups of a server database; found on PATH or in /usr/lib/postgresql/<versión>/bin when unset. */
  PG_DUMP: optionalString,
  PG_RESTORE: optionalString,
  MAP_ZOOM: z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(19).default(14)),
});

/** A mail server URL; user and password are URL-encoded in it, so they may hold any character. */
function mailServer(value: string): MailServer {
  const url = new URL(value);
  const secure = url.protocol.endsWith('s:');
  const imap = url.protocol.startsWith('imap');
  return {
    secure,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : imap ? (secure ? 993 : 143) : secure ? 465 : 587,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}

/** `atencion@municipio.gob.mx` or `Atención Ciudadana <atencion@municipio.gob.mx>`. */
function parseMailbox(value: string, ctx: z.RefinementCtx): { address: string; name: string | undefined } {
  const match = /^\s*(?:"?([^"<]*?)"?\s*<([^<>\s]+)>|([^<>\s]+))\s*$/.exec(value);
  const address = (match?.[2] ?? match?.[3])?.toLowerCase();
  if (!address || !z.email().safeParse(address).success) {
    ctx.addIssue({ code: 'custom', message: 'una dirección de correo, p. ej. "Atención Ciudadana <atencion@municipio.gob.mx>"' });
    return z.NEVER;
  }
  return { address, name: match?.[1]?.trim() || undefined };
}

/** `10.0.0.5`, `10.0.0.0/8`, `::1` or `fd00::/8`. */
function isAddressRange(value: string): boolean {
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export interface Config {
  /** The nightly backup (BACKUP_DIR, BACKUP_KEEP, BACKUP_AT); absent, there is none. */
  backup: { dir: string; keep: number; at: string } | undefined;
  /** pg_dump and pg_restore as configured (PG_DUMP, PG_RESTORE); looked for when unset. */
  pgTools: { dump: string | undefined; restore: string | undefined };
  port: number;
  /** Ventanilla processes sharing the port (node:cluster), each a full instance on the same PostgreSQL. */
  workers: number;
  host: string;
  publicUrl: string | undefined;
  dataDir: string;
  database: DatabaseTarget;
  adminEmail: string;
  adminPassword: string | undefined;
  locale: (typeof LOCALES)[number];
  /** The register of every Spanish text a citizen reads (chat, mail, notices); English has none. */
  tone: Tone;
  timeZone: string;
  municipalityName: string | undefined;
  folioPrefix: string;
  caseDueDays: number;
  /** The registration fields Abrir caso asks for, in their order; empty unless configured. */
  citizenRegistrationFields: readonly RegistrationField[];
  emergencyPhone: string;
  civilProtectionPhone: string | undefined;
  phoneRegion: CountryCode;
  gazetteerPath: string | undefined;
  /** The external geocoder beside the gazetteer; `url` absent when none is configured. */
  geocoder: { url: string | undefined; countryCodes: string[] | undefined; timeoutMs: number };
  /** Undefined when CLUSTERS=false. */
  clusters: ClusterSettings | undefined;
  businessHours: BusinessHours;
  dialogScriptPath: string | undefined;
  cataloguePath: string | undefined;
  followUpPolicyPath: string | undefined;
  queuePollMs: number;
  sessionTtlMs: number;
  logLevel: string;
  logFormat: 'json' | 'pretty';
  /** GET /metrics: the bearer token it asks for, and the addresses it answers (undefined: this machine, or anyone when a token is set). */
  metrics: { token: string | undefined; allow: string[] | undefined };
  rateLimits: { newConversationsPerMinute: number; messagesPerMinute: number };
  /** The public status page of a folio (/estado). */
  statusPage: { lookupsPerMinute: number };
  trustProxy: boolean | number | string[];
  /** Present when TELEGRAM_BOT_TOKEN is set. */
  telegram: TelegramConfig | undefined;
  whatsapp: WhatsAppConfig;
  /** Absent unless SMTP_URL and EMAIL_FROM are set. */
  email: EmailConfig | undefined;
  /** Absent unless SMS_PROVIDER names a gateway. */
  sms: SmsConfig | undefined;
  communicationsOfficeEmail: string | undefined;
  open311: { publicTypes: CaseType[]; requestsPerMinute: number };
  map: MapConfig;
}

/** The console's map (MAP_*). */
export interface MapConfig {
  /** Absent unless MAP_TILE_URL is set: the map is then a plain background with the cases on it. */
  tiles: { url: string; attribution: string; origin: string } | undefined;
  /** MAP_CENTER; absent, the map fits its cases. */
  center: GeoPoint | undefined;
  zoom: number;
}

/** A tile server's name may vary only in its first label (`{s}.tile.example.org`): the policy can allow that, and nothing else. */
function subdomainsFirst(url: string): boolean {
  try {
    return !/[{}]/.test(new URL(url).host.replace(/^\{s\}\./, ''));
  } catch {
    return false;
  }
}

/** The tile server as a policy source: its origin, `https://*.host` when tiles come from {s} subdomains. */
function tileOrigin(url: string): string {
  return new URL(url).origin.replace('{s}', '*');
}

export type SmsConfig =
  | {
      provider: 'twilio';
      /** Opt-in: notices to phone-only citizens go by SMS. */
      citizenNotices: boolean;
      accountSid: string;
      authToken: string;
      from: string | undefined;
      messagingServiceSid: string | undefined;
      apiRoot: string;
    }
  | {
      provider: 'android-sms-gateway';
      citizenNotices: boolean;
      url: string;
      user: string;
      password: string;
      signingKey: string;
    };

/** A gateway cannot run with half its credentials; say which ones are missing. */
function smsIssues(e: z.infer<typeof EnvSchema>): string[] {
  const missing = (names: ReadonlyArray<keyof typeof e>) =>
    names.filter((name) => !e[name]).map((name) => `${name}="": obligatorio con SMS_PROVIDER=${e.SMS_PROVIDER}`);
  if (e.SMS_PROVIDER === 'twilio') {
    const issues = missing(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN']);
    if (!e.TWILIO_FROM && !e.TWILIO_MESSAGING_SERVICE_SID)
      issues.push('TWILIO_FROM="": obligatorio con SMS_PROVIDER=twilio (o TWILIO_MESSAGING_SERVICE_SID)');
    return issues;
  }
  if (e.SMS_PROVIDER === 'android-sms-gateway') return missing(['SMS_GATEWAY_USER', 'SMS_GATEWAY_PASSWORD', 'SMS_GATEWAY_SIGNING_KEY']);
  return [];
}

function smsConfig(e: z.infer<typeof EnvSchema>): SmsConfig | undefined {
  const citizenNotices = e.SMS_CITIZEN_NOTICES === 'true';
  if (e.SMS_PROVIDER === 'twilio')
    return {
      provider: 'twilio',
      citizenNotices,
      accountSid: e.TWILIO_ACCOUNT_SID!,
      authToken: e.TWILIO_AUTH_TOKEN!,
      from: e.TWILIO_FROM,
      messagingServiceSid: e.TWILIO_MESSAGING_SERVICE_SID,
      apiRoot: e.TWILIO_API_ROOT.replace(/\/+$/, ''),
    };
  if (e.SMS_PROVIDER === 'android-sms-gateway')
    return {
      provider: 'android-sms-gateway',
      citizenNotices,
      url: e.SMS_GATEWAY_URL.replace(/\/+$/, ''),
      user: e.SMS_GATEWAY_USER!,
      password: e.SMS_GATEWAY_PASSWORD!,
      signingKey: e.SMS_GATEWAY_SIGNING_KEY!,
    };
  return undefined;
}

export interface TelegramConfig {
  botToken: string;
  mode: 'polling' | 'webhook';
  webhookSecret: string | undefined;
  apiRoot: string;
}

export interface WhatsAppConfig {
  mode: 'off' | 'cloud' | 'web';
  verifyToken: string | undefined;
  appSecret: string | undefined;
  accessToken: string | undefined;
  phoneNumberId: string | undefined;
  graphRoot: string;
  graphVersion: string;
  templates: WhatsAppTemplates;
  webTimeoutMs: number;
  chromiumPath: string;
}

/** Cloud mode cannot run with half its credentials; say which ones are missing. */
function whatsAppIssues(e: z.infer<typeof EnvSchema>): string[] {
  if (e.WHATSAPP_MODE !== 'cloud') return [];
  const required = ['WHATSAPP_VERIFY_TOKEN', 'WHATSAPP_APP_SECRET', 'WHATSAPP_ACCESS_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID'] as const;
  return required.filter((name) => !e[name]).map((name) => `${name}="": obligatorio con WHATSAPP_MODE=cloud`);
}

export interface MailServer {
  secure: boolean;
  host: string;
  port: number;
  user: string | undefined;
  password: string | undefined;
}

export interface EmailConfig {
  /** Absent: Ventanilla sends mail (answers, routing sheets) but reads no inbox. */
  imap: MailServer | undefined;
  smtp: MailServer;
  from: { address: string; name: string | undefined };
  folder: string;
  folderDone: string;
  pollMs: number;
  maxAttachmentBytes: number;
  attachmentTypes: string[];
  answersPerSenderPerHour: number;
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
  if (e.TELEGRAM_BOT_TOKEN && e.TELEGRAM_MODE === 'webhook' && !e.TELEGRAM_WEBHOOK_SECRET) {
    throw new ConfigError([
      'TELEGRAM_WEBHOOK_SECRET="": obligatorio con TELEGRAM_MODE=webhook (Telegram lo envía en cada llamada y así se rechazan las falsas)',
    ]);
  }
  const missing = [...whatsAppIssues(e), ...smsIssues(e)];
  if (missing.length > 0) throw new ConfigError(missing);
  if (e.IMAP_URL && !(e.SMTP_URL && e.EMAIL_FROM)) {
    throw new ConfigError([`IMAP_URL: el canal de correo necesita también SMTP_URL y EMAIL_FROM para responder`]);
  }
  if (e.IMAP_FOLDER === e.IMAP_FOLDER_DONE)
    throw new ConfigError([`IMAP_FOLDER_DONE=${JSON.stringify(e.IMAP_FOLDER_DONE)}: debe ser otra carpeta que IMAP_FOLDER`]);
  if (Boolean(e.SMTP_URL) !== Boolean(e.EMAIL_FROM)) {
    throw new ConfigError([
      `${e.SMTP_URL ? 'EMAIL_FROM' : 'SMTP_URL'}: SMTP_URL y EMAIL_FROM van juntos (el servidor que envía y la dirección que firma)`,
    ]);
  }
  if (e.WORKERS > 1 && !e.DATABASE_URL)
    throw new ConfigError([
      `WORKERS=${e.WORKERS}: varios procesos necesitan un servidor PostgreSQL (DATABASE_URL); la base integrada es de un solo proceso`,
    ]);
  const dataDir = resolve(e.DATA_DIR);
  return Object.freeze({
    backup: e.BACKUP_DIR ? { dir: resolve(e.BACKUP_DIR), keep: e.BACKUP_KEEP, at: e.BACKUP_AT } : undefined,
    pgTools: { dump: e.PG_DUMP, restore: e.PG_RESTORE },
    port: e.PORT,
    workers: e.WORKERS,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: resolve(dataDir, 'pgdata') },
    adminEmail: e.ADMIN_EMAIL.toLowerCase(),
    adminPassword: e.ADMIN_PASSWORD,
    locale: e.LOCALE,
    tone: e.TONE,
    timeZone: e.TIMEZONE,
    municipalityName: e.MUNICIPALITY_NAME,
    folioPrefix: e.FOLIO_PREFIX,
    caseDueDays: e.CASE_DUE_DAYS,
    citizenRegistrationFields: e.CITIZEN_REGISTRATION_FIELDS,
    emergencyPhone: e.EMERGENCY_PHONE,
    civilProtectionPhone: e.CIVIL_PROTECTION_PHONE,
    phoneRegion: e.PHONE_REGION,
    gazetteerPath: e.GAZETTEER_FILE,
    geocoder: { url: e.GEOCODER_URL?.replace(/\/+$/, ''), countryCodes: e.GEOCODER_COUNTRY, timeoutMs: e.GEOCODER_TIMEOUT_MS },
    clusters: e.CLUSTERS === 'true' ? { defaultRadiusM: e.CLUSTER_RADIUS_M, windowDays: e.CLUSTER_WINDOW_DAYS } : undefined,
    businessHours: e.BUSINESS_HOURS,
    dialogScriptPath: e.DIALOG_SCRIPT ? resolve(e.DIALOG_SCRIPT) : undefined,
    cataloguePath: e.CATALOGUE_FILE ? resolve(e.CATALOGUE_FILE) : undefined,
    followUpPolicyPath: e.FOLLOW_UP_POLICY ? resolve(e.FOLLOW_UP_POLICY) : undefined,
    queuePollMs: queuePollMs([e.QUEUE_POLL_MS, e.OUTBOX_POLL_MS, e.SCHEDULER_POLL_MS]),
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    metrics: { token: e.METRICS_TOKEN, allow: e.METRICS_ALLOW },
    trustProxy: e.TRUST_PROXY,
    rateLimits: { newConversationsPerMinute: e.WEBCHAT_NEW_CONVERSATIONS_PER_MINUTE, messagesPerMinute: e.WEBCHAT_MESSAGES_PER_MINUTE },
    statusPage: { lookupsPerMinute: e.STATUS_PAGE_LOOKUPS_PER_MINUTE },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          botToken: e.TELEGRAM_BOT_TOKEN,
          mode: e.TELEGRAM_MODE,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
        }
      : undefined,
    whatsapp: {
      mode: e.WHATSAPP_MODE,
      verifyToken: e.WHATSAPP_VERIFY_TOKEN,
      appSecret: e.WHATSAPP_APP_SECRET,
      accessToken: e.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: e.WHATSAPP_PHONE_NUMBER_ID,
      graphRoot: e.WHATSAPP_GRAPH_ROOT.replace(/\/+$/, ''),
      graphVersion: e.WHATSAPP_GRAPH_VERSION,
      templates: e.WHATSAPP_TEMPLATES,
      webTimeoutMs: e.WHATSAPP_WEB_TIMEOUT_MS,
      chromiumPath: e.CHROMIUM_PATH,
    },
    email:
      e.SMTP_URL && e.EMAIL_FROM
        ? {
            imap: e.IMAP_URL,
            smtp: e.SMTP_URL,
            from: e.EMAIL_FROM,
            folder: e.IMAP_FOLDER,
            folderDone: e.IMAP_FOLDER_DONE,
            pollMs: Math.round(e.EMAIL_POLL_SECONDS * 1000),
            maxAttachmentBytes: Math.round(e.EMAIL_MAX_ATTACHMENT_MB * 1024 * 1024),
            attachmentTypes: e.EMAIL_ATTACHMENT_TYPES,
            answersPerSenderPerHour: e.EMAIL_ANSWERS_PER_SENDER_PER_HOUR,
          }
        : undefined,
    sms: smsConfig(e),
    communicationsOfficeEmail: e.COMMUNICATIONS_OFFICE_EMAIL?.toLowerCase(),
    open311: { publicTypes: e.OPEN311_PUBLIC_TYPES, requestsPerMinute: e.OPEN311_REQUESTS_PER_MINUTE },
    map: {
      tiles: e.MAP_TILE_URL ? { url: e.MAP_TILE_URL, attribution: e.MAP_TILE_ATTRIBUTION, origin: tileOrigin(e.MAP_TILE_URL) } : undefined,
      center: e.MAP_CENTER,
      zoom: e.MAP_ZOOM,
    },
  } satisfies Config);
}

/** The smallest poll interval set, under any of its names; one second when none is. */
function queuePollMs(settings: ReadonlyArray<number | undefined>): number {
  const set = settings.filter((ms): ms is number => ms !== undefined);
  return set.length > 0 ? Math.min(...set) : 1000;
}
