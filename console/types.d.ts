// Shapes of the /api/staff answers as far as the console reads them. Only types: never served, never loaded.
// Enums and case events come from the server's vocabularies, so the console cannot drift from them.

import type { DepartmentRole, StaffRole } from '../src/auth/roles.js';
import type { CallbackStatus, NextAction } from '../src/cases/callback-steps.js';
import type { ActorKind, CaseEventBody, PendingContact as ContactOwed, PendingContactReason } from '../src/cases/case-events.js';
import type { CaseStatus, CaseType, DueUnit } from '../src/cases/case-type.js';
import type { CaseActionKind } from '../src/cases/action-rules.js';
import type { TimelineKind } from '../src/cases/timeline-kind.js';
import type { CitizenRegistration, RegistrationField } from '../src/citizens/registration.js';
import type { ConversationStatus, HandoffReason } from '../src/dialogs/conversation-status.js';
import type { Channel } from '../src/messages/inbound.js';
import type { MessageAuthor, MessageDirection } from '../src/messages/stored.js';
import type { Chart as ChartJs } from 'chart.js';
import type * as Leaflet from 'leaflet';

// The dashboard's answer is the server's own type (issue 17): it holds no Date, so JSON keeps its shape.
export type { Dashboard } from '../src/cases/figures-view.js';
export type { ChartJs };
export type { Leaflet };

declare global {
  interface Window {
    /** Chart.js's browser build, loaded on demand from /console/vendor/chart.umd.min.js. */
    Chart?: typeof ChartJs;
    /** Leaflet's browser build, loaded on demand from /console/vendor/leaflet.js (the map). */
    L?: typeof Leaflet;
  }
}

export type { CaseActionKind, CaseStatus, CaseType, Channel, CitizenRegistration, DepartmentRole, RegistrationField, TimelineKind };
export type Role = StaffRole;

export interface User {
  id: number;
  name: string;
  role: Role;
}

export interface Session {
  user: User;
  csrfToken: string;
}

export interface Department {
  id: number;
  code: string;
  name: string;
  liaisonEmail: string | null;
  active: boolean;
}

export interface Category {
  id: number;
  code: string;
  name: string;
  departmentId: number;
  defaultType: CaseType | null;
  dueDays: number | null;
  dueUnit: DueUnit | null;
  /** Issue 20: how near two reports must be to be one problem; the instance's default when null. */
  clusterRadiusM: number | null;
  active: boolean;
}

export interface Holder {
  id: number;
  name: string;
  role: DepartmentRole;
  departmentId: number | null;
}

export interface Reference {
  /** The phone centre's fields Abrir caso asks for (CITIZEN_REGISTRATION_FIELDS). */
  registrationFields: RegistrationField[];
  departments: Department[];
  categories: Category[];
  holders: Holder[];
}

export interface TrayCase {
  id: number;
  folio: string;
  type: CaseType;
  category: string;
  department: string;
  citizenName: string | null;
  /** The description's first characters; the case page has all of it. */
  description: string;
  createdAt: string;
  dueAt: string;
  receivedAt: string | null;
  pendingContact: unknown;
  status: CaseStatus;
  assignedRole: DepartmentRole;
  /** The citizen told of danger now (they were given the emergency number). */
  emergency: boolean;
}

/** Whom to call and what to read to them: a `case.answer_pending_contact` event, or all the case still owes. */
export type PendingContact = Omit<ContactOwed, 'reason'> & { reason: PendingContactReason | null };

export interface Callback {
  id: number;
  caseId: number;
  folio: string;
  citizenName: string | null;
  phone: string | null;
  department: string;
  status: CallbackStatus;
  nextAction: NextAction;
  nextActionAt: string | null;
  failedCalls: number;
  assignedTo: number | null;
  assignedName: string | null;
  /** Issue 18: the rules could not send the SMS (no gateway) and left it to a person. */
  messageLeftToStaff: boolean;
}

/** Where an import of the social-network spreadsheet stands (GET /api/staff/imports/:id). */
export interface ImportStatus {
  id: number;
  status: 'running' | 'done' | 'failed';
  total: number;
  processed: number;
  imported: number;
  duplicates: number;
  failed: Array<{ row: number; reason: string }>;
  warnings: Array<{ row: number; reason: string }>;
  error: string | null;
}

export interface Checkpoint {
  percent: number;
  at: string;
  done: boolean;
  escalate: boolean;
  /** Mailed at once; otherwise in the next daily notice digest. */
  urgent: boolean;
  notify: string[];
}

export interface Deadline {
  dueAt: string;
  overdue: boolean;
  daysLeft: number;
  businessDaysLeft: number;
  term: { unit: DueUnit; days: number } | null;
  extension: { available: boolean; usedAt: string | null; reason: string | null; wouldMoveTo: string };
  forwarding: { late: boolean; forwardedAt: string | null; deadline: string };
  acknowledgement: { acknowledgedAt: string | null; acknowledgedBy: string | null; sentAt: string; remindAt: string } | null;
  checkpoints: Checkpoint[];
}

/** A message, or a case event with the data its type carries (narrow on `entry`, then `type`); `kind` is its part of the history. */
export type TimelineItem =
  | {
      entry: 'message';
      kind: 'conversation';
      direction: MessageDirection;
      author: MessageAuthor;
      channel: Channel;
      at: string;
      text: string | null;
      location: unknown;
    }
  | ({ entry: 'event'; kind: TimelineKind; actor: string | null; actorKind: ActorKind; at: string } & CaseEventBody);

export interface Attachment {
  id: number;
  kind: string;
  filename: string | null;
  sizeBytes: number;
}

export interface CasePage {
  id: number;
  folio: string;
  type: CaseType;
  status: CaseStatus;
  category: { code: string; name: string };
  department: string;
  departmentId: number;
  assignedRole: DepartmentRole;
  assignedUserId: number | null;
  channel: Channel;
  dueAt: string;
  receivedAt: string | null;
  emergency: boolean;
  description: string;
  /** `registration` only for the staff who may read it, and only when something was recorded. */
  citizen: { id: number; name: string | null; phone: string | null; email: string | null; registration?: CitizenRegistration } | null;
  /** What the signed-in person may do to the case at its level, and where they may derive it. */
  allowed: { actions: CaseActionKind[]; levels: DepartmentRole[] };
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  attachments: Attachment[];
  pendingContact: PendingContact | null;
  deadline: Deadline | null;
  callbacks?: Callback[];
  timeline: TimelineItem[];
  /** The conversation the case was opened in, if any. */
  conversationId: string | null;
  /** The citizen's other cases, of the departments the person may see. */
  citizenCases: CitizenCase[];
  /** The citizen's conversations: only to those who work the inbox. */
  citizenConversations: { id: string; channel: Channel; status: ConversationStatus; updatedAt: string }[];
  /** Issue 20: the report this one follows, or the reports that follow this one. */
  cluster: {
    parent: { id: number; folio: string; status: CaseStatus } | null;
    children: { id: number; folio: string; channel: Channel; status: CaseStatus; createdAt: string; address: string | null }[];
  };
}

export interface CitizenCase {
  id: number;
  folio: string;
  type: CaseType;
  status: CaseStatus;
  channel: Channel;
  createdAt: string;
  category: string;
}

/** Who the conversation is with, as the inbox and the conversation both say it. */
export interface ConversationParty {
  channel: Channel;
  channelUserId: string;
  citizenId: number;
  citizenName: string | null;
  citizenPhone: string | null;
  citizenEmail: string | null;
  /** Why the bot handed it over, and since when it waits (only while it waits for a person). */
  reason: HandoffReason | null;
  waitingSince: string | null;
}

export interface ConversationSummary extends ConversationParty {
  id: string;
  status: ConversationStatus;
  updatedAt: string;
  lastText: string | null;
  /** When the citizen last told of danger now, if they did. */
  emergencyAt: string | null;
}

export interface Conversation extends ConversationParty {
  id: string;
  status: ConversationStatus;
  citizenCases: CitizenCase[];
  messages: { direction: MessageDirection; author: MessageAuthor; createdAt: string; text: string }[];
}

export interface StaffUser {
  id: number;
  name: string;
  email: string;
  role: Role;
  departmentId: number | null;
  active: boolean;
}

export interface Example {
  id: number;
  text: string;
  field: string;
  predicted: string | null;
  chosen: string | null;
  confidence: number | null;
  channel: string;
  createdAt: string;
  review: string;
}

/** The attention figures of a period (`per=period`: the totals alone). */
export interface Attention {
  from: string;
  to: string;
  totals: {
    byKind: Record<string, number>;
    byChannel: Record<string, number>;
    procedures: { procedureId: string; count: number }[];
  };
}

export interface StatsRow {
  opened: number;
  open: number;
  closed: number;
  noProcede: number;
  overdueOpen: number;
  medianDaysToClose: number | null;
}

export interface Stats {
  scope: string;
  totals: StatsRow;
  byDepartment: (StatsRow & { department: string })[];
  byType: Record<CaseType, number>;
  byChannel: Record<string, number>;
  byStatus: Record<CaseStatus, number>;
  satisfaction: { answered: number; averageRating: number | null; unsolved: number; reopened: number; byRating: Record<string, number> };
}

/** A child of h(): nested arrays are flattened; null, undefined and false are skipped. */
export type Child = Node | string | number | null | undefined | false | readonly Child[];

export type Handler<E extends Event> = (event: E) => unknown;

/** Attributes of h(): `on…` are listeners, `class` is the class name, `true` is an empty attribute. */
export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | ((event: never) => unknown);
  onclick?: Handler<MouseEvent>;
  onsubmit?: Handler<SubmitEvent>;
  onchange?: Handler<Event>;
}

/** GET /api/staff/attention: one attention of the register (issue 17). */
export interface RegisterEntry {
  id: string;
  at: string;
  date: string;
  time: string;
  channel: string;
  kind: import('../src/understanding/register-vocabulary.js').RegisterKind;
  procedure: string | null;
  caseId: number | null;
  folio: string | null;
  outcome: import('../src/understanding/register-vocabulary.js').Outcome;
}

/** GET /api/staff/map: one point, an open report the department works (issue 20). */
export interface MapCase {
  id: number;
  folio: string;
  type: CaseType;
  categoryCode: string;
  categoryName: string;
  departmentName: string;
  status: CaseStatus;
  createdAt: string;
  ageDays: number;
  lat: number;
  lon: number;
  /** The report and those joined to it. */
  reports: number;
}

/** GET /api/staff/map. */
export interface MapAnswer {
  now: string;
  center: { lat: number; lon: number };
  zoom: number;
  /** The points' extent to fit the view to; null when MAP_CENTER fixes the view or nothing is shown. */
  bounds: { south: number; west: number; north: number; east: number } | null;
  /** Null without MAP_TILE_URL: the map is a plain background. */
  tiles: { url: string; attribution: string } | null;
  cases: MapCase[];
  /** More reports matched than one answer carries; the newest are shown. */
  truncated: boolean;
}
