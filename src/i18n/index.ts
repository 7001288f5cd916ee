import { en } from './en.js';
import { esTu } from './es-tu.js';
import { es, type MessageKey } from './es.js';
import { formatMessage } from './message-format.js';

export type { MessageKey };
export { selectPlural } from './message-format.js';
export const LOCALES = ['es', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** How Spanish addresses the citizen: «usted» (the default, as a municipality writes) or «tú». English has one register. */
export const TONES = ['usted', 'tu'] as const;
export type Tone = (typeof TONES)[number];

const catalogues: Record<Tone, Record<Locale, Readonly<Record<MessageKey, string>>>> = {
  usted: { es, en },
  tu: { es: { ...es, ...esTu }, en },
};

/**
 * The register is chosen once, when the app is built from its Config (buildApp calls setTone). It is
 * module state rather than a parameter because `t` is called from some 150 places across every layer
 * with only a locale at hand, and the register is one fact of the whole installation, like its language
 * files: threading it through each call would change every signature for a value that never varies.
 */
let activeTone: Tone = 'usted';

export function setTone(tone: Tone): void {
  activeTone = tone;
}

export function currentTone(): Tone {
  return activeTone;
}

/** Fills `{name}` placeholders and `{n, plural, one {…} other {…}}`; unknown placeholders stay visible so a typo shows up in review. */
export function interpolate(template: string, params: Record<string, string | number> = {}, locale: Locale = 'es'): string {
  return formatMessage(template, params, locale);
}

export function t(locale: Locale, key: MessageKey, params?: Record<string, string | number>): string {
  return formatMessage(catalogues[activeTone][locale][key], params, locale);
}

/** Picks the first supported language of an Accept-Language header, else the fallback. */
export function negotiateLocale(header: string | undefined, fallback: Locale): Locale {
  if (!header) return fallback;
  for (const part of header.split(',')) {
    const tag = part.split(';')[0]?.trim().toLowerCase().slice(0, 2);
    if (tag && (LOCALES as readonly string[]).includes(tag)) return tag as Locale;
  }
  return fallback;
}

export function catalogue(locale: Locale, tone: Tone = activeTone): Readonly<Record<MessageKey, string>> {
  return catalogues[tone][locale];
}

/**
 * Which strings a citizen reads (chat, Telegram, WhatsApp, SMS, mail answers, notices, surveys, call-back
 * messages and the errors the public chat API returns): these must keep one register. Staff strings
 * (the console, staff mails, the command line) are outside it.
 */
const CITIZEN_PREFIXES = [
  'chat.',
  'telegram.',
  'whatsapp.',
  'sms.',
  'email.',
  'case.',
  'follow_up.notice.',
  'follow_up.survey.',
  'callback.',
  'status_page.',
];
const CITIZEN_ERRORS = new Set<string>([
  'error.invalid_input',
  'error.invalid_json',
  'error.empty_message',
  'error.message_too_long',
  'error.not_found',
  'error.conversation_not_found',
  'error.payload_too_large',
  'error.unsupported_media_type',
  'error.too_many_requests',
  'error.internal',
  'error.database_unavailable',
  'error.route_not_found',
]);
/** Under a citizen prefix but read by staff: the QR code the office phone scans is printed on the server's console. */
const STAFF_UNDER_CITIZEN_PREFIX = new Set<string>(['whatsapp.scan_qr']);

export function isCitizenFacing(key: string): boolean {
  if (STAFF_UNDER_CITIZEN_PREFIX.has(key)) return false;
  return CITIZEN_ERRORS.has(key) || CITIZEN_PREFIXES.some((prefix) => key.startsWith(prefix));
}

export const citizenFacingKeys = (): MessageKey[] => (Object.keys(es) as MessageKey[]).filter(isCitizenFacing);
