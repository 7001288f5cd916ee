import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  bigserial,
  boolean,
  customType,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { DEPARTMENT_ROLES, STAFF_ROLES } from '../auth/roles.js';
import { CALLBACK_OUTCOMES, CALLBACK_STATUSES, NEXT_ACTIONS } from '../cases/callback-steps.js';
import { ACTOR_KINDS, type CaseEventData, type CaseEventType } from '../cases/case-events.js';
import { CASE_STATUSES, CASE_TYPES, DUE_UNITS, FINAL_STATUSES } from '../cases/case-type.js';
import type { ConversationEventData, ConversationEventType } from '../conversations/conversation-events.js';
import { CONVERSATION_STATUSES } from '../dialogs/conversation-status.js';
import { DELIVERY_STATUSES } from '../messages/delivery.js';
import { ATTACHMENT_KINDS, CHANNELS } from '../messages/inbound.js';
import { MESSAGE_AUTHORS, MESSAGE_DIRECTIONS, type MessagePayload } from '../messages/stored.js';
import type { JobPayload } from '../queue/payload.js';
import type { CitizenRegistration } from '../citizens/registration.js';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => new Uint8Array(value),
});

/**
 * The tray's "still being worked" predicate, spelt with literals so the planner can match it to
 * the partial indexes below (a bound parameter would hide the values from it).
 */
export const openCaseSql = sql.raw(`"cases"."status" not in (${FINAL_STATUSES.map((s) => `'${s}'`).join(', ')})`);

// Enums and JSON shapes come from their vocabularies; `text({ enum })` types a column, the database keeps text.
const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();

export const departments = pgTable('departments', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  /** The department's liaison (enlace): follow-ups go here. */
  liaisonEmail: text('liaison_email'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
});
export type Department = typeof departments.$inferSelect;

export const categories = pgTable('categories', {
  id: serial('id').primaryKey(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  departmentId: integer('department_id')
    .notNull()
    .references(() => departments.id),
  /** Overrides the default answer term when set. */
  dueDays: integer('due_days'),
  active: boolean('active').notNull().default(true),
  createdAt: createdAt(),
  /** The type staff start from when they open a case of this category by hand. */
  defaultType: text('default_type', { enum: CASE_TYPES }),
  /** How `due_days` counts: calendar days, or business days (office days minus holidays). Calendar when unset. */
  dueUnit: text('due_unit', { enum: DUE_UNITS }),
  /** How near two reports of this category must be to be one problem (src/cases/clusters.ts); CLUSTER_RADIUS_M when unset. */
  clusterRadiusM: integer('cluster_radius_m'),
});
export type Category = typeof categories.$inferSelect;

export const staffUsers = pgTable('staff_users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  role: text('role', { enum: STAFF_ROLES }).notNull(),
  departmentId: integer('department_id').references(() => departments.id),
  active: boolean('active').notNull().default(true),
  failedLogins: integer('failed_logins').notNull().default(0),
  lockedUntil: timestamp('locked_until', { withTimezone: true }),
  createdAt: createdAt(),
});
export type StaffUser = typeof staffUsers.$inferSelect;

export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** SHA-256 of the bearer token: a leaked table does not leak sessions. */
    tokenHash: text('token_hash').notNull().unique(),
    userId: integer('user_id')
      .notNull()
      .references(() => staffUsers.id),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('staff_sessions_user_idx').on(t.userId)],
);

/**
 * Keys of the apps that file and read service requests through Open311 GeoReport v2 (issue 19).
 * Only a SHA-256 of each key is kept: it is shown once, when an admin issues it. A revoked key
 * stays, so the cases it filed keep their attribution.
 */
export const open311Keys = pgTable('open311_keys', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  createdBy: integer('created_by').references(() => staffUsers.id),
  createdAt: createdAt(),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
});
export type Open311Key = typeof open311Keys.$inferSelect;

export const citizens = pgTable('citizens', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  name: text('name'),
  phone: text('phone'),
  email: text('email'),
  /** The phone centre's optional registration (birth date, sex, place of birth, home address), only the fields turned on and given (src/citizens/registration.ts). */
  registration: jsonb('registration').$type<CitizenRegistration>(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  /** When the citizen's personal data was erased on their request (src/citizens/erase.ts); the row stays so their cases keep counting. */
  erasedAt: timestamp('erased_at', { withTimezone: true }),
  /** The citizen this record was merged into by staff (src/citizens/merge.ts); kept so old links resolve. */
  mergedInto: bigint('merged_into', { mode: 'number' }),
});
export type Citizen = typeof citizens.$inferSelect;

export const citizenIdentities = pgTable(
  'citizen_identities',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    citizenId: bigint('citizen_id', { mode: 'number' })
      .notNull()
      .references(() => citizens.id),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    channelUserId: text('channel_user_id').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('citizen_identities_channel_user_uq').on(t.channel, t.channelUserId)],
);

export const CONTACT_KINDS = ['phone', 'email'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

/**
 * The phones and emails a citizen is reachable at, normalised (E.164, lower case) so two records
 * can be matched. `verified` when a channel proved it (a WhatsApp or SMS sender, a mail's sender),
 * not when someone typed it in a form or a spreadsheet (src/citizens/contacts.ts).
 */
export const citizenContacts = pgTable(
  'citizen_contacts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    citizenId: bigint('citizen_id', { mode: 'number' })
      .notNull()
      .references(() => citizens.id),
    kind: text('kind', { enum: CONTACT_KINDS }).notNull(),
    value: text('value').notNull(),
    verified: boolean('verified').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('citizen_contacts_citizen_value_uq').on(t.citizenId, t.kind, t.value),
    index('citizen_contacts_value_idx').on(t.kind, t.value),
  ],
);

export const MERGE_PROPOSAL_STATUSES = ['pending', 'confirmed', 'rejected'] as const;

/** Two citizen records that share a phone or email, one side verified: staff confirm or reject, nothing merges silently. */
export const citizenMergeProposals = pgTable(
  'citizen_merge_proposals',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The older record, the one kept when confirmed. */
    citizenId: bigint('citizen_id', { mode: 'number' })
      .notNull()
      .references(() => citizens.id),
    otherCitizenId: bigint('other_citizen_id', { mode: 'number' })
      .notNull()
      .references(() => citizens.id),
    kind: text('kind', { enum: CONTACT_KINDS }).notNull(),
    value: text('value').notNull(),
    status: text('status', { enum: MERGE_PROPOSAL_STATUSES }).notNull().default('pending'),
    createdAt: createdAt(),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    decidedBy: integer('decided_by').references(() => staffUsers.id),
  },
  (t) => [
    uniqueIndex('citizen_merge_proposals_pair_uq').on(t.citizenId, t.otherCitizenId),
    index('citizen_merge_proposals_pending_idx').on(t.createdAt).where(sql`status = 'pending'`),
  ],
);

export const conversations = pgTable(
  'conversations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    conversationKey: text('conversation_key').notNull(),
    channelUserId: text('channel_user_id').notNull(),
    citizenId: bigint('citizen_id', { mode: 'number' })
      .notNull()
      .references(() => citizens.id),
    /** Handoff is a status: the bot answers only while it is `bot`. */
    status: text('status', { enum: CONVERSATION_STATUSES }).notNull().default('bot'),
    /** The engine's DialogState, left untyped: every read parses it, and email conversations a case opens hold `{}`. */
    dialogState: jsonb('dialog_state').notNull(),
    /** Web chat only: SHA-256 of the conversation's bearer token. */
    tokenHash: text('token_hash'),
    locale: text('locale').notNull().default('es'),
    lastInboundAt: timestamp('last_inbound_at', { withTimezone: true }),
    /** When the citizen last told of danger now (the bot gave the emergency number); operators see it flagged. */
    emergencyAt: timestamp('emergency_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('conversations_channel_key_uq').on(t.channel, t.conversationKey),
    index('conversations_status_idx').on(t.status),
    // The attention register's abandoned conversations, newest first, a page at a time.
    index('conversations_last_inbound_idx').on(t.lastInboundAt, t.id),
  ],
);
export type Conversation = typeof conversations.$inferSelect;

export const cases = pgTable(
  'cases',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    folio: text('folio').notNull().unique(),
    folioYear: integer('folio_year').notNull(),
    folioSeq: integer('folio_seq').notNull(),
    type: text('type', { enum: CASE_TYPES }).notNull(),
    categoryId: integer('category_id')
      .notNull()
      .references(() => categories.id),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    status: text('status', { enum: CASE_STATUSES }).notNull().default('nuevo'),
    citizenId: bigint('citizen_id', { mode: 'number' })
      .notNull()
      .references(() => citizens.id),
    conversationId: uuid('conversation_id').references(() => conversations.id),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    description: text('description').notNull(),
    address: text('address'),
    latitude: doublePrecision('latitude'),
    longitude: doublePrecision('longitude'),
    classificationConfidence: real('classification_confidence'),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    /** Who holds the case now inside its department (console): a role level, and a person when one is named. */
    assignedRole: text('assigned_role', { enum: DEPARTMENT_ROLES }).notNull().default('responsable'),
    assignedUserId: integer('assigned_user_id').references(() => staffUsers.id),
    /** Set when someone recepciona the case; the tray lists cases without it as not yet received. */
    receivedAt: timestamp('received_at', { withTimezone: true }),
    receivedBy: integer('received_by').references(() => staffUsers.id),
    /** The one extension (prórroga) the law allows: when it was granted; `due_at` then holds the new date. */
    extendedAt: timestamp('extended_at', { withTimezone: true }),
    /** The citizen told of danger now while reporting it (they were given the emergency number): staff see it flagged. */
    emergency: boolean('emergency').notNull().default(false),
    /** The first answer staff gave the citizen (a reply, the final answer or a rejection): time to first response in the statistics. */
    firstAnsweredAt: timestamp('first_answered_at', { withTimezone: true }),
    /**
     * What the tray's search matches (issue 18): folio, description and the citizen's name, e-mail
     * and phone digits, lower case without accents. Kept by triggers (migration 0014) when the case
     * or its citizen changes, so an erased citizen's name leaves their cases' search too.
     */
    searchText: text('search_text').notNull().default(''),
    /**
     * The report this one was joined to (issue 20): the department works that *parent*, and this
     * one follows it, its citizen told of every change. Null for a parent and a case on its own.
     */
    clusterParentId: bigint('cluster_parent_id', { mode: 'number' }).references((): AnyPgColumn => cases.id),
    /** The address folded to street, number and colony (src/places/address-key.ts): the same place written another way. */
    placeKey: text('place_key'),
  },
  (t) => [
    uniqueIndex('cases_folio_year_seq_uq').on(t.folioYear, t.folioSeq),
    index('cases_department_status_idx').on(t.departmentId, t.status),
    index('cases_citizen_idx').on(t.citizenId),
    // Statistics of a period and the tray's date filters; a department's statistics.
    index('cases_created_idx').on(t.createdAt, t.id),
    index('cases_department_created_idx').on(t.departmentId, t.createdAt),
    // The tray asked for one status, newest first.
    index('cases_status_created_idx').on(t.status, t.createdAt, t.id),
    // The tray by default: open cases are few beside the closed ones, so both sorts get their own partial index.
    index('cases_open_newest_idx').on(t.createdAt, t.id).where(openCaseSql),
    index('cases_open_urgent_idx').on(t.emergency.desc().nullsFirst(), t.dueAt, t.id).where(openCaseSql),
    // The deadline sweep walks the open cases by due date every few minutes: without this it walked every case ever closed too.
    index('cases_open_due_idx').on(t.dueAt).where(openCaseSql),
    index('cases_category_idx').on(t.categoryId),
    index('cases_assigned_user_idx').on(t.assignedUserId).where(sql`${t.assignedUserId} is not null`),
    // The dashboard (issue 17): cases concluded in a period, and the terms that ended in one (deadline compliance).
    index('cases_closed_idx').on(t.closedAt).where(sql`${t.closedAt} is not null`),
    // A new report looks for an open report of its category near it: by a box of latitudes and longitudes, or by its place.
    index('cases_cluster_geo_idx')
      .on(t.categoryId, t.latitude, t.longitude)
      .where(sql`${openCaseSql} and ${t.clusterParentId} is null and ${t.latitude} is not null`),
    index('cases_cluster_place_idx')
      .on(t.categoryId, t.placeKey)
      .where(sql`${openCaseSql} and ${t.clusterParentId} is null and ${t.placeKey} is not null`),
    index('cases_cluster_parent_idx').on(t.clusterParentId).where(sql`${t.clusterParentId} is not null`),
    index('cases_due_idx').on(t.dueAt, t.departmentId),
    // The tray's search: any part of any word, by trigrams (pg_trgm).
    index('cases_search_idx').using('gin', sql`${t.searchText} gin_trgm_ops`),
  ],
);
export type Case = typeof cases.$inferSelect;

/** The columns of `case_figures` and of the changes appended to it: the key, then the two sums. */
function figureColumns() {
  return {
    kind: text('kind', { enum: ['opened', 'concluded', 'due', 'to_close', 'to_answer'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    departmentId: integer('department_id').notNull(),
    categoryId: integer('category_id').notNull(),
    type: text('type', { enum: CASE_TYPES }).notNull(),
    channel: text('channel').notNull(),
    status: text('status').notNull(),
    tenth: integer('tenth').notNull(),
    cases: integer('cases').notNull(),
    msSum: doublePrecision('ms_sum').notNull(),
  };
}

/**
 * The dashboard's figures kept per hour (per UTC day for durations) instead of counted from every
 * case of a period (issue 17): at a year's volume the counts took a second. One row per kind of
 * figure, time unit and group; `cases` and `ms_sum` are sums over the cases in it. Triggers on
 * `cases` (migration 0018) add a case's contributions and subtract its old ones in the same
 * transaction as the change, whatever writes it. Kinds:
 * - `opened`: by the hour the case was opened, with category and status;
 * - `concluded`: cases cerrado or no_procede, by the hour of closing, with status;
 * - `due`: by the hour the term ends, `status` holding on_time, late or unanswered;
 * - `to_close`, `to_answer`: durations (ms) to close and to first answer, by UTC day opened and tenth of a day.
 * Unused key columns hold 0 or ''. The triggers do not write here but append to `case_figure_changes`,
 * which the sweep folds in: transactions that change many cases would otherwise lock these rows in
 * differing orders and deadlock. Readers add both. Rows whose sums fall to zero stay.
 */
export const caseFigures = pgTable('case_figures', figureColumns(), (t) => [
  primaryKey({ name: 'case_figures_pk', columns: [t.kind, t.at, t.departmentId, t.categoryId, t.type, t.channel, t.status, t.tenth] }),
]);

/**
 * What changed in `case_figures` since the sweep last folded it in: appended by the triggers (no
 * key, so writers never wait for each other), moved into `case_figures` by `foldCaseFigures`.
 */
export const caseFigureChanges = pgTable('case_figure_changes', figureColumns());

// Folio numbers come from one sequence a year, `folio_seq_<year>`, taken by the SQL function
// `next_folio_seq(year)` (migration 0009): see src/cases/folio.ts.

/** Append-only history of a case. Nothing updates or deletes these rows; `recordCaseEvent` writes them, type and data as a checked pair. */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    type: text('type').$type<CaseEventType>().notNull(),
    actorKind: text('actor_kind', { enum: ACTOR_KINDS }).notNull(),
    actorId: text('actor_id'),
    data: jsonb('data').$type<CaseEventData>().notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [
    index('case_events_case_idx').on(t.caseId, t.id),
    // The few events the tray and the statistics look for among all of them.
    index('case_events_pending_contact_idx').on(t.caseId, t.id).where(sql`${t.type} = 'case.answer_pending_contact'`),
    index('case_events_reopened_idx').on(t.caseId).where(sql`${t.type} = 'case.reopened'`),
  ],
);
export type CaseEvent = typeof caseEvents.$inferSelect;

export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    direction: text('direction', { enum: MESSAGE_DIRECTIONS }).notNull(),
    channel: text('channel', { enum: CHANNELS }).notNull(),
    /** The platform's id: for inbound the delivery id (retries share it), for outbound what the platform returned. */
    externalId: text('external_id'),
    author: text('author', { enum: MESSAGE_AUTHORS }).notNull(),
    text: text('text').notNull().default(''),
    /** The structured prompt of an outbound message, or location/contact/choice of an inbound one. */
    payload: jsonb('payload').$type<MessagePayload>().notNull().default(sql`'{}'::jsonb`),
    /** Outbound replies point at the inbound message that produced them, so a retried delivery gets the same replies. */
    inReplyTo: bigint('in_reply_to', { mode: 'number' }),
    caseId: bigint('case_id', { mode: 'number' }).references(() => cases.id),
    /** Outbound only: what the platform last reported (WhatsApp statuses, mail bounces). */
    deliveryStatus: text('delivery_status', { enum: DELIVERY_STATUSES }),
    deliveryStatusAt: timestamp('delivery_status_at', { withTimezone: true }),
    deliveryError: text('delivery_error'),
    createdAt: createdAt(),
  },
  (t) => [
    // Status reports and mail replies name an outbound message by the platform's id.
    index('messages_outbound_external_idx').on(t.channel, t.externalId).where(sql`${t.direction} = 'out'`),
    // Per conversation: a platform's ids (a web chat's client ids above all) are only unique within their chat.
    uniqueIndex('messages_inbound_conversation_external_uq').on(t.conversationId, t.externalId).where(sql`${t.direction} = 'in'`),
    index('messages_conversation_idx').on(t.conversationId, t.id),
    index('messages_in_reply_to_idx').on(t.inReplyTo),
  ],
);
export type Message = typeof messages.$inferSelect;

export const attachments = pgTable(
  'attachments',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id),
    caseId: bigint('case_id', { mode: 'number' }).references(() => cases.id),
    kind: text('kind', { enum: ATTACHMENT_KINDS }).notNull(),
    contentType: text('content_type').notNull(),
    filename: text('filename'),
    sizeBytes: integer('size_bytes').notNull(),
    data: bytea('data').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('attachments_case_idx').on(t.caseId), index('attachments_message_idx').on(t.messageId)],
);

/** Who looked at or changed citizens' personal data, and when. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    staffUserId: integer('staff_user_id').references(() => staffUsers.id),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    ip: text('ip'),
    createdAt: createdAt(),
  },
  // A list view's subject is the ids it showed, comma-separated: too long for a btree entry (2.7 KB)
  // at a few hundred ids, and found by one id either way: `string_to_array(subject_id, ',') @> array['123']`.
  (t) => [index('audit_log_subject_ids_idx').using('gin', sql`string_to_array(${t.subjectId}, ',')`)],
);

/** Small durable state a channel keeps between runs: Telegram's update offset, a mailbox's last UID. Each key's reader names its value's type. */
export const channelState = pgTable(
  'channel_state',
  {
    channel: text('channel').notNull(),
    key: text('key').notNull(),
    value: jsonb('value').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.channel, t.key] })],
);

/** Handoffs and other things that happen to a conversation rather than to a case. */
export const conversationEvents = pgTable(
  'conversation_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    type: text('type').$type<ConversationEventType>().notNull(),
    data: jsonb('data').$type<ConversationEventData>().notNull().default(sql`'{}'::jsonb`),
    createdAt: createdAt(),
  },
  (t) => [index('conversation_events_conversation_idx').on(t.conversationId, t.id)],
);

/* ---- Understanding citizens (issue 9) ------------------------------------------------------- */

/**
 * A type or topic the citizen picked from buttons because the classifier was unsure: a labelled
 * example an admin reviews and, if accepted, exports into the training corpus.
 */
export const labelledExamples = pgTable(
  'labelled_examples',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    messageId: bigint('message_id', { mode: 'number' }).references(() => messages.id),
    channel: text('channel').notNull(),
    field: text('field', { enum: ['type', 'category'] }).notNull(),
    text: text('text').notNull(),
    predicted: text('predicted'),
    chosen: text('chosen').notNull(),
    confidence: real('confidence'),
    review: text('review', { enum: ['pending', 'accepted', 'rejected'] })
      .notNull()
      .default('pending'),
    reviewedBy: integer('reviewed_by').references(() => staffUsers.id),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('labelled_examples_review_idx').on(t.review, t.id)],
);
export type LabelledExample = typeof labelledExamples.$inferSelect;

export const ATTENTION_KINDS = ['case_opened', 'information_answered', 'status_lookup', 'handed_to_person'] as const;

/**
 * One row per outcome of a conversation turn (a case opened, a question answered from the
 * catalogue, a status lookup, a handoff), written in the turn's transaction: what citizens
 * ask for, including everything that never becomes a case.
 */
export const attentionLog = pgTable(
  'attention_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: uuid('conversation_id')
      .notNull()
      .references(() => conversations.id),
    channel: text('channel').notNull(),
    kind: text('kind', { enum: ATTENTION_KINDS }).notNull(),
    /** The case type for `case_opened`, the procedure id for `information_answered`, the reason of a handoff. */
    detail: text('detail'),
    caseId: bigint('case_id', { mode: 'number' }).references(() => cases.id),
    createdAt: createdAt(),
  },
  (t) => [index('attention_log_created_idx').on(t.createdAt), index('attention_log_conversation_idx').on(t.conversationId)],
);
export type AttentionLogEntry = typeof attentionLog.$inferSelect;

function attentionFigureColumns() {
  return {
    kind: text('kind', { enum: [...ATTENTION_KINDS, 'abandoned'] }).notNull(),
    at: timestamp('at', { withTimezone: true }).notNull(),
    channel: text('channel').notNull(),
    detail: text('detail').notNull(),
    count: integer('count').notNull(),
  };
}

/**
 * The attention log's counts per UTC hour, channel, kind and detail ('' for none), kept by triggers
 * (migration 0019) as `case_figures` is for cases: a year's register is a million rows, its sums a
 * hundred thousand. Kind `abandoned` counts conversations that have no attention at all by the hour
 * the citizen last wrote; the triggers on `conversations` move it with that hour, those on
 * `attention_log` take it out at a conversation's first attention. Appended to
 * `attention_figure_changes` and folded in by the sweep, for the same reason as the case figures.
 */
export const attentionFigures = pgTable('attention_figures', attentionFigureColumns(), (t) => [
  primaryKey({ name: 'attention_figures_pk', columns: [t.kind, t.at, t.channel, t.detail] }),
]);
export const attentionFigureChanges = pgTable('attention_figure_changes', attentionFigureColumns());

/* ---- Automatic follow-up (issue 8) ------------------------------------------------------------ */

/**
 * Durable jobs: the scheduler claims due rows with FOR UPDATE SKIP LOCKED and a lease, so several
 * instances share them and each runs once. `key` is unique for ever, which makes scheduling
 * idempotent ("the routing sheet for event 812", "the weekly digest of 2026-11-30").
 */
export const jobs = pgTable(
  'jobs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    key: text('key').notNull().unique(),
    payload: jsonb('payload').$type<JobPayload>().notNull().default(sql`'{}'::jsonb`),
    runAt: timestamp('run_at', { withTimezone: true }).notNull(),
    status: text('status', { enum: ['pending', 'done', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    /** While set and in the future, an instance is running the job. */
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    lastError: text('last_error'),
    doneAt: timestamp('done_at', { withTimezone: true }),
    /** Jobs sharing this run one at a time, oldest first: a conversation's messages leave in order. */
    orderingKey: text('ordering_key'),
    createdAt: createdAt(),
  },
  (t) => [
    index('jobs_due_idx').on(t.runAt).where(sql`${t.status} = 'pending'`),
    index('jobs_ordering_pending_idx').on(t.orderingKey, t.id).where(sql`${t.status} = 'pending' and ${t.orderingKey} is not null`),
  ],
);
export type Job = typeof jobs.$inferSelect;

/**
 * Mail to staff (routing sheets, reminders, digests, escalations): rendered when decided, sent by a
 * job. The Message-ID is fixed before the first attempt, so a resend after a crash is the same mail.
 */
export const staffMails = pgTable(
  'staff_mails',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Idempotency: one mail per reason ("routing-sheet:812:enlace@…"). */
    dedupKey: text('dedup_key').notNull().unique(),
    kind: text('kind').notNull(),
    caseId: bigint('case_id', { mode: 'number' }).references(() => cases.id),
    departmentId: integer('department_id').references(() => departments.id),
    toAddress: text('to_address').notNull(),
    subject: text('subject').notNull(),
    text: text('text').notNull(),
    html: text('html'),
    attachments: jsonb('attachments')
      .$type<Array<{ filename: string; contentType: string; base64: string }>>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    messageId: text('message_id').notNull(),
    status: text('status', { enum: ['pending', 'sent', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    lastError: text('last_error'),
    createdAt: createdAt(),
  },
  (t) => [index('staff_mails_case_idx').on(t.caseId)],
);
export type StaffMail = typeof staffMails.$inferSelect;

/** What a staff notice is about: a point of the term, the term itself, or a routing sheet nobody acknowledged. */
export const STAFF_NOTICE_KINDS = ['deadline_warning', 'overdue', 'ack_reminder', 'ack_escalation'] as const;

/**
 * A notice to one staff address about one case, kept until the daily notice digest mails it
 * (issue 18: one mail per recipient and department per day instead of one per case). Written in
 * the unit of work that decides it, settled in the one that queues the digest mail, so a crash
 * between the two neither loses nor repeats it.
 */
export const staffNotices = pgTable(
  'staff_notices',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** One notice per reason and recipient, like staff mails' keys. */
    dedupKey: text('dedup_key').notNull().unique(),
    kind: text('kind', { enum: STAFF_NOTICE_KINDS }).notNull(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    toAddress: text('to_address').notNull(),
    /** The point of the term warned about (deadline notices). */
    percent: integer('percent'),
    dueAt: timestamp('due_at', { withTimezone: true }),
    /** The routing sheet not acknowledged (acknowledgement notices): the digest links to its acknowledgement. */
    sheetId: bigint('sheet_id', { mode: 'number' }),
    /** The sheet's signed acknowledgement link, for the liaison who is to acknowledge it. */
    ackLink: text('ack_link'),
    createdAt: createdAt(),
    settledAt: timestamp('settled_at', { withTimezone: true }),
    /** `mailed` in a digest, or `moot`: the case closed, or the sheet was acknowledged, before the digest went. */
    outcome: text('outcome', { enum: ['mailed', 'moot'] }),
    staffMailId: bigint('staff_mail_id', { mode: 'number' }).references(() => staffMails.id),
  },
  (t) => [index('staff_notices_pending_idx').on(t.toAddress, t.departmentId).where(sql`${t.settledAt} is null`)],
);
export type StaffNotice = typeof staffNotices.$inferSelect;

/** Marks that a time-based rule already acted on a case ("deadline:80:<due>", "ack-reminder:5"): each acts once. */
export const followUpMarks = pgTable(
  'follow_up_marks',
  {
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    mark: text('mark').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.mark] })],
);

/** A routing sheet (hoja de trámite) sent to a department's liaison, and its acknowledgement of receipt (acuse). */
export const routingSheets = pgTable(
  'routing_sheets',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    departmentId: integer('department_id')
      .notNull()
      .references(() => departments.id),
    /** The case event (opened, derived, reclassified) that sent the case to this department. */
    triggerEventId: bigint('trigger_event_id', { mode: 'number' }).notNull().unique(),
    toAddress: text('to_address'),
    staffMailId: bigint('staff_mail_id', { mode: 'number' }).references(() => staffMails.id),
    linkExpiresAt: timestamp('link_expires_at', { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedBy: text('acknowledged_by'),
    acknowledgedIp: text('acknowledged_ip'),
    createdAt: createdAt(),
  },
  (t) => [index('routing_sheets_case_idx').on(t.caseId)],
);
export type RoutingSheet = typeof routingSheets.$inferSelect;

/** The question sent when a case closes: was it solved, and a rating 1–5. */
export const caseSurveys = pgTable(
  'case_surveys',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    conversationId: uuid('conversation_id').references(() => conversations.id),
    /** The `case.closed` event that asked: a case closed twice is asked twice. */
    closedEventId: bigint('closed_event_id', { mode: 'number' }).notNull().unique(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
    /** Until then "no se resolvió" reopens the case. */
    reopenUntil: timestamp('reopen_until', { withTimezone: true }).notNull(),
    solved: boolean('solved'),
    rating: integer('rating'),
    answeredAt: timestamp('answered_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('case_surveys_conversation_idx').on(t.conversationId), index('case_surveys_case_idx').on(t.caseId)],
);
export type CaseSurvey = typeof caseSurveys.$inferSelect;

/** A case that needs a phone call back, its next action and when. */
export const callbacks = pgTable(
  'callbacks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: bigint('case_id', { mode: 'number' })
      .notNull()
      .references(() => cases.id),
    phone: text('phone'),
    status: text('status', { enum: CALLBACK_STATUSES }).notNull().default('open'),
    nextAction: text('next_action', { enum: NEXT_ACTIONS }).notNull().default('call'),
    nextActionAt: timestamp('next_action_at', { withTimezone: true }),
    reason: text('reason'),
    createdBy: integer('created_by').references(() => staffUsers.id),
    /** The operator who is to make the call (issue 17); null while nobody is. */
    assignedTo: integer('assigned_to').references(() => staffUsers.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('callbacks_case_idx').on(t.caseId),
    index('callbacks_open_idx').on(t.nextActionAt).where(sql`${t.status} = 'open'`),
    // "Mis llamadas" and each operator's load when call-backs are shared out.
    index('callbacks_assigned_open_idx').on(t.assignedTo).where(sql`${t.status} = 'open'`),
  ],
);
export type Callback = typeof callbacks.$inferSelect;

export const callbackAttempts = pgTable(
  'callback_attempts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    callbackId: bigint('callback_id', { mode: 'number' })
      .notNull()
      .references(() => callbacks.id),
    outcome: text('outcome', { enum: CALLBACK_OUTCOMES }).notNull(),
    note: text('note'),
    staffUserId: integer('staff_user_id').references(() => staffUsers.id),
    createdAt: createdAt(),
  },
  (t) => [index('callback_attempts_callback_idx').on(t.callbackId, t.id)],
);
export type CallbackAttempt = typeof callbackAttempts.$inferSelect;

// Issue 17, part "import": the social-network spreadsheet.

/** One spreadsheet uploaded (console or CLI); its rows are worked through by the queue in batches. */
export const imports = pgTable('imports', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  filename: text('filename').notNull(),
  status: text('status', { enum: ['running', 'done', 'failed'] })
    .notNull()
    .default('running'),
  /** Null when imported at the command line. */
  staffUserId: integer('staff_user_id').references(() => staffUsers.id),
  headerRow: integer('header_row').notNull(),
  total: integer('total').notNull(),
  processed: integer('processed').notNull().default(0),
  imported: integer('imported').notNull().default(0),
  duplicates: integer('duplicates').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  /** Why the whole import stopped (status failed). */
  error: text('error'),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});
export type Import = typeof imports.$inferSelect;

/**
 * A spreadsheet row, stored when the file is accepted and worked by the queue. `fields` (the
 * citizen's name, phone, words) is dropped once the import is done: the case keeps them.
 * `dedupe_key` (a hash of the normalized phone and description) is unique among imported rows,
 * across every import: the same request is never opened twice.
 */
export const importRows = pgTable(
  'import_rows',
  {
    importId: bigint('import_id', { mode: 'number' })
      .notNull()
      .references(() => imports.id),
    row: integer('row').notNull(),
    fields: jsonb('fields').$type<Record<string, string>>(),
    outcome: text('outcome', { enum: ['pending', 'imported', 'duplicate', 'failed'] })
      .notNull()
      .default('pending'),
    /** Why it failed, or what was noticed on an imported row (an unreadable date). */
    reason: text('reason'),
    dedupeKey: text('dedupe_key'),
    caseId: bigint('case_id', { mode: 'number' }).references(() => cases.id),
  },
  (t) => [
    primaryKey({ columns: [t.importId, t.row] }),
    uniqueIndex('import_rows_dedupe_uq').on(t.dedupeKey).where(sql`${t.outcome} = 'imported'`),
  ],
);
