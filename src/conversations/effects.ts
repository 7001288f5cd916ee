import { eq, type SQLWrapper } from 'drizzle-orm';
import { openCase } from '../cases/open-case.js';
import { updateCitizenContact } from '../citizens/queries.js';
import type { Tx } from '../db/client.js';
import { conversations, messages, type Conversation, type Message } from '../db/schema.js';
import type { CaseDraft } from '../dialogs/engine.js';
import type { OutboundMessageInput } from '../messages/outbound.js';
import { enqueueOutboundMany } from '../outbox/enqueue.js';
import { recordAttention } from '../understanding/attention-log.js';
import { recordConversationEvent } from './events.js';
import type { ConversationSettings } from './settings.js';

/** What both kinds of turn apply the same way, inside the receive transaction. */

/** The citizen told of danger now: the conversation is flagged for operators, with the message that said it. */
export async function flagEmergency(tx: Tx, conversationId: string, messageId: number, at: Date): Promise<void> {
  await recordConversationEvent(tx, conversationId, 'conversation.emergency', { messageId });
  await tx.update(conversations).set({ emergencyAt: at }).where(eq(conversations.id, conversationId));
}

/** Opens the case a turn decided on, with the citizen's contact, the attention log and the message linked to it. */
export async function openCaseFor(
  tx: Tx,
  conversation: Conversation,
  inbound: Message,
  draft: CaseDraft,
  settings: ConversationSettings,
  at: Date,
) {
  await updateCitizenContact(
    tx,
    conversation.citizenId,
    { name: draft.name, phone: draft.phone, email: draft.email },
    settings.phoneRegion ?? 'MX',
  );
  const opened = await openCase(
    tx,
    {
      ...draft,
      citizenId: conversation.citizenId,
      channel: conversation.channel,
      conversationId: conversation.id,
      actor: { kind: 'citizen', id: String(conversation.citizenId) },
    },
    settings,
    at,
  );
  await recordAttention(tx, {
    conversationId: conversation.id,
    channel: conversation.channel,
    at,
    kind: 'case_opened',
    detail: opened.case.type,
    caseId: opened.case.id,
  });
  await tx.update(messages).set({ caseId: opened.case.id }).where(eq(messages.id, inbound.id));
  return opened;
}

/**
 * Puts the turn's replies in the queue. `deliveredInline` is set when they go back in the
 * caller's own response (the web chat's): they are stored, and nothing is left to send.
 */
export function enqueueReplies(
  tx: Tx,
  conversation: Conversation,
  replies: readonly OutboundMessageInput[],
  inReplyTo: number | undefined,
  caseId: number | undefined,
  deliveredInline = false,
  /** Another write of the turn that travels in the same statement (the conversation's new state). */
  alongside?: SQLWrapper,
): Promise<Message[]> {
  return enqueueOutboundMany(
    tx,
    { conversationId: conversation.id, channel: conversation.channel, inReplyTo, caseId, deliveredInline },
    replies,
    alongside,
  );
}
