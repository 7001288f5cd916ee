import type { CaseEventType } from './case-events.js';

/**
 * The case page's timeline in three parts, so staff never take a note for what the citizen was
 * told: "conversation" is what passed between the citizen and Ventanilla (their messages, the
 * bot's and staff's replies, the calls that gave an answer by phone, the survey they answered);
 * "note" is what staff wrote for each other (notes, derivations, reclassifications, status changes,
 * call-backs); "event" is what the system recorded (opening, deadlines, mail, delivery).
 */
export const TIMELINE_KINDS = ['conversation', 'note', 'event'] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/**
 * Where each case event goes. Keyed by every event type, so a new one does not compile until
 * someone decides whether the citizen, staff or the system is speaking in it. The words sent to
 * the citizen by a reply or a final answer are a message of the conversation already; their event
 * records the decision.
 */
export const EVENT_TIMELINE_KIND = {
  'case.opened': 'event',
  'case.attachment_added': 'event',
  'case.message_added': 'event',
  'case.address_added': 'event',
  'delivery.failed': 'event',
  'case.received': 'event',
  'case.derived': 'note',
  'case.derived_external': 'note',
  'case.reclassified': 'note',
  'case.note_added': 'note',
  'case.status_changed': 'note',
  'case.replied': 'event',
  'case.closed': 'event',
  'case.rejected': 'event',
  'case.answer_pending_contact': 'conversation',
  'case.citizen_contacted': 'conversation',
  'case.extended': 'event',
  'case.reopened': 'event',
  'case.escalated': 'event',
  'case.survey_answered': 'conversation',
  'follow_up.routing_sheet_sent': 'event',
  'follow_up.acknowledged': 'event',
  'follow_up.acknowledgement_reminded': 'event',
  'follow_up.acknowledgement_escalated': 'event',
  'follow_up.deadline_warning': 'event',
  'follow_up.citizen_notified': 'event',
  'follow_up.survey_sent': 'event',
  'follow_up.mail_sent': 'event',
  'follow_up.mail_failed': 'event',
  'follow_up.mail_resent': 'event',
  'callback.requested': 'note',
  'callback.attempted': 'note',
  'callback.action_taken': 'note',
  'case.imported': 'event',
  'case.filed_by_app': 'event',
  'case.cluster_joined': 'event',
  'case.cluster_gained': 'event',
  'case.cluster_left': 'event',
  'case.cluster_lost': 'event',
  'callback.assigned': 'note',
  'callback.message_sent_by_hand': 'note',
} as const satisfies Record<CaseEventType, TimelineKind>;

export const timelineKindOf = (type: CaseEventType): TimelineKind => EVENT_TIMELINE_KIND[type];
