import { createHash } from 'node:crypto';
import { htmlToText } from 'html-to-text';
import { simpleParser, type AddressObject, type HeaderValue } from 'mailparser';
import { sniffImageType } from '../../messages/image-type.js';
import { cleanEmailText } from './clean-text.js';
import { whyNotAnswer, type NoAnswerReason } from './loop-guard.js';
import { storableText } from '../../messages/storable-text.js';

export interface AttachmentPolicy {
  maxBytes: number;
  /** Allowed content types, checked against what the bytes are, not what the mail claims. */
  types: readonly string[];
  maxCount: number;
}

export interface AcceptedAttachment {
  kind: 'photo' | 'document';
  contentType: string;
  filename: string | undefined;
  data: Uint8Array<ArrayBuffer>;
}

export interface RejectedAttachment {
  filename: string | undefined;
  contentType: string;
  reason: 'type' | 'size' | 'count';
}

/** One inbound email, reduced to what Ventanilla uses. */
export interface ParsedEmail {
  /** The Message-ID (or, without one, a hash of the headers): the dedup key of the delivery. */
  externalId: string;
  messageId: string | undefined;
  /** In-Reply-To first, then References newest first: the Message-IDs this mail answers. */
  threadIds: string[];
  /** The first Message-ID of the thread: the conversation key of a new thread. */
  threadRoot: string;
  subject: string;
  from: { address: string; name: string | undefined } | undefined;
  date: Date | undefined;
  /** What the citizen wrote, history and signature trimmed. */
  text: string;
  /** The whole body as text (HTML converted), kept so nothing is lost. */
  fullText: string;
  attachments: AcceptedAttachment[];
  rejected: RejectedAttachment[];
  noAnswer: NoAnswerReason | undefined;
  /** Message-IDs quoted inside a bounce (the mail that failed). */
  bouncedIds: string[];
}

const MAX_ID_LENGTH = 300;

export async function parseEmail(raw: Buffer, options: { ownAddress: string; attachments: AttachmentPolicy }): Promise<ParsedEmail> {
  // HTML is converted here rather than by mailparser, to keep paragraphs unwrapped and leave quotes out.
  const mail = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true, skipHtmlToText: true });
  // Every string below comes from the sender; each is made storable once, here, before anything reads it.
  mail.subject = mail.subject === undefined ? undefined : storableText(mail.subject);
  mail.messageId = mail.messageId === undefined ? undefined : storableText(mail.messageId);
  mail.inReplyTo = mail.inReplyTo === undefined ? undefined : storableText(mail.inReplyTo);
  if (mail.references !== undefined)
    mail.references = Array.isArray(mail.references) ? mail.references.map(storableText) : storableText(mail.references);
  if (typeof mail.text === 'string') mail.text = storableText(mail.text);
  if (typeof mail.html === 'string') mail.html = storableText(mail.html);
  const from = firstAddress(mail.from);
  const messageId = normalizeId(mail.messageId);
  const references = (Array.isArray(mail.references) ? mail.references : mail.references ? [mail.references] : [])
    .flatMap((value) => value.split(/\s+/))
    .map(normalizeId)
    .filter((id): id is string => id !== undefined);
  const inReplyTo = normalizeId(mail.inReplyTo?.split(/\s+/)[0]);
  const threadIds = unique([...(inReplyTo ? [inReplyTo] : []), ...references.slice().reverse()]);
  const headerText = headerBlock(raw);
  const externalId =
    messageId && messageId.length <= MAX_ID_LENGTH ? messageId : `sha256:${createHash('sha256').update(headerText).digest('hex')}`;

  const plain = (mail.text ?? '').trim();
  const html = plain === '' && typeof mail.html === 'string' ? mail.html : undefined;
  const fullText = html ? readableHtml(html, true) : plain;
  const written = html ? readableHtml(html, false) : plain;
  const headers = new Map<string, string>();
  for (const [name, value] of mail.headers) headers.set(name.toLowerCase(), headerString(value));
  const returnPath = /^return-path:\s*(.*)$/im.exec(headerText)?.[1];
  const noAnswer = whyNotAnswer(
    { headers, returnPath, fromAddress: from?.address, contentType: headerContentType(headerText) },
    options.ownAddress,
  );

  const attachments: AcceptedAttachment[] = [];
  const rejected: RejectedAttachment[] = [];
  for (const part of mail.attachments) {
    // Parts of a bounce report (the returned message, its headers) are not the citizen's files.
    if (
      part.contentType === 'message/rfc822' ||
      part.contentType === 'text/rfc822-headers' ||
      part.contentType === 'message/delivery-status'
    )
      continue;
    const filename = part.filename ? storableText(part.filename).slice(0, 255) : undefined;
    const claimed = storableText(part.contentType);
    const data = new Uint8Array(part.content);
    const actual = sniffImageType(data) ?? (isPdf(data) ? 'application/pdf' : undefined);
    if (!actual || !options.attachments.types.includes(actual)) rejected.push({ filename, contentType: claimed, reason: 'type' });
    else if (data.byteLength > options.attachments.maxBytes) rejected.push({ filename, contentType: actual, reason: 'size' });
    else if (attachments.length >= options.attachments.maxCount) rejected.push({ filename, contentType: actual, reason: 'count' });
    else attachments.push({ kind: actual === 'application/pdf' ? 'document' : 'photo', contentType: actual, filename, data });
  }

  return {
    externalId,
    messageId,
    threadIds,
    threadRoot: references[0] ?? inReplyTo ?? externalId,
    subject: (mail.subject ?? '').replace(/\s+/g, ' ').trim(),
    from,
    date: mail.date,
    text: cleanEmailText(written),
    fullText,
    attachments,
    rejected,
    noAnswer,
    bouncedIds: noAnswer === 'bounce' || noAnswer === 'mailer_daemon' || noAnswer === 'null_sender' ? quotedMessageIds(raw, messageId) : [],
  };
}

const HTML_LIMIT = 2_000_000;

/** HTML-only mail as text a person (and the classifier) reads: no wrapping, links without URLs, quotes optional. */
function readableHtml(html: string, withQuotes: boolean): string {
  if (html.length > HTML_LIMIT) return '';
  try {
    return htmlToText(html, {
      wordwrap: false,
      selectors: [
        { selector: 'a', options: { ignoreHref: true } },
        { selector: 'img', format: 'skip' },
        { selector: 'h1', options: { uppercase: false } },
        { selector: 'h2', options: { uppercase: false } },
        { selector: 'h3', options: { uppercase: false } },
        { selector: 'table', format: 'dataTable' },
        // Gmail, Apple Mail and Thunderbird put the quoted history in a blockquote.
        ...(withQuotes
          ? []
          : [
              { selector: 'blockquote', format: 'skip' },
              { selector: '.gmail_quote', format: 'skip' },
              { selector: '#divRplyFwdMsg', format: 'skip' },
            ]),
      ],
    }).trim();
  } catch {
    return '';
  }
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): ParsedEmail['from'] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  for (const group of list) {
    for (const entry of group.value) {
      if (entry.address)
        return { address: storableText(entry.address.toLowerCase()), name: storableText(entry.name?.trim() ?? '') || undefined };
    }
  }
  return undefined;
}

/** Message-IDs compared without angle brackets or surrounding space, as servers and clients differ there. */
export function normalizeId(value: string | undefined): string | undefined {
  const id = value?.trim().replace(/^<|>$/g, '').trim();
  return id ? `<${id}>` : undefined;
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function headerBlock(raw: Buffer): string {
  const text = raw.subarray(0, 256 * 1024).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return end === -1 ? text : text.slice(0, end);
}

function headerContentType(headerText: string): string | undefined {
  return /^content-type:\s*((?:.*)(?:\r?\n[ \t].*)*)/im.exec(headerText)?.[1]?.replace(/\s+/g, ' ');
}

function headerString(value: HeaderValue): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
  if (value && typeof value === 'object' && 'value' in value) return String((value as { value: unknown }).value);
  return String(value);
}

function isPdf(data: Uint8Array): boolean {
  return data[0] === 0x25 && data[1] === 0x50 && data[2] === 0x44 && data[3] === 0x46; // %PDF
}

/** The Message-IDs a bounce quotes from the returned message's headers. */
function quotedMessageIds(raw: Buffer, own: string | undefined): string[] {
  const text = raw.subarray(0, 1024 * 1024).toString('latin1');
  const ids = [...text.matchAll(/^message-id:\s*(<[^>\s]+>)/gim)].map((m) => normalizeId(storableText(m[1] ?? '')));
  return unique(ids.filter((id): id is string => id !== undefined && id !== own));
}
