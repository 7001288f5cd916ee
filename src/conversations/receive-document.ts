import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { describeBusinessHours } from '../business-hours.js';
import { describeNextOpening } from '../calendar/next-opening.js';
import { answerPendingSurvey } from '../cases/satisfaction.js';
import type { Classification } from '../cases/classification.js';
import { recordCaseEvent } from '../cases/events.js';
import { openCase } from '../cases/open-case.js';
import { findCaseById, type CaseSummary } from '../cases/queries.js';
import { updateCitizenContact } from '../citizens/queries.js';
import { queryRows, type Db, type Executor, type Tx } from '../db/client.js';
import { attachments, citizens, conversationEvents, conversations, messages, type Conversation, type Message } from '../db/schema.js';
import { extractAddress } from '../dialogs/parsers/address.js';
import { extractFolio } from '../dialogs/parsers/folio.js';
import { extractName } from '../dialogs/parsers/name.js';
import { extractPhone } from '../dialogs/parsers/phone.js';
import { asksForInformation, isOnlyThanks, procedureSheet } from '../dialogs/engine.js';
import type { DialogScript } from '../dialogs/script-schema.js';
import type { Procedure } from '../catalogue/catalogue.js';
import { recordAttention } from '../understanding/attention-log.js';
import { t } from '../i18n/index.js';
import type { Attachment, Channel } from '../messages/inbound.js';
import { enqueueOutbound } from '../outbox/enqueue.js';
import { findStoredInbound, insertInboundOnce } from './stored-inbound.js';
import { calendarOf, type ConversationSettings, type ReplyView } from './service.js';

/**
 * A message that arrives whole, as an email does: no back-and-forth, so the dialog takes one
 * turn. It is stored, then either added to the case its thread belongs to, or it opens a case at
 * once with whatever could be extracted, and the one answer names the folio and what is missing.
 */
export interface DocumentInbound {
  channel: Channel;
  /** The sender's address, lowercased: the citizen's identity on this channel. */
  channelUserId: string;
  externalId: string;
  receivedAt: Date;
  senderName: string | undefined;
  subject: string;
  /** What the citizen wrote, quoted history and signature trimmed: what is classified and described. */
  text: string;
  attachments: Attachment[];
  /** Files that were not kept, named in the answer. */
  rejectedAttachments: Array<{ filename: string | undefined; reason: 'type' | 'size' | 'count' }>;
  /** The conversation key when this message starts (or continues) a thread of its own. */
  threadKey: string;
  /** Platform ids of earlier messages this one answers, newest first (In-Reply-To, References). */
  repliesTo: string[];
  /** Set when the message must get no automatic answer (auto-reply, bounce, list…); it is still stored. */
  noAnswer: string | undefined;
  /** Platform ids of our outbound messages this one reports undeliverable (a bounce). */
  undeliverable: string[];
  /** At most this many automatic answers per sender per hour (counted in the database). */
  answersPerHour: number;
  /** The attachment size limit, quoted when files were refused. */
  maxAttachmentBytes: number;
  /** Channel-specific details stored with the message (headers, the untrimmed text). */
  payload: Record<string, unknown>;
}

export interface DocumentResult {
  conversationId: string;
  inboundMessageId: number;
  duplicate: boolean;
  caseId: number | undefined;
  /** `opened` a new case, `added` to an existing one, `answered` from the catalogue, or `stored` only. */
  outcome: 'opened' | 'added' | 'answered' | 'stored';
  replies: ReplyView[];
}

export interface DocumentReceiverDeps {
  db: Db;
  script: DialogScript;
  settings: ConversationSettings;
  classify(text: string): Classification;
  now: () => Date;
  onEnqueued?: () => void;
  lockConversation(tx: Tx, key: { channel: string; conversationKey: string; channelUserId: string }): Promise<{ conversation: Conversation; created: boolean }>;
  toReplyView(message: Message): ReplyView;
  /** The catalogue procedure that answers a question; absent, every request becomes a case. */
  findProcedure?: ((text: string) => Procedure | undefined) | undefined;
}

const MAX_DESCRIPTION = 4000;

export function createDocumentReceiver(deps: DocumentReceiverDeps) {
  const { db, script, settings } = deps;
  const say = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t(settings.locale, key, { municipio: settings.municipalityName, ...params });

  return async function receiveDocument(inbound: DocumentInbound): Promise<DocumentResult> {
    const at = deps.now();
    const result = await db.transaction(async (tx) => {
      const target = await findThreadCase(tx, inbound);
      const conversationKey = target?.conversation.conversationKey ?? inbound.threadKey;
      const { conversation, created } = await deps.lockConversation(tx, { channel: inbound.channel, conversationKey, channelUserId: inbound.channelUserId });
      const stored = await insertInboundOnce(tx, {
        conversationId: conversation.id,
        channel: inbound.channel,
        externalId: inbound.externalId,
        text: inbound.text.slice(0, MAX_DESCRIPTION),
        payload: { ...inbound.payload, subject: inbound.subject },
        receivedAt: inbound.receivedAt,
      });
      if (!stored) return { duplicate: true as const, conversation, message: await findInbound(tx, inbound) };

      for (const file of inbound.attachments) {
        await tx.insert(attachments).values({ messageId: stored.id, kind: file.kind, contentType: file.contentType, filename: file.filename ?? null, sizeBytes: file.data.byteLength, data: file.data });
      }
      await tx.update(conversations).set({ lastInboundAt: at, updatedAt: at }).where(eq(conversations.id, conversation.id));

      if (inbound.noAnswer) {
        await markUndeliverable(tx, inbound, stored.id, at);
        await recordConversationEvent(tx, conversation.id, 'message.not_answered', { messageId: stored.id, reason: inbound.noAnswer });
        return { duplicate: false as const, conversation, message: stored, caseId: undefined, outcome: 'stored' as const, outbound: [] };
      }

      // A reply to "¿se resolvió tu caso?" (the quoted question already trimmed) is the survey's answer (issue 8).
      if (settings.terms) {
        const surveyReply = await answerPendingSurvey(tx, conversation.id, { text: inbound.text }, at, { terms: settings.terms, locale: settings.locale });
        if (surveyReply !== null) {
          const reply = await answer(tx, inbound, conversation, stored.id, undefined, [surveyReply]);
          return { duplicate: false as const, conversation, message: stored, caseId: undefined, outcome: 'answered' as const, outbound: reply ? [reply] : [] };
        }
      }

      const existing = target?.case ?? (await latestCase(tx, conversation.id));
      const attention = { conversationId: conversation.id, channel: inbound.channel, at };

      // Subject and body are what a new case is classified from, and what the catalogue is asked.
      const text = [inbound.subject, inbound.text].filter(Boolean).join('\n\n');
      const classification = existing ? undefined : deps.classify(text);
      // A question the catalogue answers is answered at once, with no case: the citizen replies to have one opened.
      const procedure = created && classification ? findAnswer(text, classification) : undefined;
      if (procedure) {
        const name = inbound.senderName && !inbound.senderName.includes('@') ? inbound.senderName : undefined;
        await updateCitizenContact(tx, conversation.citizenId, { name, email: inbound.channelUserId });
        await recordAttention(tx, { ...attention, kind: 'information_answered', detail: procedure.id });
        const lines = [say('email.catalogue_intro'), procedureSheet(script, procedure, { municipio: settings.municipalityName }), say('email.catalogue_follow_up')];
        const reply = await answer(tx, inbound, conversation, stored.id, undefined, lines);
        return { duplicate: false as const, conversation, message: stored, caseId: undefined, outcome: 'answered' as const, outbound: reply ? [reply] : [] };
      }
      // "Gracias" to an answer from the catalogue closes nothing and opens nothing.
      if (!existing && !created && isOnlyThanks(script, inbound.text)) {
        await recordConversationEvent(tx, conversation.id, 'message.not_answered', { messageId: stored.id, reason: 'thanks' });
        return { duplicate: false as const, conversation, message: stored, caseId: undefined, outcome: 'stored' as const, outbound: [] };
      }

      const lines: string[] = [];
      let caseId: number;
      let outcome: 'opened' | 'added';
      let folio: string;
      if (existing) {
        caseId = existing.id;
        folio = existing.folio;
        outcome = 'added';
        await tx.update(messages).set({ caseId }).where(eq(messages.id, stored.id));
        await tx.update(attachments).set({ caseId }).where(eq(attachments.messageId, stored.id));
        await recordCaseEvent(tx, caseId, 'case.message_added', { kind: 'citizen', id: String(conversation.citizenId) }, {
          messageId: stored.id,
          channel: inbound.channel,
          attachments: inbound.attachments.length,
        });
        // The answer asked for the place and the name: a reply that brings them completes the case.
        // A name is taken only when we had none: a sentence like "soy vecino…" must not overwrite the From header's.
        const [citizen] = await tx.select({ name: citizens.name }).from(citizens).where(eq(citizens.id, conversation.citizenId));
        await updateCitizenContact(tx, conversation.citizenId, { name: citizen?.name ? undefined : extractName(inbound.text), phone: extractPhone(inbound.text) });
        const address = existing.address ? undefined : extractAddress(inbound.text);
        if (address) {
          await tx.execute(sql`update cases set address = ${address}, updated_at = ${at} where id = ${caseId} and address is null`);
          await recordCaseEvent(tx, caseId, 'case.address_added', { kind: 'citizen', id: String(conversation.citizenId) }, { address, messageId: stored.id });
        }
        lines.push([say('email.message_added', { folio, dependencia: existing.department.name }), ...(address ? [say('email.address_noted', { direccion: address })] : [])].join(' '));
      } else {
        // Classified above: there is no case yet.
        const { type, category, confidence } = classification!;
        const name = inbound.senderName && !inbound.senderName.includes('@') ? inbound.senderName : extractName(inbound.text);
        const phone = extractPhone(inbound.text);
        const address = extractAddress(inbound.text) ?? extractAddress(inbound.subject);
        await updateCitizenContact(tx, conversation.citizenId, { name, phone, email: inbound.channelUserId });
        const opened = await openCase(
          tx,
          {
            type,
            category,
            description: (inbound.text || inbound.subject || say('email.no_text')).slice(0, MAX_DESCRIPTION),
            address,
            confidence,
            citizenId: conversation.citizenId,
            channel: inbound.channel,
            conversationId: conversation.id,
            actor: { kind: 'citizen', id: String(conversation.citizenId) },
          },
          settings,
          at,
        );
        caseId = opened.case.id;
        folio = opened.case.folio;
        outcome = 'opened';
        await recordAttention(tx, { ...attention, kind: 'case_opened', detail: opened.case.type, caseId });
        await tx.update(messages).set({ caseId }).where(eq(messages.id, stored.id));
        lines.push(
          say('email.case_opened', {
            folio,
            tipo: lowerFirst(script.typeLabels[opened.case.type]),
            dependencia: opened.departmentName,
            fechaLimite: formatDate(new Date(opened.case.dueAt.getTime() - 1), settings.locale, settings.timeZone),
          }),
        );
        const calendar = calendarOf(settings);
        if (!calendar.isOpen(at)) {
          lines.push(say('email.after_hours', { horario: describeBusinessHours(settings.businessHours, settings.locale), proxima: describeNextOpening(calendar, at, settings.locale) }));
        }
        const needsPlace = opened.case.type === 'reporte' || opened.case.type === 'queja';
        const missing = [
          ...(needsPlace && !address ? [say('email.missing_address')] : []),
          ...(!name ? [say('email.missing_name')] : []),
          ...(needsPlace && !inbound.attachments.some((a) => a.kind === 'photo') ? [say('email.missing_photo')] : []),
        ].slice(0, 2);
        if (missing.length > 0) lines.push([say('email.missing_intro'), ...missing].join('\n'));
      }
      if (inbound.rejectedAttachments.length > 0) {
        const list = inbound.rejectedAttachments.map((file) => file.filename ?? say('email.attachment_unnamed')).join(', ');
        lines.push(say('email.attachments_rejected', { lista: list, max: `${Math.round((inbound.maxAttachmentBytes / 1_048_576) * 10) / 10} MB` }));
      }
      if (outcome === 'opened') lines.push(say('email.keep_folio', { folio }));

      // Once a person handles the conversation, the robot stops acknowledging replies: staff answer them.
      const staffHandling = outcome === 'added' && (conversation.status === 'agent' || conversation.status === 'waiting_agent');
      const reply = staffHandling ? undefined : await answer(tx, inbound, conversation, stored.id, caseId, lines);
      if (staffHandling) await recordConversationEvent(tx, conversation.id, 'message.not_answered', { messageId: stored.id, reason: 'staff_handling' });
      return { duplicate: false as const, conversation, message: stored, caseId, outcome, outbound: reply ? [reply] : [] };
    });

    if (result.duplicate) {
      const previous = await db
        .select()
        .from(messages)
        .where(and(eq(messages.inReplyTo, result.message.id), eq(messages.direction, 'out')))
        .orderBy(messages.id);
      return {
        conversationId: result.conversation.id,
        inboundMessageId: result.message.id,
        duplicate: true,
        caseId: result.message.caseId ?? undefined,
        outcome: result.message.caseId ? 'added' : 'stored',
        replies: previous.map(deps.toReplyView),
      };
    }
    if (result.outbound.length > 0) deps.onEnqueued?.();
    return {
      conversationId: result.conversation.id,
      inboundMessageId: result.message.id,
      duplicate: false,
      caseId: result.caseId,
      outcome: result.outcome,
      replies: result.outbound.map(deps.toReplyView),
    };
  };

  function findAnswer(question: string, classification: Classification): Procedure | undefined {
    if (!deps.findProcedure || !script.catalogue) return undefined;
    return asksForInformation(question, classification) ? deps.findProcedure(question) : undefined;
  }

  /** The one automatic answer, unless the sender has had too many this hour. */
  async function answer(tx: Tx, inbound: DocumentInbound, conversation: Conversation, inboundId: number, caseId: number | undefined, lines: string[]): Promise<Message | undefined> {
    if (!(await mayAnswer(tx, inbound))) {
      await recordConversationEvent(tx, conversation.id, 'message.not_answered', { messageId: inboundId, reason: 'rate_limited' });
      return undefined;
    }
    const greeting = inbound.senderName && !inbound.senderName.includes('@') ? say('email.greeting_named', { nombre: inbound.senderName }) : say('email.greeting');
    const body = [greeting, ...lines, say('email.closing')].join('\n\n');
    return enqueueOutbound(tx, { conversationId: conversation.id, channel: inbound.channel, message: { text: body, author: 'bot' }, inReplyTo: inboundId, caseId });
  }

  /**
   * The case a reply belongs to: named by a message we sent (In-Reply-To/References) or by the
   * folio in the subject. Only for the citizen the case's conversation belongs to: an answer goes
   * to that address, so a stranger quoting a folio must not be able to join (and read) the thread.
   */
  async function findThreadCase(ex: Executor, inbound: DocumentInbound): Promise<{ conversation: Conversation; case: CaseSummary | null } | null> {
    if (inbound.repliesTo.length > 0) {
      const sent = await ex
        .select({ caseId: messages.caseId, conversation: conversations })
        .from(messages)
        .innerJoin(conversations, eq(conversations.id, messages.conversationId))
        .where(and(eq(messages.channel, inbound.channel), eq(messages.direction, 'out'), inArray(messages.externalId, inbound.repliesTo.slice(0, 50))))
        .orderBy(desc(messages.id))
        .limit(1);
      const hit = sent[0];
      if (hit && hit.conversation.channelUserId === inbound.channelUserId) {
        return { conversation: hit.conversation, case: hit.caseId ? await findCaseById(ex, hit.caseId) : await latestCase(ex, hit.conversation.id) };
      }
    }
    const folio = extractFolio(inbound.subject, settings.folioPrefix);
    if (folio) {
      const [row] = await queryRows<{ id: number }>(ex, sql`select id from cases where folio = ${folio} limit 1`);
      const found = row ? await findCaseById(ex, Number(row.id)) : null;
      if (found?.conversationId) {
        const [conversation] = await ex.select().from(conversations).where(eq(conversations.id, found.conversationId)).limit(1);
        if (conversation && conversation.channel === inbound.channel && conversation.channelUserId === inbound.channelUserId) return { conversation, case: found };
      }
    }
    return null;
  }

  async function latestCase(ex: Executor, conversationId: string): Promise<CaseSummary | null> {
    const [row] = await queryRows<{ id: number }>(ex, sql`select id from cases where conversation_id = ${conversationId} order by id desc limit 1`);
    return row ? findCaseById(ex, Number(row.id)) : null;
  }

  /** Answers per sender are counted in the database, so the limit holds across restarts and instances. */
  async function mayAnswer(ex: Executor, inbound: DocumentInbound): Promise<boolean> {
    const [row] = await queryRows<{ n: number }>(ex, sql`
      select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
      where c.channel = ${inbound.channel} and c.channel_user_id = ${inbound.channelUserId}
        and m.direction = 'out' and m.author = 'bot' and m.created_at > now() - interval '1 hour'`);
    return Number(row?.n ?? 0) < inbound.answersPerHour;
  }

  /** A bounce of our own mail: the message it returns is marked failed, visibly on its case. */
  async function markUndeliverable(tx: Tx, inbound: DocumentInbound, bounceId: number, at: Date) {
    if (inbound.undeliverable.length === 0) return;
    const failed = await tx
      .update(messages)
      .set({ deliveryStatus: 'failed', deliveryStatusAt: at, deliveryError: `rebote: ${inbound.subject}`.slice(0, 1000) })
      .where(and(eq(messages.channel, inbound.channel), eq(messages.direction, 'out'), inArray(messages.externalId, inbound.undeliverable.slice(0, 50))))
      .returning({ id: messages.id, caseId: messages.caseId });
    for (const message of failed) {
      if (message.caseId) await recordCaseEvent(tx, message.caseId, 'delivery.failed', { kind: 'system' }, { messageId: message.id, channel: inbound.channel, reason: 'bounce', bounceMessageId: bounceId });
    }
  }

  function findInbound(ex: Executor, inbound: DocumentInbound): Promise<Message> {
    return findStoredInbound(ex, inbound.channel, inbound.externalId);
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function formatDate(date: Date, locale: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'es' ? 'es-MX' : 'en-US', { dateStyle: 'long', timeZone }).format(date);
}

async function recordConversationEvent(ex: Executor, conversationId: string, type: string, data: Record<string, unknown>) {
  await ex.insert(conversationEvents).values({ conversationId, type, data });
}
