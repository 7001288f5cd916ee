/**
 * Who answers a conversation, declared once for the schema (`conversations.status`), the engine
 * and the console. Handoff is a status: the bot answers only while it is `bot`; `waiting_agent`
 * is handed to a person who has not taken it yet, `agent` a person has it.
 */
export const CONVERSATION_STATUSES = ['bot', 'waiting_agent', 'agent', 'closed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/** Why the bot handed a conversation to a person: the citizen asked, or the bot could not understand. */
export const HANDOFF_REASONS = ['requested', 'not_understood'] as const;
export type HandoffReason = (typeof HANDOFF_REASONS)[number];
