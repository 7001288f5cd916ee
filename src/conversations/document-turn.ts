import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import { describeBusinessHours } from '../business-hours.js';
import { describeNextOpening } from '../calendar/next-opening.js';
import { recordCaseEvent } from '../cases/events.js';
import { findCaseById, type CaseSummary } from '../cases/queries.js';
import { answerPendingSurvey } from '../cases/satisfaction.js';
import { withStatusLink } from '../cases/status-link.js';
import { updateCitizenContact } from '../citizens/queries.js';
import { queryRows, type Executor, type Tx } from '../db/client.js';
import { attachments, citizens, conversations, messages, type Conversation, type Message } from '../db/schema.js';
import { readDocument, type DocumentContext, type MissingField } from '../dialogs/document.js';
import { extractFolio } from '../dialogs/parsers/folio.js';
import type { DialogScript } from '../dialogs/script-schema.js';
import type { DomainEvents } from '../events/domain-events.js';
import { interpolate, t } from '../i18n/index.js';
import type { DocumentInbound } from '../messages/document.js';
import { recordAttention } from '../understanding/attention-log.js';
import { enqueueReplies, flagEmergency, openCaseFor } from './effects.js';
import { recordConversationEvent } from './events.js';
import { calendarOf, type ConversationSettings } from './settings.js';
import { dateFormat } from '../date-format.js';

export const MAX_DESCRIPTION = 4000;

export interface DocumentTurn {
  tx: Tx;
  script: DialogScript;
  settings: ConversationSettings;
  ctx: DocumentContext;
  events: DomainEvents;
  conversation: Conversation;
  created: boolean;
  stored: Message;
  inbound: DocumentInbound;
  /** The case the document's thread names, found before the conversation was locked. */
  threadCase: CaseSummary | null | undefined;
  at: Date;
}

export interface DocumentOutcome {
  caseId: number | undefined;
  /** `opened` a new case, `added` to an existing one, `answered` from the catalogue or a survey, or `stored` only. */
  outcome: 'opened' | 'added' | 'answered' | 'stored';
  outbound: Message[];
}

/**
 * A document's one turn: stored already; a bounce marks what it returns, a survey answer is the
 * case's, and otherwise the engine's `readDocument` decides and the one answer says what was done
 * and what is missing.
 */
export async function takeDocumentTurn(turn: DocumentTurn): Promise<DocumentOutcome> {
  const { tx, script, settings, conversation, stored, inbound, at } = turn;
  const say = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) =>
    t(settings.locale, key, { municipio: settings.municipalityName, ...params });
  await tx.update(conversations).set({ lastInboundAt: at, updatedAt: at }).where(eq(conversations.id, conversation.id));

  if (inbound.noAnswer) {
    await markUndeliverable(turn);
    await recordConversationEvent(tx, conversation.id, 'message.not_answered', { messageId: stored.id, reason: inbound.noAnswer });
    return { caseId: undefined, outcome: 'stored', outbound: [] };
  }

  // A reply to "¿se resolvió tu caso?" (the quoted question already trimmed) is the survey's answer (issue 8).
  if (settings.terms) {
    const surveyReply = await answerPendingSurvey(tx, conversation.id, { text: inbound.text }, at, {
      terms: settings.terms,
      locale: settings.locale,
    });
    if (surveyReply !== null) return { caseId: undefined, outcome: 'answered', outbound: await answer(turn, undefined, [surveyReply]) };
  }

  const existing = turn.threadCase ?? (await latestCase(tx, conversation.id));
  const [citizen] = existing ? await tx.select({ name: citizens.name }).from(citizens).where(eq(citizens.id, conversation.citizenId)) : [];
  const senderName = inbound.senderName && !inbound.senderName.includes('@') ? inbound.senderName : undefined;
  const decision = readDocument(
    script,
    {
      subject: inbound.subject,
      text: inbound.text,
      senderName,
      photos: inbound.attachments.filter((a) => a.kind === 'photo').length,
      thread: existing ? { caseId: existing.id, hasAddress: Boolean(existing.address) } : undefined,
      firstInConversation: turn.created,
      citizenNamed: Boolean(citizen?.name),
    },
    turn.ctx,
  );
  const attention = { conversationId: conversation.id, channel: inbound.channel, at };

  const lines: string[] = [];
  let caseId: number;
  let folio: string;
  switch (decision.kind) {
    case 'answer_from_catalogue': {
      await updateCitizenContact(
        tx,
        conversation.citizenId,
        { name: decision.name, email: inbound.channelUserId },
        settings.phoneRegion ?? 'MX',
      );
      await recordAttention(tx, { ...attention, kind: 'information_answered', detail: decision.procedure.id });
      const reply = await answer(turn, undefined, [say('email.catalogue_intro'), decision.sheet, say('email.catalogue_follow_up')]);
      return { caseId: undefined, outcome: 'answered', outbound: reply };
    }
    case 'needs_matter': {
      const key = decision.reason === 'vague' ? 'email.ask_what_happened' : 'email.out_of_scope';
      const tipo = decision.type ? lowerFirst(script.typeLabels[decision.type]) : say('email.a_case');
      return { caseId: undefined, outcome: 'answered', outbound: await answer(turn, undefined, [say(key, { tipo })]) };
    }
    case 'thanks':
      await recordConversationEvent(tx, conversation.id, 'message.not_answered', { messageId: stored.id, reason: 'thanks' });
      return { caseId: undefined, outcome: 'stored', outbound: [] };
    case 'add_to_case': {
      caseId = decision.caseId;
      folio = existing!.folio;
      const actor = { kind: 'citizen', id: String(conversation.citizenId) } as const;
      await tx.update(messages).set({ caseId }).where(eq(messages.id, stored.id));
      await tx.update(attachments).set({ caseId }).where(eq(attachments.messageId, stored.id));
      await recordCaseEvent(tx, caseId, 'case.message_added', actor, {
        messageId: stored.id,
        channel: inbound.channel,
        attachments: inbound.attachments.length,
      });
      // The answer asked for the place and the name: a reply that brings them completes the case.
      await updateCitizenContact(tx, conversation.citizenId, { name: decision.name, phone: decision.phone }, settings.phoneRegion ?? 'MX');
      if (decision.address) {
        await tx.execute(sql`update cases set address = ${decision.address}, updated_at = ${at} where id = ${caseId} and address is null`);
        await recordCaseEvent(tx, caseId, 'case.address_added', actor, { address: decision.address, messageId: stored.id });
      }
      lines.push(
        [
          say('email.message_added', { folio, dependencia: existing!.department.name }),
          ...(decision.address ? [say('email.address_noted', { direccion: decision.address })] : []),
        ].join(' '),
      );
      break;
    }
    case 'open_case': {
      const draft = {
        ...decision.draft,
        description: (decision.draft.description || say('email.no_text')).slice(0, MAX_DESCRIPTION),
        email: inbound.channelUserId,
      };
      const opened = await openCaseFor(tx, conversation, stored, draft, settings, at);
      caseId = opened.case.id;
      folio = opened.case.folio;
      if (draft.emergency) {
        // Danger now: the emergency number comes first, and operators see the conversation flagged.
        const vars = turn.ctx.vars;
        lines.push(interpolate(script.messages[vars.proteccion_civil ? 'emergencyWithCivilProtection' : 'emergency'], vars));
        await flagEmergency(tx, conversation.id, stored.id, at);
      }
      const caseOpened = say('email.case_opened', {
        folio,
        tipo: lowerFirst(script.typeLabels[opened.case.type]),
        dependencia: opened.departmentName,
        fechaLimite: formatDate(new Date(opened.case.dueAt.getTime() - 1), settings.locale, settings.timeZone),
      });
      lines.push(withStatusLink(caseOpened, folio, settings.publicUrl, settings.locale));
      if (opened.cluster) lines.push(t(settings.locale, 'case.cluster_joined_notice', { folio, parentFolio: opened.cluster.parentFolio }));
      const calendar = calendarOf(settings);
      if (!calendar.isOpen(at)) {
        lines.push(
          say('email.after_hours', {
            horario: describeBusinessHours(settings.businessHours, settings.locale),
            proxima: describeNextOpening(calendar, at, settings.locale),
          }),
        );
      }
      if (decision.missing.length > 0)
        lines.push([say('email.missing_intro'), ...decision.missing.map((field) => say(MISSING_KEYS[field]))].join('\n'));
      break;
    }
  }
  if (inbound.rejectedAttachments.length > 0) {
    const list = inbound.rejectedAttachments.map((file) => file.filename ?? say('email.attachment_unnamed')).join(', ');
    lines.push(
      say('email.attachments_rejected', { lista: list, max: `${Math.round((inbound.maxAttachmentBytes / 1_048_576) * 10) / 10} MB` }),
    );
  }
  const outcome = decision.kind === 'open_case' ? 'opened' : 'added';
  if (outcome === 'opened') lines.push(say('email.keep_folio', { folio }));

  // Once a person handles the conversation, the robot stops acknowledging replies: staff answer them.
  const staffHandling = outcome === 'added' && (conversation.status === 'agent' || conversation.status === 'waiting_agent');
  if (staffHandling) {
    await recordConversationEvent(tx, conversation.id, 'message.not_answered', { messageId: stored.id, reason: 'staff_handling' });
    return { caseId, outcome, outbound: [] };
  }
  return { caseId, outcome, outbound: await answer(turn, caseId, lines) };
}

const MISSING_KEYS = {
  address: 'email.missing_address',
  name: 'email.missing_name',
  photo: 'email.missing_photo',
} as const satisfies Record<MissingField, Parameters<typeof t>[1]>;

/**
 * The case a document's thread belongs to: named by a message we sent (In-Reply-To/References)
 * or by the folio in the subject. Only for the citizen the case's conversation belongs to: an
 * answer goes to that address, so a stranger quoting a folio must not be able to join (and read)
 * the thread.
 */
export async function findThreadCase(
  ex: Executor,
  inbound: DocumentInbound,
  folioPrefix: string,
): Promise<{ conversation: Conversation; case: CaseSummary | null } | null> {
  if (inbound.repliesTo.length > 0) {
    const sent = await ex
      .select({ caseId: messages.caseId, conversation: conversations })
      .from(messages)
      .innerJoin(conversations, eq(conversations.id, messages.conversationId))
      .where(
        and(
          eq(messages.channel, inbound.channel),
          eq(messages.direction, 'out'),
          inArray(messages.externalId, inbound.repliesTo.slice(0, 50)),
        ),
      )
      .orderBy(desc(messages.id))
      .limit(1);
    const hit = sent[0];
    if (hit && hit.conversation.channelUserId === inbound.channelUserId) {
      return {
        conversation: hit.conversation,
        case: hit.caseId ? await findCaseById(ex, hit.caseId) : await latestCase(ex, hit.conversation.id),
      };
    }
  }
  const folio = extractFolio(inbound.subject, folioPrefix);
  if (folio) {
    const [row] = await queryRows<{ id: number }>(ex, sql`select id from cases where folio = ${folio} limit 1`);
    const found = row ? await findCaseById(ex, Number(row.id)) : null;
    if (found?.conversationId) {
      const [conversation] = await ex.select().from(conversations).where(eq(conversations.id, found.conversationId)).limit(1);
      if (conversation && conversation.channel === inbound.channel && conversation.channelUserId === inbound.channelUserId)
        return { conversation, case: found };
    }
  }
  return null;
}

async function latestCase(ex: Executor, conversationId: string): Promise<CaseSummary | null> {
  const [row] = await queryRows<{ id: number }>(
    ex,
    sql`select id from cases where conversation_id = ${conversationId} order by id desc limit 1`,
  );
  return row ? findCaseById(ex, Number(row.id)) : null;
}

/** The one automatic answer, unless the sender has had too many this hour. */
async function answer(turn: DocumentTurn, caseId: number | undefined, lines: string[]): Promise<Message[]> {
  const { tx, settings, conversation, stored, inbound } = turn;
  if (!(await mayAnswer(tx, inbound))) {
    await recordConversationEvent(tx, conversation.id, 'message.not_answered', { messageId: stored.id, reason: 'rate_limited' });
    return [];
  }
  const say = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) =>
    t(settings.locale, key, { municipio: settings.municipalityName, ...params });
  const greeting =
    inbound.senderName && !inbound.senderName.includes('@')
      ? say('email.greeting_named', { nombre: inbound.senderName })
      : say('email.greeting');
  const body = [greeting, ...lines, say('email.closing')].join('\n\n');
  return enqueueReplies(tx, conversation, [{ text: body, author: 'bot' }], stored.id, caseId);
}

/** Answers per sender are counted in the database, so the limit holds across restarts and instances. */
async function mayAnswer(ex: Executor, inbound: DocumentInbound): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(
    ex,
    sql`
    select count(*)::int as n from messages m join conversations c on c.id = m.conversation_id
    where c.channel = ${inbound.channel} and c.channel_user_id = ${inbound.channelUserId}
      and m.direction = 'out' and m.author = 'bot' and m.created_at > now() - interval '1 hour'`,
  );
  return Number(row?.n ?? 0) < inbound.answersPerHour;
}

/** A bounce of our own mail: the message it returns is marked failed, and told as `delivery.failed`. */
async function markUndeliverable(turn: DocumentTurn): Promise<void> {
  const { tx, inbound, stored, at } = turn;
  if (inbound.undeliverable.length === 0) return;
  const error = `rebote: ${inbound.subject}`.slice(0, 1000);
  const failed = await tx
    .update(messages)
    .set({ deliveryStatus: 'failed', deliveryStatusAt: at, deliveryError: error })
    .where(
      and(
        eq(messages.channel, inbound.channel),
        eq(messages.direction, 'out'),
        inArray(messages.externalId, inbound.undeliverable.slice(0, 50)),
      ),
    )
    .returning({ id: messages.id, caseId: messages.caseId, conversationId: messages.conversationId });
  for (const message of failed) {
    await turn.events.emit(tx, 'delivery.failed', {
      messageId: message.id,
      conversationId: message.conversationId,
      caseId: message.caseId,
      channel: inbound.channel,
      at,
      error,
      bounceMessageId: stored.id,
    });
  }
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function formatDate(date: Date, locale: string, timeZone: string): string {
  return dateFormat(locale === 'es' ? 'es-MX' : 'en-US', { dateStyle: 'long', timeZone }).format(date);
}
