import { z } from 'zod';

export const PromptKind = z.enum(['text', 'choice', 'yes_no', 'phone', 'email', 'location', 'photo']);
export type PromptKind = z.infer<typeof PromptKind>;

export const PromptOption = z.object({
  id: z.string().min(1).max(64),
  label: z.string().min(1).max(100),
});
export type PromptOption = z.infer<typeof PromptOption>;

/** What the bot is asking, so each channel renders it its own way (buttons, lists, keyboards). */
export const Prompt = z.object({
  field: z.string().min(1).max(64),
  kind: PromptKind,
  options: z.array(PromptOption).max(20).default([]),
  /** The citizen may skip it (e.g. the optional photo); channels show a skip button. */
  optional: z.boolean().default(false),
});
export type Prompt = z.infer<typeof Prompt>;

/** Who speaks in an outbound message: the scripted bot, a staff member, or the follow-up system. */
export const OUTBOUND_AUTHORS = ['bot', 'staff', 'system'] as const;
export type OutboundAuthor = (typeof OUTBOUND_AUTHORS)[number];

export const OutboundMessage = z.object({
  text: z.string().min(1),
  prompt: Prompt.optional(),
  author: z.enum(OUTBOUND_AUTHORS).default('bot'),
});
export type OutboundMessage = z.infer<typeof OutboundMessage>;
export type OutboundMessageInput = z.input<typeof OutboundMessage>;
