import { z } from 'zod';

/**
 * The call-back vocabulary, declared once for the schema (`callbacks`, `callback_attempts`), the
 * staff API, the case events and the console.
 */

export const CALLBACK_STATUSES = ['open', 'done', 'closed'] as const;
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];

/** What is done next about a callback. */
export const NEXT_ACTIONS = ['call', 'leave_voicemail', 'send_message', 'voicemail_report', 'communications_office', 'none'] as const;
export type NextAction = (typeof NEXT_ACTIONS)[number];

/** How one call went. */
export const CALLBACK_OUTCOMES = ['no_answer', 'voicemail', 'wrong_number', 'reached'] as const;
export const CallbackOutcome = z.enum(CALLBACK_OUTCOMES);
export type CallbackOutcome = z.infer<typeof CallbackOutcome>;

/** The rules' verdict after a call: what the callback becomes, and what to do next and when. */
export interface NextStep {
  status: CallbackStatus;
  nextAction: NextAction;
  nextActionAt: Date | null;
  /** What the operator does on this very call (leave a voice message on the first voicemail). */
  instruction: 'leave_voicemail' | null;
  /** A report the callback now appears in. */
  report: 'voicemail' | 'communications_office' | null;
}
