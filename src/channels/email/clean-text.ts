/**
 * The part of an email the citizen actually wrote: quoted history ("El … escribió:", "On … wrote:",
 * "-----Mensaje original-----", Outlook's "De: … Enviado:" block, "> " lines) and the signature
 * ("-- ", "Enviado desde mi iPhone") are cut before the text is classified. The full text is kept
 * elsewhere; this only decides what the classifier and the case description see.
 */
export function cleanEmailText(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    const trimmed = line.trim();
    if (startsHistory(lines, i)) break;
    if (line === '-- ' || trimmed === '--') break;
    if (SENT_FROM.test(trimmed)) break;
    if (trimmed.startsWith('>')) continue;
    kept.push(line.replace(/\s+$/, ''));
  }
  const cleaned = kept
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return cleaned === '' ? text.replace(/\r\n?/g, '\n').trim() : cleaned;
}

const WROTE = /^(?:el|on|le|am)\b.{0,300}(?:escribi[oó]|wrote|a écrit|schrieb)\s*:\s*$/i;
const ORIGINAL = /^-{2,}\s*(?:mensaje original|original message|mensaje reenviado|forwarded message)\s*-{2,}/i;
const HEADER_FROM = /^\*?(?:de|from)\s*:\*?\s*\S/i;
const HEADER_NEXT = /^\*?(?:enviado(?: el)?|sent|fecha|date|para|to|asunto|subject)\s*:/i;
const SENT_FROM = /^(?:enviado desde mi|sent from my|obtener outlook para)\b/i;

function startsHistory(lines: readonly string[], i: number): boolean {
  const line = (lines[i] as string).trim();
  if (ORIGINAL.test(line)) return true;
  // "El lun, 10 mar 2026 a las 10:00, Juan <juan@x.mx>" may wrap before "escribió:".
  if (WROTE.test(line) || (/^(?:el|on)\b/i.test(line) && WROTE.test(`${line} ${(lines[i + 1] ?? '').trim()}`))) return true;
  if (/^_{5,}$/.test(line) && HEADER_FROM.test((lines[i + 1] ?? '').trim())) return true;
  if (HEADER_FROM.test(line)) {
    for (let k = i + 1; k < Math.min(lines.length, i + 4); k++) if (HEADER_NEXT.test((lines[k] as string).trim())) return true;
  }
  return false;
}
