import type { FieldId } from './script-schema.js';
import { answerPrompt, applies, fixOptions, promptFor, summary, type Turn, yesNoPrompt } from './turn.js';

/** Whether the script's field still has to be asked, given what the citizen has said so far. */
export function needsAsking(turn: Turn, id: FieldId): boolean {
  const field = turn.script.fields.find((f) => f.id === id);
  if (!field || !applies(turn, field)) return false;
  const s = turn.state.slots;
  const threshold = turn.script.lowConfidenceThreshold;
  switch (id) {
    case 'description':
      return !s.description;
    case 'type':
      return !s.typeChosen && (field.askWhen === 'always' || !s.type || (s.typeConfidence ?? 0) < threshold);
    case 'category':
      return !s.categoryChosen && (field.askWhen === 'always' || !s.category || (s.categoryConfidence ?? 0) < threshold);
    case 'address':
      return !s.address && s.latitude === undefined;
    case 'name':
      return !s.name && !s.anonymous;
    case 'contact':
      return !s.phone && !s.email && !s.noContact;
    case 'photo':
      return s.photos === 0 && !s.photoSkipped;
  }
}

/** Asks the next missing field, or shows the summary when nothing is missing. */
export function advance(turn: Turn): Turn {
  const next = turn.script.fields.find((f) => needsAsking(turn, f.id));
  if (next) {
    turn.state.phase = 'collecting';
    ask(turn, next.id);
    return turn;
  }
  turn.state.phase = 'confirming';
  turn.state.awaiting = undefined;
  turn.state.returnToConfirm = false;
  turn.say('confirm', { resumen: summary(turn) }, yesNoPrompt(turn));
  return turn;
}

export function ask(turn: Turn, id: FieldId, again = false): void {
  const field = turn.script.fields.find((f) => f.id === id);
  if (!field) throw new Error(`the dialog script has no field "${id}"`);
  turn.state.awaiting = id;
  turn.state.phase = 'collecting';
  turn.sayText(again ? field.reprompt : field.prompt, promptFor(turn, field));
}

/** Asks for the description with other words than the field's prompt ("Claro, cuéntame qué pasó"). */
export function askDescriptionWith(turn: Turn, text: string): void {
  const field = turn.script.fields.find((f) => f.id === 'description')!;
  turn.state.phase = 'collecting';
  turn.state.awaiting = 'description';
  turn.sayText(text, promptFor(turn, field));
}

/** Repeats whatever the conversation was waiting for. */
export function reask(turn: Turn): void {
  const { phase, awaiting } = turn.state;
  if (phase === 'confirming') turn.say('confirm', { resumen: summary(turn) }, yesNoPrompt(turn));
  else if (phase === 'fixing') turn.say('fixWhich', {}, { field: 'fix', kind: 'choice', options: fixOptions(turn), optional: false });
  else if (phase === 'awaiting_folio') turn.say('statusAskFolio');
  else if (phase === 'answered' && turn.script.catalogue) turn.sayText(turn.script.catalogue.askHelped, answerPrompt(turn));
  else ask(turn, awaiting ?? 'description');
}

/**
 * An answer the engine could not use. After `maxRetries` in a row the conversation goes to a
 * person; one already waiting for a person is only asked again.
 */
export function failed(turn: Turn, field: FieldId): Turn {
  turn.state.retries += 1;
  if (turn.state.retries >= turn.script.maxRetries && turn.ctx.conversationStatus === 'bot') {
    turn.state.retries = 0;
    turn.state.handoffNoticeSent = true;
    turn.effects.push({ kind: 'escalate', reason: 'not_understood' });
    turn.say('notUnderstoodHandoff');
    return turn;
  }
  ask(turn, field, true);
  return turn;
}

export const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;
