import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { describeBusinessHours } from '../business-hours.js';
import { describeNextOpening } from '../calendar/next-opening.js';
import type { CatalogueSearch } from '../catalogue/catalogue.js';
import { createCategoryMenu } from '../cases/category-menu.js';
import { formatFolio, localYear } from '../cases/folio.js';
import { noteContacts, verifiedContacts } from '../citizens/contacts.js';
import { findOrCreateCitizen } from '../citizens/queries.js';
import type { Db, Tx } from '../db/client.js';
import { GroupCommit } from '../db/group-commit.js';
import { conversations, messages, type Conversation, type Message } from '../db/schema.js';
import { startConversation, type StepContext } from '../dialogs/engine.js';
import type { DialogScript } from '../dialogs/script-schema.js';
import { initialState } from '../dialogs/state.js';
import type { DomainEvents } from '../events/domain-events.js';
import type { DocumentInbound } from '../messages/document.js';
import type { Channel, InboundMessage } from '../messages/inbound.js';
import type { Classification } from '../understanding/classification.js';
import { takeChatTurn } from './chat-turn.js';
import { findThreadCase, MAX_DESCRIPTION, takeDocumentTurn, type DocumentOutcome } from './document-turn.js';
import { enqueueReplies } from './effects.js';
import { toReplyView, type HistoryItem, type ReplyView } from './reply-view.js';
import { calendarOf, type ConversationSettings } from './settings.js';
import { findStoredInbound, storeInboundOnce } from './store-inbound.js';
import { loadReplyThread, type ReplyThread } from './thread.js';

export { calendarOf, type ConversationSettings } from './settings.js';
export { toReplyView, type HistoryItem, type ReplyView } from './reply-view.js';

export interface ConversationServiceDeps {
  db: Db;
  script: DialogScript;
  settings: ConversationSettings;
  classify(text: string): Classification;
  now?: () => Date;
  /** The catalogue of procedures questions are answered from; without it every request becomes a case. */
  catalogue?: CatalogueSearch;
  /** Where the pipeline tells what happened (a bounce is a `delivery.failed`). */
  events: DomainEvents;
  /** Shares durable commits between turns that arrive together; without it each turn commits alone. */
  commits?: GroupCommit;
  /** Told of every turn once it ends (the server's metrics); this layer knows nothing of what it does with it. */
  observer?: ReceiveObserver;
}

/** How one call of `receive` ended: a new input stored and answered, a retry of one already stored, or an error. */
export type ReceiveOutcome = 'stored' | 'duplicate' | 'failed';

export interface ReceiveObserver {
  received(turn: { channel: Channel; outcome: ReceiveOutcome; seconds: number }): void;
}

export interface ReceiveOptions {
  /** The replies go back in the caller's own response (the web chat's HTTP answer), so none is sent again. */
  inline?: boolean;
}

export interface ReceiveResult {
  conversationId: string;
  inboundMessageId: number;
  duplicate: boolean;
  replies: ReplyView[];
}

export interface DocumentResult extends ReceiveResult {
  caseId: number | undefined;
  outcome: DocumentOutcome['outcome'];
}

/** Namespace of the advisory locks taken per conversation (any constant unique within Ventanilla). */
const CONVERSATION_LOCK_CLASS = 7301;

/**
 * The middle of the pipeline, and its one way in: every input — a chat message or a document
 * (an email) — is stored once, the engine decides (`step` for a chat turn, `readDocument` for a
 * document), its effects are applied and the replies queued, all in one transaction: a crash
 * leaves either all of it or none, and the commit's NOTIFY wakes the queue.
 */
export function createConversationService(deps: ConversationServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const { db, script, settings } = deps;
  const catalogue = deps.catalogue;
  const findProcedure = catalogue ? (text: string) => catalogue.find(text)?.procedure : undefined;

  const activeCategories = createCategoryMenu();
  const commits = deps.commits ?? new GroupCommit({ db, lanes: 1, maxBatch: 1 });

  async function stepContext(tx: Tx, status: Conversation['status'], at: Date): Promise<StepContext> {
    return {
      classify: deps.classify,
      categories: await activeCategories(tx),
      withinBusinessHours: calendarOf(settings).isOpen(at),
      conversationStatus: status,
      folioPrefix: settings.folioPrefix,
      vars: placeholders(at),
      phoneRegion: settings.phoneRegion,
      gazetteer: settings.gazetteer,
      ...(findProcedure ? { findProcedure } : {}),
    };
  }

  // The placeholders change with the year and the office's next opening: worked out once a minute, not on every turn.
  let placeholdersOf: { minute: number; vars: StepContext['vars'] } | undefined;
  function placeholders(at: Date): StepContext['vars'] {
    const minute = Math.floor(at.getTime() / 60_000);
    if (placeholdersOf?.minute === minute) return placeholdersOf.vars;
    const vars = {
      municipio: settings.municipalityName,
      horario: describeBusinessHours(settings.businessHours, settings.locale),
      ejemplo: formatFolio(settings.folioPrefix, localYear(at, settings.timeZone), 123),
      proxima_atencion: describeNextOpening(calendarOf(settings), at, settings.locale),
      emergencia: settings.emergencyPhone ?? '911',
      proteccion_civil: settings.civilProtectionPhone ?? '',
    };
    placeholdersOf = { minute, vars };
    return vars;
  }

  /** Opens a conversation before the citizen says anything (the web chat does), greeting them. */
  async function start(
    input: { channel: Channel; conversationKey: string; channelUserId: string; tokenHash?: string; id?: string },
    options: ReceiveOptions = {},
  ) {
    const at = now();
    const { conversation, replies } = await commits.run(input.conversationKey, async (tx) => {
      const citizen = await findOrCreateCitizen(tx, input.channel, input.channelUserId);
      const first = startConversation(script, await stepContext(tx, 'bot', at));
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
      const replies = await enqueueReplies(tx, conversation!, first.replies, undefined, undefined, options.inline);
      return { conversation: conversation!, replies };
    });
    return { conversation, replies: replies.map(toReplyView) };
  }

  function receive(input: InboundMessage, options?: ReceiveOptions): Promise<ReceiveResult>;
  function receive(input: DocumentInbound, options?: ReceiveOptions): Promise<DocumentResult>;
  async function receive(input: InboundMessage | DocumentInbound, options: ReceiveOptions = {}): Promise<ReceiveResult | DocumentResult> {
    const observer = deps.observer;
    if (!observer) return receiveTurn(input, options);
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const result = await receiveTurn(input, options);
      observer.received({ channel: input.channel, outcome: result.duplicate ? 'duplicate' : 'stored', seconds: seconds() });
      return result;
    } catch (error) {
      observer.received({ channel: input.channel, outcome: 'failed', seconds: seconds() });
      throw error;
    }
  }

  async function receiveTurn(input: InboundMessage | DocumentInbound, options: ReceiveOptions): Promise<ReceiveResult | DocumentResult> {
    const at = now();
    const document = 'kind' in input && input.kind === 'document' ? input : undefined;
    const key = `${input.channel}:${document ? document.threadKey : (input as InboundMessage).conversationKey}`;
    const result = await commits.run(key, async (tx) => {
      const thread = document ? await findThreadCase(tx, document, settings.folioPrefix) : null;
      const conversationKey =
        thread?.conversation.conversationKey ?? (document ? document.threadKey : (input as InboundMessage).conversationKey);
      const { conversation, created } = await lockConversation(tx, {
        channel: input.channel,
        conversationKey,
        channelUserId: input.channelUserId,
      });
      const stored = await storeInboundOnce(tx, {
        conversationId: conversation.id,
        channel: input.channel,
        externalId: input.externalId,
        text: document ? document.text.slice(0, MAX_DESCRIPTION) : input.text,
        payload: document ? { ...document.payload, subject: document.subject } : chatPayload(input as InboundMessage),
        receivedAt: input.receivedAt,
        attachments: input.attachments,
      });
      if (!stored)
        return { duplicate: true as const, conversation, inbound: await findStoredInbound(tx, conversation.id, input.externalId) };
      // The channel vouches for the sender's number or address: noted once a conversation, and again when a contact is shared.
      const chat = document ? undefined : (input as InboundMessage);
      if (created || chat?.contact)
        await noteContacts(tx, conversation.citizenId, verifiedContacts({ ...input, senderPhone: chat?.senderPhone }));
      if (document) {
        const turn = await takeDocumentTurn({
          tx,
          script,
          settings,
          ctx: {
            classify: deps.classify,
            findProcedure,
            vars: placeholders(at),
            phoneRegion: settings.phoneRegion,
            gazetteer: settings.gazetteer,
          },
          events: deps.events,
          conversation,
          created,
          stored,
          inbound: document,
          threadCase: thread?.case,
          at,
        });
        return { duplicate: false as const, conversation, inbound: stored, ...turn };
      }
      const outbound = await takeChatTurn({
        tx,
        script,
        settings,
        ctx: await stepContext(tx, conversation.status, at),
        conversation,
        created,
        stored,
        inbound: input as InboundMessage,
        at,
        deliveredInline: options.inline === true,
      });
      return { duplicate: false as const, conversation, inbound: stored, outbound, caseId: undefined, outcome: undefined };
    });

    if (result.duplicate) {
      // A retried delivery is answered with what the first one got.
      const previous = await db
        .select()
        .from(messages)
        .where(and(eq(messages.inReplyTo, result.inbound.id), eq(messages.direction, 'out')))
        .orderBy(asc(messages.id));
      const replies = previous.map(toReplyView);
      const base = { conversationId: result.conversation.id, inboundMessageId: result.inbound.id, duplicate: true, replies };
      return document ? { ...base, caseId: result.inbound.caseId ?? undefined, outcome: result.inbound.caseId ? 'added' : 'stored' } : base;
    }
    const base = {
      conversationId: result.conversation.id,
      inboundMessageId: result.inbound.id,
      duplicate: false,
      replies: result.outbound.map(toReplyView),
    };
    return document ? { ...base, caseId: result.caseId, outcome: result.outcome! } : base;
  }

  /**
   * Serializes turns of one conversation: a turn holds its conversation's row lock until it
   * commits, so a retry racing the original waits. Creating a conversation takes a
   * transaction-scoped advisory lock keyed by it first, since there is no row to lock yet.
   */
  async function lockConversation(
    tx: Tx,
    key: { channel: Channel; conversationKey: string; channelUserId: string },
  ): Promise<{ conversation: Conversation; created: boolean }> {
    const find = () =>
      tx
        .select()
        .from(conversations)
        .where(and(eq(conversations.channel, key.channel), eq(conversations.conversationKey, key.conversationKey)))
        .for('update')
        .limit(1);
    const [existing] = await find();
    if (existing) return { conversation: existing, created: false };
    await tx.execute(
      sql`select pg_advisory_xact_lock(${CONVERSATION_LOCK_CLASS}, hashtext(${key.channel} || ':' || ${key.conversationKey}))`,
    );
    const citizen = await findOrCreateCitizen(tx, key.channel, key.channelUserId);
    const [inserted] = await tx
      .insert(conversations)
      .values({
        channel: key.channel,
        conversationKey: key.conversationKey,
        channelUserId: key.channelUserId,
        citizenId: citizen.id,
        dialogState: initialState(),
        locale: settings.locale,
      })
      .onConflictDoNothing()
      .returning();
    if (inserted) return { conversation: inserted, created: true };
    // Another delivery created it while we waited for the lock: this message is a turn of it.
    const [conversation] = await find();
    if (!conversation) throw new Error('conversation vanished right after it was created');
    return { conversation, created: false };
  }

  /** The newest 500 messages, oldest first: a long conversation shows where it stands now. */
  async function history(conversationId: string): Promise<HistoryItem[]> {
    const rows = await db.select().from(messages).where(eq(messages.conversationId, conversationId)).orderBy(desc(messages.id)).limit(500);
    return rows.reverse().map(toHistoryItem);
  }

  /** One message of the conversation (a push to a browser names the one it carries). */
  async function message(conversationId: string, messageId: number): Promise<HistoryItem | null> {
    const [row] = await db
      .select()
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.id, messageId)))
      .limit(1);
    return row ? toHistoryItem(row) : null;
  }

  async function find(id: string): Promise<Conversation | null> {
    const [row] = await db.select().from(conversations).where(eq(conversations.id, id)).limit(1);
    return row ?? null;
  }

  /** Where an outbound message stands in its conversation, for channels that thread their answers. */
  function threadOf(messageId: number): Promise<ReplyThread> {
    return loadReplyThread(db, messageId);
  }

  return { start, receive, history, message, find, threadOf };
}

export type ConversationService = ReturnType<typeof createConversationService>;

function chatPayload(inbound: InboundMessage): Record<string, unknown> {
  return {
    ...(inbound.location ? { location: inbound.location } : {}),
    ...(inbound.contact ? { contact: inbound.contact } : {}),
    ...(inbound.choice ? { choice: inbound.choice } : {}),
    ...(inbound.referral ? { referral: inbound.referral } : {}),
  };
}

function toHistoryItem(m: Message): HistoryItem {
  return { ...toReplyView(m), direction: m.direction, author: m.author };
}
