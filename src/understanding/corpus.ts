import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CaseType } from '../cases/case-type.js';
import { normalizeText } from '../language/normalize-text.js';
import { parseCsvRecords } from '../csv.js';

export interface LabelledText {
  text: string;
  type?: CaseType | undefined;
  category?: string | undefined;
}

/**
 * Reads `text,type,category` (the corpus) or `text,label` (where the label is a type or a
 * category code, told apart by the case types' names).
 */
export function readLabelledCsv(path: string): LabelledText[] {
  const rows = parseCsvRecords(readFileSync(path, 'utf8'));
  const columns = Object.keys(rows[0] ?? {});
  if (
    rows.length > 0 &&
    !(columns.includes('text') && (columns.includes('label') || columns.includes('type') || columns.includes('category')))
  ) {
    throw new Error(`${path}: needs columns text,label or text,type,category (found ${columns.join(',')})`);
  }
  return rows
    .filter((r) => r.text)
    .map((r, i) => {
      if ('label' in r) {
        const isType = CaseType.safeParse(r.label).success;
        return { text: r.text!, ...(isType ? { type: r.label as CaseType } : { category: r.label }) };
      }
      if (!('type' in r) && !('category' in r)) throw new Error(`${path}: needs columns text,label or text,type,category`);
      const type = r.type ? CaseType.parse(r.type, { error: () => `${path}: line ${i + 2}: "${r.type}" is not a case type` }) : undefined;
      return { text: r.text!, type, category: r.category || undefined };
    });
}

/** A one-column `text` file (the off-topic lines): every row is an example of the same kind. */
export function readTextCsv(path: string): string[] {
  const rows = parseCsvRecords(readFileSync(path, 'utf8'));
  if (rows.length > 0 && !('text' in rows[0]!)) throw new Error(`${path}: needs a text column`);
  return rows.map((r) => r.text!).filter(Boolean);
}

export const SPLIT_SEED = 'ventanilla-2026';
export const HELD_OUT_SHARE = 0.2;

/**
 * Whether an example belongs to the held-out split: a hash of the seed and the normalized
 * text, so the split is the same on every machine, and a duplicate written with other accents
 * or capitals lands on the same side as its twin.
 */
export function isHeldOut(text: string, seed = SPLIT_SEED, share = HELD_OUT_SHARE): boolean {
  const digest = createHash('sha256')
    .update(seed + '\0' + normalizeText(text))
    .digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < share;
}
