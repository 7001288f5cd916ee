// Shapes of the /api/staff answers as far as the console reads them. Only types: never served, never loaded.

export type Role = 'admin' | 'coordinador' | 'operador' | 'responsable' | 'encargado' | 'experto';

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
  defaultType: string | null;
  dueDays: number | null;
  dueUnit: string | null;
  active: boolean;
}

export interface Holder {
  id: number;
  name: string;
  role: Role;
  departmentId: number | null;
}

export interface Reference {
  departments: Department[];
  categories: Category[];
  holders: Holder[];
}

export interface TrayCase {
  id: number;
  folio: string;
  type: string;
  category: string;
  department: string;
  citizenName: string | null;
  createdAt: string;
  dueAt: string;
  receivedAt: string | null;
  pendingContact: unknown;
  status: string;
  assignedRole: string;
  /** The citizen told of danger now (they were given the emergency number). */
  emergency: boolean;
}

/** Whom to call and what to read to them (`case.answer_pending_contact` carries the same fields). */
export interface PendingContact {
  phone?: string | null;
  email?: string | null;
  reason?: string;
  text?: string;
}

export interface Callback {
  id: number;
  caseId: number;
  folio: string;
  citizenName: string | null;
  phone: string | null;
  department: string;
  status: string;
  nextAction: string;
  nextActionAt: string | null;
  failedCalls: number;
}

export interface Checkpoint {
  percent: number;
  at: string;
  done: boolean;
  escalate: boolean;
  notify: string[];
}

export interface Deadline {
  dueAt: string;
  overdue: boolean;
  daysLeft: number;
  businessDaysLeft: number;
  term: { unit: string; days: number } | null;
  extension: { available: boolean; usedAt: string | null; reason: string | null; wouldMoveTo: string };
  forwarding: { late: boolean; forwardedAt: string | null; deadline: string };
  acknowledgement: { acknowledgedAt: string | null; acknowledgedBy: string | null; sentAt: string; remindAt: string } | null;
  checkpoints: Checkpoint[];
}

/** Event payloads differ by type: the fields the timeline reads, each present only for some types. */
export interface EventData {
  toDepartmentId?: number;
  toDepartment?: string;
  note?: string;
  from?: string;
  /** A level (derivations), an address (mail) or the addresses (escalations, warnings). */
  to?: string | string[];
  organism?: string;
  sentVia?: string;
  fromType?: string;
  toType?: string;
  toCategory?: string;
  reason?: string;
  text?: string;
  answer?: string;
  phone?: string | null;
  email?: string | null;
  channel?: string;
  category?: string;
  fromDueAt?: string;
  toDueAt?: string;
  dueAt?: string;
  solved?: boolean;
  rating?: number;
  department?: string;
  mailed?: boolean;
  by?: string;
  kind?: string;
  subject?: string;
  error?: string;
  percent?: number;
  about?: string;
  outcome?: string;
  nextAction?: string;
  nextActionAt?: string;
}

export type TimelineItem =
  | { kind: 'message'; direction: string; author: string; channel: string; at: string; text: string | null; location: unknown }
  | { kind: 'event'; type: string; actor: string | null; actorKind: string; at: string; data: EventData | null };

export interface Attachment {
  id: number;
  kind: string;
  filename: string | null;
  sizeBytes: number;
}

export interface CasePage {
  id: number;
  folio: string;
  type: string;
  status: string;
  category: { code: string; name: string };
  department: string;
  departmentId: number;
  assignedRole: string;
  assignedUserId: number | null;
  channel: string;
  dueAt: string;
  receivedAt: string | null;
  emergency: boolean;
  description: string;
  citizen: { name: string | null; phone: string | null; email: string | null } | null;
  address: string | null;
  latitude: number | null;
  longitude: number | null;
  attachments: Attachment[];
  pendingContact: PendingContact | null;
  deadline: Deadline | null;
  callbacks?: Callback[];
  timeline: TimelineItem[];
}

export interface ConversationSummary {
  id: string;
  citizenName: string | null;
  status: string;
  channel: string;
  updatedAt: string;
  reason: string | null;
  lastText: string | null;
  /** When the citizen last told of danger now, if they did. */
  emergencyAt: string | null;
}

export interface Conversation {
  id: string;
  citizenName: string | null;
  status: string;
  channel: string;
  messages: { direction: string; author: string; createdAt: string; text: string }[];
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

export interface Attention {
  counts: { kind: string; detail: string | null; count: number }[];
  totals: { byKind: Record<string, number>; byChannel: Record<string, number> };
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
  byType: Record<string, number>;
  byChannel: Record<string, number>;
  byStatus: Record<string, number>;
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
