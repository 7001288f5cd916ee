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

export const OutboundMessage = z.object({
  text: z.string().min(1),
  prompt: Prompt.optional(),
  /** Who speaks: the scripted bot, a staff member, or the follow-up system. */
  author: z.enum(['bot', 'staff', 'system']).default('bot'),
});
export type OutboundMessage = z.infer<typeof OutboundMessage>;
export type OutboundMessageInput = z.input<typeof OutboundMessage>;
