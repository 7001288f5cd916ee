import type { HandoffReason } from '../dialogs/conversation-status.js';

/**
 * What happens to a conversation rather than to a case (`conversation_events`), each kind with
 * the data it carries. Declared once: the schema types the table's columns from here.
 */
export interface ConversationEventDataMap {
  /** The bot handed the conversation to a person. */
  'conversation.escalated': { reason: HandoffReason; messageId: number };
  /** The citizen wrote again after staff closed the conversation: the bot starts over. */
  'conversation.reopened': { messageId: number };
  /** The citizen said "cancelar" while handed over: the bot has the conversation again. */
  'conversation.returned_to_bot': { messageId: number };
  /** The citizen told of danger now and was given the emergency number; operators see the conversation flagged. */
  'conversation.emergency': { messageId: number };
  /** A stored message that got no automatic answer, and why (an auto-reply, thanks, staff have it, the hourly limit…). */
  'message.not_answered': { messageId: number; reason: string };
  // What staff did; `by` keeps the person's name with it.
  'conversation.taken_over': ByStaff;
  'conversation.handed_back': ByStaff;
  'conversation.closed_by_staff': ByStaff;
  'conversation.staff_replied': ByStaff & { messageId: number };
}

type ByStaff = { staffUserId: number; by: string };

export type ConversationEventType = keyof ConversationEventDataMap;
export type ConversationEventData<T extends ConversationEventType = ConversationEventType> = ConversationEventDataMap[T];
