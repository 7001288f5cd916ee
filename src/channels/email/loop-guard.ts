/** Why an inbound email must get no automatic answer; `undefined` when it may get one. */
export type NoAnswerReason = 'auto_submitted' | 'precedence' | 'mailing_list' | 'null_sender' | 'mailer_daemon' | 'own_address' | 'bounce';

export interface LoopHeaders {
  /** Lowercased header name → raw value. */
  headers: ReadonlyMap<string, string>;
  /** The envelope sender as the server recorded it (`Return-Path`), `''` for the null sender. */
  returnPath: string | undefined;
  fromAddress: string | undefined;
  contentType: string | undefined;
}

/**
 * Mail loops (an auto-responder answering our auto-reply, forever) and bounces are the classic
 * failures of a mailbox robot (RFC 3834). Everything here is stored; it is just never answered.
 */
export function whyNotAnswer(mail: LoopHeaders, ownAddress: string): NoAnswerReason | undefined {
  const header = (name: string) => mail.headers.get(name)?.trim().toLowerCase();
  const from = mail.fromAddress?.toLowerCase();
  if (!from) return 'null_sender';
  if (mail.returnPath !== undefined && mail.returnPath.replace(/[<>\s]/g, '') === '') return 'null_sender';
  const local = from.split('@')[0] ?? '';
  if (local === 'mailer-daemon' || local === 'postmaster') return 'mailer_daemon';
  if (/multipart\/report/i.test(mail.contentType ?? '') && /delivery-status/i.test(mail.contentType ?? '')) return 'bounce';
  if (from === ownAddress.toLowerCase()) return 'own_address';
  const autoSubmitted = header('auto-submitted');
  if (autoSubmitted && autoSubmitted.split(';')[0]!.trim() !== 'no') return 'auto_submitted';
  if (header('x-autoreply') || header('x-autorespond')) return 'auto_submitted';
  const precedence = header('precedence');
  if (precedence && ['bulk', 'list', 'junk', 'auto_reply'].includes(precedence)) return 'precedence';
  if (header('list-id') || header('list-unsubscribe')) return 'mailing_list';
  return undefined;
}
