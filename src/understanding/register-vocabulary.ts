/**
 * The attention register's words, declared once for the API and the console (which type-checks
 * its lists against these): the kinds of attention, abandoned conversations included, and how each
 * ended — finer than its kind: a status lookup found the folio or not, a handoff was asked for or
 * happened because the bot did not understand.
 */
export const REGISTER_KINDS = ['case_opened', 'information_answered', 'status_lookup', 'handed_to_person', 'abandoned'] as const;
export type RegisterKind = (typeof REGISTER_KINDS)[number];

export const OUTCOMES = ['case_opened', 'answered', 'found', 'not_found', 'requested', 'not_understood', 'abandoned'] as const;
export type Outcome = (typeof OUTCOMES)[number];
