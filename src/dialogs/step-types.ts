import type { CaseType } from '../cases/case-type.js';
import type { Classification } from '../understanding/classification.js';
import type { Procedure } from '../catalogue/catalogue.js';
import type { Location } from '../messages/inbound.js';
import type { Prompt } from '../messages/outbound.js';
import type { ConversationStatus, HandoffReason } from './conversation-status.js';
import type { DialogState } from './state.js';
import type { Gazetteer } from '../places/gazetteer.js';
import type { CountryCode } from 'libphonenumber-js';

/** What the engine needs to know about the world; passed in so `step` stays pure and testable. */
export interface StepContext {
  classify(text: string): Classification;
  categories: ReadonlyArray<{ code: string; name: string }>;
  withinBusinessHours: boolean;
  conversationStatus: ConversationStatus;
  folioPrefix: string;
  /** Values for placeholders every message may use: {municipio}, {horario}, {ejemplo}. */
  vars: {
    municipio: string;
    horario: string;
    ejemplo: string;
    /** When a person will next see the message: "el lunes 30 de noviembre a partir de las 8:00". */
    proxima_atencion: string;
    /** The emergency number (911), and Protección Civil's when the municipality gives one ('' when not). */
    emergencia: string;
    proteccion_civil: string;
  };
  /** The citizen's number when the channel knows it (WhatsApp gives the sender's); then it is not asked. */
  knownPhone?: string | undefined;
  /** Where a phone written without "+" is read (MX when absent). */
  phoneRegion?: CountryCode | undefined;
  /** The municipality's own street, colony and landmark names (GAZETTEER_FILE), when it gave them. */
  gazetteer?: Gazetteer | undefined;
  /** The catalogue procedure that answers a question, if one does (src/catalogue); absent, no answers are given. */
  findProcedure?(text: string): Procedure | undefined;
}

/** The part of an inbound message the dialog looks at; bytes stay with the channel and storage. */
export interface DialogInput {
  text: string;
  choice?: string | undefined;
  location?: Location | undefined;
  contact?: { name?: string | undefined; phone?: string | undefined; email?: string | undefined } | undefined;
  photos: number;
  otherAttachments: number;
}

export interface CaseDraft {
  type: CaseType;
  category: string;
  description: string;
  confidence: number;
  address?: string | undefined;
  latitude?: number | undefined;
  longitude?: number | undefined;
  name?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
  /** Told of danger now: staff see the case flagged. */
  emergency?: boolean | undefined;
}

export type DialogEffect =
  | { kind: 'open_case'; draft: CaseDraft }
  | { kind: 'lookup_status'; folio: string }
  /** "¿Cómo va mi reporte?" without a folio: the citizen's open cases; answered by `openCasesReply`, then `resumeAfterFolio` when some were found. */
  | { kind: 'lookup_open_cases' }
  /** The message told of danger now (the emergency number was given); staff see it flagged. */
  | { kind: 'emergency' }
  | { kind: 'escalate'; reason: HandoffReason }
  | { kind: 'return_to_bot' }
  /** A question was answered on the spot from the catalogue (for the attention log). */
  | { kind: 'catalogue_answered'; procedureId: string }
  /** The citizen picked the type or topic from buttons: a labelled example for the classifier. */
  | {
      kind: 'label_chosen';
      field: 'type' | 'category';
      text: string;
      predicted: string | undefined;
      chosen: string;
      confidence: number | undefined;
    };

/** A bot line; `prompt` says what it asks so each channel can render buttons. */
export interface Reply {
  text: string;
  prompt?: Prompt;
}

export interface StepResult {
  replies: Reply[];
  state: DialogState;
  effects: DialogEffect[];
}
