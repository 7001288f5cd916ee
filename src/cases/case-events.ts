import type { DepartmentRole } from '../auth/roles.js';
import type { Channel } from '../messages/inbound.js';
import type { CallbackOutcome, NextAction, NextStep } from './callback-steps.js';
import type { CaseStatus, CaseType, Term } from './case-type.js';

/**
 * The history of a case (`case_events`, append-only), declared once: each kind of event with the
 * data it carries. `recordCaseEvent` checks each insert against it, the schema types the table's
 * columns from here, and readers (the console's timeline, the follow-up's reactions, the deadline
 * view) narrow on `type`. Names are past tense: what happened, never what should happen.
 */

/** Who did it. */
export const ACTOR_KINDS = ['citizen', 'bot', 'staff', 'system'] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

/** A staff member's name goes with the event as `by` (so history reads without a join), when given. */
export type Actor = { kind: 'citizen' | 'bot' | 'system'; id?: string } | { kind: 'staff'; id: string; name?: string };

/** Why an answer could not be written to the citizen: staff must call. */
export type PendingContactReason = 'no_email' | 'no_email_channel';

/** Whom to call and what to tell them. */
export type PendingContact = {
  phone: string | null;
  email: string | null;
  reason: PendingContactReason;
  text: string;
};

/** No data beyond who did it and when. */
type Nothing = Record<never, never>;

export interface CaseEventDataMap {
  'case.opened': {
    folio: string;
    type: CaseType;
    /** Category and department codes. */
    category: string;
    department: string;
    channel: Channel;
    dueAt: string;
    term: Term;
    /** The classifier's, for cases the bot opened. */
    confidence: number | null;
  };
  /** Photos the citizen sent before the case opened, now linked to it. */
  'case.attachment_added': { count: number };
  // Email channel: a citizen's later message joined the case; an address arrived later.
  'case.message_added': { messageId: number; channel: Channel; attachments: number };
  'case.address_added': { address: string; messageId: number };
  /** A message to the citizen could not be delivered: given up on, or bounced back. */
  'delivery.failed': { messageId: number; channel: Channel } & ({ reason: 'bounce'; bounceMessageId: number } | { error: string });
  'case.received': Nothing;
  /** To another level inside the department (to a named person or to whoever holds that level), or to another department. */
  'case.derived':
    | { from: DepartmentRole; to: DepartmentRole; userId: number | null; note: string; toDepartmentId?: never }
    | { fromDepartmentId: number; toDepartmentId: number; toDepartment: string; note: string };
  /** Sent to another authority. */
  'case.derived_external': { organism: string; sentVia: string; note: string };
  /** The department fields are there when the new category belongs to another department. */
  'case.reclassified': {
    fromType: CaseType;
    toType: CaseType;
    fromCategoryId: number;
    toCategory: string;
    reason: string;
    fromDepartmentId?: number;
    toDepartmentId?: number;
  };
  'case.note_added': { text: string };
  'case.status_changed': { from: CaseStatus; to: CaseStatus; note: string | null };
  // What staff told the citizen; `messageId` is null when it could not be written to them.
  'case.replied': { text: string; messageId: number | null };
  'case.closed': { answer: string; messageId: number | null };
  'case.rejected': { reason: string; messageId: number | null };
  /** An answer that could not be written to the citizen (no email, or no email channel): staff must call. */
  'case.answer_pending_contact': PendingContact;
  /** The call, once made. */
  'case.citizen_contacted': { note: string; callbackId?: number };
  // Issue 8, automatic follow-up: what Ventanilla did by itself, and what it heard back.
  /** The one extension (prórroga) the law allows. */
  'case.extended': { reason: string; fromDueAt: string; toDueAt: string; term: Term; messageId: number | null };
  'case.reopened': { reason: 'survey_unsolved'; fromStatus: CaseStatus; dueAt: string };
  'case.escalated': { from: CaseStatus; reason: 'overdue'; dueAt: string };
  'case.survey_answered': { solved: boolean; rating: number | null };
  'follow_up.routing_sheet_sent': {
    sheetId: number;
    department: string;
    to: string | null;
    mailed: boolean;
    /** Why it was not mailed. */
    reason?: 'mail_not_configured' | 'no_liaison';
  };
  /** The liaison acknowledged receipt through the signed link: `by` is the name they gave. */
  'follow_up.acknowledged': { sheetId: number; by: string; department: string | null; address: string | null };
  /** `digest`: the mail waits for the recipient's daily notice digest (absent before issue 18: mailed alone). */
  'follow_up.acknowledgement_reminded': { sheetId: number; to: string | null; mailed: boolean; digest?: boolean };
  'follow_up.acknowledgement_escalated': { sheetId: number; to: string[]; digest?: boolean };
  'follow_up.deadline_warning': { percent: number; dueAt: string; overdue: boolean; to: string[]; mailed: boolean; digest?: boolean };
  /** What the citizen was told about (an event, or the survey), and where; `channel` is null when they could not be written to. */
  'follow_up.citizen_notified': { about: CaseEventType | 'survey' } & (
    | { channel: Channel; messageId: number }
    | { channel: null; reason: PendingContactReason | 'no_channel' }
  );
  'follow_up.survey_sent': { channel: Channel; reopenWithinDays: number };
  // Mail to staff (routing sheets, reminders, digests…): `kind` names which.
  'follow_up.mail_sent': { kind: string; to: string; subject: string; staffMailId: number };
  'follow_up.mail_failed': { kind: string; to: string; error: string; staffMailId: number };
  'follow_up.mail_resent': { kind: string; to: string; staffMailId: number; note: string };
  'callback.requested': {
    callbackId: number;
    reason: string | null;
    phone: string | null;
    nextAction: NextAction;
    nextActionAt: string | null;
  };
  'callback.attempted': {
    callbackId: number;
    attempt: number;
    outcome: CallbackOutcome;
    note: string | null;
    nextAction: NextAction;
    nextActionAt: string | null;
    instruction: NextStep['instruction'];
    report: NextStep['report'];
  };
  /** Issue 17: the case came from a row of the social-network spreadsheet; `network` and `date` as the file had them. */
  'case.imported': { importId: number; row: number; network: string | null; date: string | null };
  /** Issue 19: filed through Open311 by the app holding this key; `token` answers GET tokens/{token}. */
  'case.filed_by_app': { keyId: number; app: string; token: string; accountId: string | null; serviceCode: string };
  /** Who is to make the call; null when taken off everybody. */
  'callback.assigned': { callbackId: number; staffUserId: number | null; staffName: string | null };
  /** The automatic step after three failed calls: the message asking the citizen to call, sent, or left to the operators. */
  'callback.action_taken': { callbackId: number; action: 'send_message' } & (
    | { channel: Channel; messageId: number }
    | { manual: true; phone: string | null; text: string }
  );
  /** Issue 18: an operator sent the call-back's SMS themselves (no SMS gateway configured) and said so. */
  'callback.message_sent_by_hand': { callbackId: number; phone: string | null };
  /**
   * Issue 20, clusters of reports: this report joined another's (`distance` or `address` when it was
   * opened, `staff` by hand); the parent's history gains the same. `distanceM` when both had points.
   */
  'case.cluster_joined': {
    parentId: number;
    parentFolio: string;
    how: 'distance' | 'address' | 'staff';
    distanceM: number | null;
    similarity: number | null;
  };
  'case.cluster_gained': {
    childId: number;
    childFolio: string;
    how: 'distance' | 'address' | 'staff';
    distanceM: number | null;
    similarity: number | null;
  };
  /** Split by staff: the report stands on its own again. */
  'case.cluster_left': { parentId: number; parentFolio: string };
  'case.cluster_lost': { childId: number; childFolio: string };
}

export type CaseEventType = keyof CaseEventDataMap;

/** What is stored: the event's data, and the name of the staff member who did it when a named person did. */
export type CaseEventData<T extends CaseEventType = CaseEventType> = CaseEventDataMap[T] & { by?: string };

/** An event's type and stored data, as a pair: narrowing on `type` narrows `data`. */
export type CaseEventBody<T extends CaseEventType = CaseEventType> = { [K in T]: { type: K; data: CaseEventData<K> } }[T];

/** A `case_events` row as read back. */
export type RecordedCaseEvent<T extends CaseEventType = CaseEventType> = {
  id: number;
  caseId: number;
  actorKind: ActorKind;
  actorId: string | null;
  createdAt: Date;
} & CaseEventBody<T>;
