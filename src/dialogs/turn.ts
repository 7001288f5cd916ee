import type { CaseType } from '../cases/case-type.js';
import { interpolate } from '../i18n/index.js';
import type { Prompt, PromptOption } from '../messages/outbound.js';
import { languagePack, type LanguagePack } from '../language/language-pack.js';
import type { DialogScript, FieldId, ScriptField } from './script-schema.js';
import type { Slots, DialogState } from './state.js';
import type { CaseDraft, DialogEffect, Reply, StepContext, StepResult } from './step-types.js';

export type MessageKey = keyof DialogScript['messages'];

/** Collects one turn's output. */
export class Turn {
  readonly replies: Reply[] = [];
  readonly effects: DialogEffect[] = [];
  /** What the parsers recognise, in the script's language. */
  readonly pack: LanguagePack;
  constructor(
    readonly script: DialogScript,
    readonly ctx: StepContext,
    public state: DialogState,
  ) {
    this.pack = languagePack(script.locale);
  }

  say(key: MessageKey, vars: Record<string, string | number> = {}, prompt?: Prompt): void {
    this.sayText(this.text(key, vars), prompt);
  }

  /** A script message with its placeholders filled. */
  text(key: MessageKey, vars: Record<string, string | number> = {}): string {
    return interpolate(this.script.messages[key], { ...this.ctx.vars, ...vars });
  }

  sayText(text: string, prompt?: Prompt): void {
    this.replies.push(prompt ? { text, prompt } : { text });
  }

  result(): StepResult {
    return { replies: this.replies, state: this.state, effects: this.effects };
  }
}

export function applies(turn: Turn, field: ScriptField): boolean {
  const type = turn.state.slots.type;
  return !field.onlyFor || (type !== undefined && field.onlyFor.includes(type));
}

export function promptFor(turn: Turn, field: ScriptField): Prompt {
  switch (field.id) {
    case 'description':
    case 'name':
      return { field: field.id, kind: 'text', options: [], optional: field.optional };
    case 'type':
      return { field: field.id, kind: 'choice', options: typeOptions(turn), optional: false };
    case 'category':
      return { field: field.id, kind: 'choice', options: categoryOptions(turn), optional: false };
    case 'address':
      return { field: field.id, kind: 'location', options: [], optional: field.optional };
    case 'contact':
      return { field: field.id, kind: 'phone', options: [{ id: 'none', label: turn.script.buttons.noContact }], optional: field.optional };
    case 'photo':
      return { field: field.id, kind: 'photo', options: [{ id: 'skip', label: turn.script.buttons.skip }], optional: true };
  }
}

export function yesNoPrompt(turn: Turn): Prompt {
  const { yes, no } = turn.script.buttons;
  return {
    field: 'confirm',
    kind: 'yes_no',
    options: [
      { id: 'yes', label: yes },
      { id: 'no', label: no },
    ],
    optional: false,
  };
}

/** Reports first: they are what most citizens come for. */
const TYPE_ORDER: readonly CaseType[] = ['reporte', 'queja', 'solicitud_informacion', 'sugerencia'];

export function typeOptions(turn: Turn): PromptOption[] {
  return TYPE_ORDER.map((id) => ({ id, label: turn.script.typeLabels[id] }));
}

export function categoryOptions(turn: Turn): PromptOption[] {
  return turn.ctx.categories.slice(0, 10).map((c) => ({ id: c.code, label: c.name }));
}

export function fixOptions(turn: Turn): PromptOption[] {
  return turn.script.fields.filter((f) => applies(turn, f)).map((f) => ({ id: f.id, label: f.label }));
}

export const lowerFirst = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);

export function typeLabel(turn: Turn, type: CaseType | undefined): string {
  return type ? turn.script.typeLabels[type] : '';
}

export function categoryName(turn: Turn, code: string | undefined): string {
  return turn.ctx.categories.find((c) => c.code === code)?.name ?? code ?? '';
}

export function summary(turn: Turn): string {
  const s = turn.state.slots;
  const lines: string[] = [];
  for (const field of turn.script.fields) {
    if (!applies(turn, field)) continue;
    const value = summaryValue(turn, field.id, s);
    if (value) lines.push(`• ${field.label}: ${value}`);
  }
  return lines.join('\n');
}

function summaryValue(turn: Turn, id: FieldId, s: Slots): string | undefined {
  switch (id) {
    case 'description':
      return s.description && s.description.length > 280 ? s.description.slice(0, 277) + '…' : s.description;
    case 'type':
      return typeLabel(turn, s.type);
    case 'category':
      return categoryName(turn, s.category);
    case 'address':
      if (s.address) return s.address;
      return s.latitude !== undefined ? `📍 ${s.latitude.toFixed(5)}, ${s.longitude?.toFixed(5)}` : undefined;
    case 'name':
      return s.anonymous ? '—' : s.name;
    case 'contact': {
      const phone = s.phone && s.phoneFromChannel ? turn.text('knownPhone', { telefono: s.phone }) : s.phone;
      return [phone, s.email].filter(Boolean).join(' · ') || (s.noContact ? turn.text('noContactSummary') : undefined);
    }
    case 'photo':
      return s.photos > 0 ? String(s.photos) : '—';
  }
}

export function toDraft(turn: Turn): CaseDraft {
  const s = turn.state.slots;
  if (!s.description || !s.type || !s.category) throw new Error('confirmed a case without description, type or category');
  const confidence = Math.min(s.typeChosen ? 1 : (s.typeConfidence ?? 0), s.categoryChosen ? 1 : (s.categoryConfidence ?? 0));
  return {
    type: s.type,
    category: s.category,
    description: s.description,
    confidence,
    address: s.address,
    latitude: s.latitude,
    longitude: s.longitude,
    name: s.anonymous ? undefined : s.name,
    phone: s.phone,
    email: s.email,
    ...(s.emergency ? { emergency: true } : {}),
  };
}

export function answerPrompt(turn: Turn): Prompt {
  const buttons = turn.script.catalogue!.buttons;
  return {
    field: 'catalogue',
    kind: 'choice',
    options: [
      { id: 'helped', label: buttons.helped },
      { id: 'human', label: buttons.human },
      { id: 'open_case', label: buttons.openCase },
    ],
    optional: false,
  };
}
