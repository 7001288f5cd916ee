import type { CaseType } from '../cases/case-type.js';
import { interpolate } from '../i18n/index.js';
import type { OutboundMessageInput } from '../messages/outbound.js';
import type { StepContext } from './engine.js';
import type { DialogScript } from './script-schema.js';
import { dateFormat } from '../date-format.js';
import { statusPageUrl } from '../cases/status-link.js';

/** What the dialog says about a case; filled by whoever opened or looked it up. */
export interface CaseFacts {
  folio: string;
  type: CaseType;
  status: string;
  categoryName: string;
  departmentName: string;
  dueAt: Date;
}

export interface ReplyContext {
  vars: StepContext['vars'];
  withinBusinessHours: boolean;
  timeZone: string;
  /** PUBLIC_URL when set: a reply that gives a folio links to its status page. */
  publicUrl?: string | undefined;
}

function formatDate(date: Date, locale: string, timeZone: string): string {
  return dateFormat(locale === 'es' ? 'es-MX' : 'en-US', { dateStyle: 'long', timeZone }).format(date);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function caseVars(script: DialogScript, ctx: ReplyContext, facts: CaseFacts): Record<string, string> {
  return {
    ...ctx.vars,
    folio: facts.folio,
    tipo: lowerFirst(script.typeLabels[facts.type]),
    categoria: facts.categoryName,
    dependencia: facts.departmentName,
    estado: script.statusLabels[facts.status] ?? facts.status,
    fechaLimite: formatDate(new Date(facts.dueAt.getTime() - 1), script.locale, ctx.timeZone), // a business-day term ends at midnight after its last day
  };
}

/** The reply's text, and the status page's link under it when there is one. */
function withLink(script: DialogScript, ctx: ReplyContext, text: string, folio: string): string {
  const enlace = statusPageUrl(ctx.publicUrl, folio);
  return enlace ? `${text}\n${interpolate(script.messages.statusPageLink, { ...ctx.vars, folio, enlace })}` : text;
}

export function caseOpenedReply(script: DialogScript, ctx: ReplyContext, facts: CaseFacts): OutboundMessageInput {
  const template = ctx.withinBusinessHours ? script.messages.caseOpenedInHours : script.messages.caseOpenedAfterHours;
  return { text: withLink(script, ctx, interpolate(template, caseVars(script, ctx, facts)), facts.folio) };
}

export function statusReply(script: DialogScript, ctx: ReplyContext, folio: string, facts: CaseFacts | null): OutboundMessageInput {
  if (!facts) return { text: interpolate(script.messages.statusNotFound, { ...ctx.vars, folio }) };
  return { text: withLink(script, ctx, interpolate(script.messages.statusFound, caseVars(script, ctx, facts)), facts.folio) };
}

/** The citizen's open cases, one line each; "none found" asks for the folio instead. */
export function openCasesReply(script: DialogScript, ctx: ReplyContext, cases: readonly CaseFacts[]): OutboundMessageInput {
  if (cases.length === 0) return { text: interpolate(script.messages.noOpenCases, ctx.vars) };
  const lines = cases.map((facts) => interpolate(script.messages.openCaseLine, caseVars(script, ctx, facts)));
  return { text: interpolate(script.messages.openCases, { ...ctx.vars, casos: lines.join('\n') }) };
}
