import { and, asc, eq, sql } from 'drizzle-orm';
import { describeBusinessHours, type BusinessHours } from '../business-hours.js';
import { BusinessCalendar } from '../calendar/business-calendar.js';
import { describeNextOpening } from '../calendar/next-opening.js';
import type { Classification } from '../cases/classification.js';
import { formatFolio, localYear } from '../cases/folio.js';
import { openCase, type CaseSettings } from '../cases/open-case.js';
import { answerPendingSurvey } from '../cases/satisfaction.js';
import { findCaseByFolio } from '../cases/queries.js';
import { findOrCreateCitizen, updateCitizenContact } from '../citizens/queries.js';
import type { Db, Executor, Tx } from '../db/client.js';
import { attachments, categories, conversationEvents, conversations, messages, type Conversation, type Message } from '../db/schema.js';
import { startConversation, step, type StepContext, type StepResult } from '../dialogs/engine.js';
import { caseOpenedReply, statusReply, type ReplyContext } from '../dialogs/replies.js';
import type { DialogScript } from '../dialogs/script-schema.js';
import { initialState, parseDialogState } from '../dialogs/state.js';
import type { InboundMessage } from '../messages/inbound.js';
import type { OutboundMessageInput, Prompt } from '../messages/outbound.js';
import { enqueueOutbound } from '../outbox/enqueue.js';
import { findStoredInbound, insertInboundOnce } from './stored-inbound.js';
import { createDocumentReceiver } from './receive-document.js';
import type { CatalogueSearch } from '../catalogue/catalogue.js';
import { recordAttention } from '../understanding/attention-log.js';
import { recordLabelledExample } from '../understanding/labelled-examples.js';

export interface ConversationSettings extends CaseSettings {
  businessHours: BusinessHours;
  municipalityName: string;
  locale: 'es' | 'en';
  /** Holidays included, to tell citizens when a person will see their message; office hours alone when absent. */
  calendar?: BusinessCalendar | undefined;
}

export interface ConversationServiceDeps {
  db: Db;
  script: DialogScript;
  settings: ConversationSettings;
  classify(text: string): Classification;
  now?: () => Date;
  /** Called after a commit that enqueued outbound messages. */
  onEnqueued?: () => void;
  /** The catalogue of procedures questions are answered from; without it every request becomes a case. */
  catalogue?: CatalogueSearch;
}

/** An outbound message as the web chat (and any API client) sees it. */
export interface ReplyView {
  id: string;
  text: string;
  author: 'bot' | 'staff' | 'system';
  prompt?: Prompt;
  createdAt: string;
}

export interface HistoryItem extends Omit<ReplyView, 'author'> {
  direction: 'in' | 'out';
  author: 'citizen' | 'bot' | 'staff' | 'system';
}

export interface ReceiveResult {
  conversationId: string;
  inboundMessageId: number;
  duplicate: boolean;
  replies: ReplyView[];
}

export function toReplyView(message: Message): ReplyView {
  const prompt = (message.payload as { prompt?: Prompt }).prompt;
  return {
    id: String(message.id),
    text: message.text,
    author: message.author as ReplyView['author'],
    ...(prompt ? { prompt } : {}),
    createdAt: message.createdAt.toISOString(),
  };
}

/**
 * The middle of the pipeline: an inbound message is stored, the dialog takes its turn, its
 * effects (open a case, look one up, hand over to a person) are applied, and the replies are
 * put in the outbox — all in one transaction, so a crash leaves either all of it or none.
 */
export function createConversationService(deps: ConversationServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const { db, script, settings } = deps;
  const catalogue = deps.catalogue;
  const findProcedure = catalogue ? (text: string) => catalogue.find(text)?.procedure : undefined;

  async function stepContext(ex: Executor, status: Conversation['status'], at: Date): Promise<StepContext> {
    const cats = await ex
      .select({ code: categories.code, name: categories.name })
      .from(categories)
      .where(eq(categories.active, true))
      .orderBy(asc(categories.id));
    return {
      classify: deps.classify,
      categories: cats,
      withinBusinessHours: calendarOf(settings).isOpen(at),
      conversationStatus: status,
      folioPrefix: settings.folioPrefix,
      vars: {
        municipio: settings.municipalityName,
        horario: describeBusinessHours(settings.businessHours, settings.locale),
        ejemplo: formatFolio(settings.folioPrefix, localYear(at, settings.timeZone), 123),
        proxima_atencion: describeNextOpening(calendarOf(settings), at, settings.locale),
      },
      ...(findProcedure ? { findProcedure } : {}),
    };
  }

  /** Opens a conversation before the citizen says anything (the web chat does), greeting them. */
  async function start(input: { channel: string; conversationKey: string; channelUserId: string; tokenHash?: string; id?: string }) {
    const at = now();
    const { conversation, replies } = await db.transaction(async (tx) => {
      const citizen = await findOrCreateCitizen(tx, input.channel, input.channelUserId);
      const ctx = await stepContext(tx, 'bot', at);
      const first = startConversation(script, ctx);
      const [conversation] = await tx
        .insert(conversations)
        .values({
          ...(input.id ? { id: input.id } : {}),
          channel: input.channel,
          conversationKey: input.conversationKey,
          channelUserId: input.channelUserId,
          citizenId: citizen.id,
          dialogState: first.state,
          tokenHash: input.tokenHash ?? null,
          locale: settings.locale,
        })
        .returning();
      const replies = await enqueueAll(tx, conversation!, first.replies, undefined, undefined);
      return { conversation: conversation!, replies };
    });
    deps.onEnqueued?.();
    return { conversation, replies: replies.map(toReplyView) };
  }

  async function receive(inbound: InboundMessage): Promise<ReceiveResult> {
    const at = now();
    const result = await db.transaction(async (tx) => {
      const { conversation, created } = await lockConversation(tx, inbound);
      const stored = await insertInboundOnce(tx, {
        conversationId: conversation.id,
        channel: inbound.channel,
        externalId: inbound.externalId,
        text: inbound.text,
        payload: {
          ...(inbound.location ? { location: inbound.location } : {}),
          ...(inbound.contact ? { contact: inbound.contact } : {}),
          ...(inbound.choice ? { choice: inbound.choice } : {}),
          ...(inbound.referral ? { referral: inbound.referral } : {}),
        },
        receivedAt: inbound.receivedAt,
      });
      if (!stored) return { duplicate: true as const, conversation, inbound: await findInbound(tx, inbound) };

      for (const file of inbound.attachments) {
        await tx.insert(attachments).values({
          messageId: stored.id,
          kind: file.kind,
          contentType: file.contentType,
          filename: file.filename ?? null,
          sizeBytes: file.data.byteLength,
          data: file.data,
        });
      }

      // The answer to "¿se resolvió tu caso?" is the case's, not the dialog's (issue 8).
      if (conversation.status === 'bot' && settings.terms) {
        const answer = await answerPendingSurvey(tx, conversation.id, { text: inbound.text, choice: inbound.choice }, at, { terms: settings.terms, locale: settings.locale });
        if (answer !== null) {
          await tx.update(conversations).set({ lastInboundAt: at, updatedAt: at }).where(eq(conversations.id, conversation.id));
          const outbound = await enqueueAll(tx, conversation, [{ text: answer }], stored.id, undefined);
          return { duplicate: false as const, conversation, inbound: stored, outbound };
        }
      }

      // A citizen writing again after staff closed the conversation starts over with the bot.
      if (conversation.status === 'closed') {
        conversation.status = 'bot';
        conversation.dialogState = initialState();
        await recordConversationEvent(tx, conversation.id, 'conversation.reopened', { messageId: stored.id });
      }
      const ctx = await stepContext(tx, conversation.status, at);
      const state = parseDialogState(conversation.dialogState);
      const photos = inbound.attachments.filter((a) => a.kind === 'photo').length;
      const turn = step(
        script,
        state,
        {
          text: inbound.text,
          choice: inbound.choice,
          location: inbound.location,
          contact: inbound.contact,
          photos,
          otherAttachments: inbound.attachments.length - photos,
        },
        ctx,
      );
      if (created && !turn.replies.some((r) => r.text === startGreeting(ctx))) turn.replies.unshift({ text: startGreeting(ctx) });

      const { replies, state: finalState, caseId, status } = await applyEffects(tx, conversation, stored, turn, ctx, at);
      await tx
        .update(conversations)
        .set({ dialogState: finalState, status, lastInboundAt: at, updatedAt: at })
        .where(eq(conversations.id, conversation.id));
      if (caseId) await tx.update(messages).set({ caseId }).where(eq(messages.id, stored.id));
      const outbound = await enqueueAll(tx, conversation, replies, stored.id, caseId);
      return { duplicate: false as const, conversation, inbound: stored, outbound };
    });

    if (result.duplicate) {
      const previous = await db
        .select()
        .from(messages)
        .where(and(eq(messages.inReplyTo, result.inbound.id), eq(messages.direction, 'out')))
        .orderBy(asc(messages.id));
      return { conversationId: result.conversation.id, inboundMessageId: result.inbound.id, duplicate: true, replies: previous.map(toReplyView) };
    }
    if (result.outbound.length > 0) deps.onEnqueued?.();
    return {
      conversationId: result.conversation.id,
      inboundMessageId: result.inbound.id,
      duplicate: false,
      replies: result.outbound.map(toReplyView),
    };
  }

  function startGreeting(ctx: StepContext): string {
    return startConversation(script, ctx).replies[0]!.text;
  }

  /**
   * Serializes turns of one conversation, its creation included: concurrent deliveries (a retry
   * racing the original) queue on a transaction-scoped advisory lock keyed by the conversation.
   */
  async function lockConversation(tx: Tx, inbound: Pick<InboundMessage, 'channel' | 'conversationKey' | 'channelUserId'>): Promise<{ conversation: Conversation; created: boolean }> {
    await tx.execute(sql`select pg_advisory_xact_lock(${CONVERSATION_LOCK_CLASS}, hashtext(${inbound.channel} || ':' || ${inbound.conversationKey}))`);
    const find = () =>
      tx
        .select()
        .from(conversations)
        .where(and(eq(conversations.channel, inbound.channel), eq(conversations.conversationKey, inbound.conversationKey)))
        .for('update')
        .limit(1);
    const [existing] = await find();
    if (existing) return { conversation: existing, created: false };
    const citizen = await findOrCreateCitizen(tx, inbound.channel, inbound.channelUserId);
    await tx
      .insert(conversations)
      .values({
        channel: inbound.channel,
        conversationKey: inbound.conversationKey,
        channelUserId: inbound.channelUserId,
        citizenId: citizen.id,
        dialogState: initialState(),
        locale: settings.locale,
      })
      .onConflictDoNothing();
    const [conversation] = await find();
    if (!conversation) throw new Error('conversation vanished right after it was created');
    return { conversation, created: true };
  }

  function findInbound(tx: Executor, inbound: InboundMessage): Promise<Message> {
    return findStoredInbound(tx, inbound.channel, inbound.externalId);
  }

  async function applyEffects(tx: Tx, conversation: Conversation, inbound: Message, turn: StepResult, ctx: StepContext, at: Date) {
    const replies: OutboundMessageInput[] = [...turn.replies];
    const state = turn.state;
    let status = conversation.status;
    let caseId: number | undefined;
    const replyCtx: ReplyContext = { vars: ctx.vars, withinBusinessHours: ctx.withinBusinessHours, timeZone: settings.timeZone };
    const attention = { conversationId: conversation.id, channel: conversation.channel, at };
    for (const effect of turn.effects) {
      switch (effect.kind) {
        case 'open_case': {
          const { draft } = effect;
          await updateCitizenContact(tx, conversation.citizenId, { name: draft.name, phone: draft.phone, email: draft.email });
          const opened = await openCase(
            tx,
            { ...draft, citizenId: conversation.citizenId, channel: conversation.channel, conversationId: conversation.id, actor: { kind: 'citizen', id: String(conversation.citizenId) } },
            settings,
            at,
          );
          caseId = opened.case.id;
          state.lastFolio = opened.case.folio;
          await recordAttention(tx, { ...attention, kind: 'case_opened', detail: opened.case.type, caseId: opened.case.id });
          replies.push(
            caseOpenedReply(script, replyCtx, {
              folio: opened.case.folio,
              type: opened.case.type,
              status: opened.case.status,
              categoryName: opened.categoryName,
              departmentName: opened.departmentName,
              dueAt: opened.case.dueAt,
            }),
          );
          break;
        }
        case 'lookup_status': {
          const found = await findCaseByFolio(tx, effect.folio);
          replies.push(
            statusReply(
              script,
              replyCtx,
              effect.folio,
              found && { folio: found.folio, type: found.type, status: found.status, categoryName: found.category.name, departmentName: found.department.name, dueAt: found.dueAt },
            ),
          );
          if (found) state.lastFolio = found.folio;
          await recordAttention(tx, { ...attention, kind: 'status_lookup', detail: found ? 'found' : 'not_found', caseId: found?.id });
          break;
        }
        case 'escalate':
          if (status === 'bot') {
            status = 'waiting_agent';
            await recordConversationEvent(tx, conversation.id, 'conversation.escalated', { reason: effect.reason, messageId: inbound.id });
            await recordAttention(tx, { ...attention, kind: 'handed_to_person', detail: effect.reason });
          }
          break;
        case 'catalogue_answered':
          await recordAttention(tx, { ...attention, kind: 'information_answered', detail: effect.procedureId });
          break;
        case 'label_chosen':
          await recordLabelledExample(tx, { ...effect, conversationId: conversation.id, messageId: inbound.id, channel: conversation.channel, at });
          break;
        case 'return_to_bot':
          status = 'bot';
          await recordConversationEvent(tx, conversation.id, 'conversation.returned_to_bot', { messageId: inbound.id });
          break;
      }
    }
    return { replies, state, caseId, status };
  }

  async function enqueueAll(tx: Tx, conversation: Conversation, replies: OutboundMessageInput[], inReplyTo: number | undefined, caseId: number | undefined) {
    const stored: Message[] = [];
    for (const message of replies) {
      stored.push(await enqueueOutbound(tx, { conversationId: conversation.id, channel: conversation.channel, message, inReplyTo, caseId }));
    }
    return stored;
  }

  async function history(conversationId: string): Promise<HistoryItem[]> {
    const rows = await db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(asc(messages.id)).limit(500);
    return rows.map((m) => {
      const prompt = (m.payload as { prompt?: Prompt }).prompt;
      return {
        id: String(m.id),
        direction: m.direction,
        author: m.author,
        text: m.text,
        ...(prompt ? { prompt } : {}),
        createdAt: m.createdAt.toISOString(),
      };
    });
  }

  async function find(id: string): Promise<Conversation | null> {
    const [row] = await db.select().from(conversations).where(eq(conversations.id, id)).limit(1);
    return row ?? null;
  }

  // Email and other whole-message channels: one turn, in its own module (receive-document.ts).
  const receiveDocument = createDocumentReceiver({
    db,
    script,
    settings,
    classify: deps.classify,
    now,
    onEnqueued: () => deps.onEnqueued?.(),
    lockConversation,
    toReplyView,
    findProcedure,
  });

  return { start, receive, receiveDocument, history, find };
}

export type ConversationService = ReturnType<typeof createConversationService>;

/** Namespace of the advisory locks taken per conversation (any constant unique within Ventanilla). */
const CONVERSATION_LOCK_CLASS = 7301;

async function recordConversationEvent(tx: Executor, conversationId: string, type: string, data: Record<string, unknown>) {
  await tx.insert(conversationEvents).values({ conversationId, type, data });
}

/** The settings' calendar, or one of office hours without holidays (tools and tests that pass none). */
export function calendarOf(settings: Pick<ConversationSettings, 'calendar' | 'timeZone' | 'businessHours'>): BusinessCalendar {
  return settings.calendar ?? new BusinessCalendar(settings.timeZone, settings.businessHours, []);
}
