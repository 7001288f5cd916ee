import { z } from 'zod';

/**
 * What outside text may carry that PostgreSQL refuses: NUL (no text or jsonb value holds it) and
 * unpaired UTF-16 surrogates (no UTF-8 encodes them; jsonb rejects their escapes). Other C0
 * controls are stored fine but are never something a person typed, and they break the logs and
 * the console; they go too. Tab, line feed and carriage return stay.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this module's job
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: as above
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether `text` can be stored and shown as it is. */
export function isStorableText(text: string): boolean {
  return !UNSTORABLE.test(text);
}

/** `text` without what cannot be stored: controls dropped, a lone surrogate becomes U+FFFD (as any UTF-8 encoder would write it). */
export function storableText(text: string): string {
  if (isStorableText(text)) return text;
  return text.replace(CONTROLS, '').replace(LONE_SURROGATE, '\uFFFD');
}

/**
 * Every string in a parsed JSON value (object keys too) made storable, in place; the rest is kept
 * as it is. Applied where outside JSON enters (HTTP bodies, webhooks), so nothing downstream must
 * remember it. Iterative: a body nested thousands deep must not exhaust the stack.
 */
export function storableStrings<T>(value: T): T {
  if (typeof value === 'string') return storableText(value) as T;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const node = pending.pop();
    if (node === null || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'string') node[i] = storableText(item);
        else pending.push(item);
      }
      continue;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const item = record[key];
      const cleaned = typeof item === 'string' ? storableText(item) : item;
      if (typeof item !== 'string') pending.push(item);
      const cleanKey = storableText(key);
      if (cleanKey !== key) delete record[key];
      // defineProperty, not assignment: a key cleaned into "__proto__" must stay a plain key.
      if (cleanKey !== key || cleaned !== item)
        Object.defineProperty(record, cleanKey, { value: cleaned, enumerable: true, writable: true, configurable: true });
    }
  }
  return value;
}

/** A string field from outside: cleaned (see `storableText`) before its other checks run. */
export const storableString = () => z.string().overwrite(storableText);
