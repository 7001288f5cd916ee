import type { CaseType } from '../cases/case-type.js';
import type { Classification } from '../understanding/classification.js';
import type { Location } from '../messages/inbound.js';
import { extractAddress, looksLikeAddress } from './parsers/address.js';
import { parseChoice } from './parsers/choice.js';
import { extractEmail } from './parsers/email.js';
import { extractFolio } from './parsers/folio.js';
import { matchesAny } from './parsers/intent.js';
import { extractName } from './parsers/name.js';
import { extractPhone } from './parsers/phone.js';
import { asksForInformation } from './parsers/question.js';
import { parseYesNo } from './parsers/yes-no.js';
import { procedureSheet } from './procedure-sheet.js';
import type { DialogScript, FieldId } from './script-schema.js';
import type { LanguagePack } from '../language/language-pack.js';
import { initialState, type DialogState, type Slots } from './state.js';
import type { DialogInput, StepContext, StepResult } from './step-types.js';
import {
  answerPrompt,
  applies,
  categoryName,
  categoryOptions,
  fixOptions,
  lowerFirst,
  promptFor,
  summary,
  toDraft,
  Turn,
  typeLabel,
  typeOptions,
  yesNoPrompt,
} from './turn.js';

export type { CaseDraft, DialogEffect, DialogInput, Reply, StepContext, StepResult } from './step-types.js';
// Other modules (the one-shot document entry) take these from the engine.
export { isOnlyThanks } from './parsers/intent.js';
export { asksForInformation } from './parsers/question.js';
export { procedureSheet } from './procedure-sheet.js';

export function startConversation(script: DialogScript, ctx: StepContext): StepResult {
  const turn = new Turn(script, ctx, initialState());
  turn.say('greeting');
  ask(turn, 'description');
  return turn.result();
}

export function step(script: DialogScript, state: DialogState, input: DialogInput, ctx: StepContext): StepResult {
  const turn = new Turn(script, ctx, structuredClone(state));
  const text = input.text.trim();

  if (ctx.conversationStatus !== 'bot') return handOverTurn(turn, text);

  const hasContent = text.length > 0 || input.photos > 0 || input.location !== undefined || input.contact !== undefined;
  if (!hasContent) {
    if (input.otherAttachments > 0) {
      turn.say('unsupportedAttachment');
      reask(turn);
    }
    return turn.result();
  }

  if (input.photos > 0) {
    turn.state.slots.photos += input.photos;
    if (turn.state.awaiting === 'photo' && turn.state.phase === 'collecting') {
      turn.say('photoReceived');
      turn.state.retries = 0;
      return advance(turn).result();
    }
    turn.say('photoReceived');
    if (!text && !input.location) {
      reask(turn);
      return turn.result();
    }
  }

  if (text && !input.choice && globalIntent(turn, text)) return turn.result();

  switch (turn.state.phase) {
    case 'idle':
      return takeDescription(turn, text, input).result();
    case 'collecting':
      return turn.state.awaiting === 'description' || !turn.state.awaiting
        ? takeDescription(turn, text, input).result()
        : takeField(turn, turn.state.awaiting, text, input).result();
    case 'confirming':
      return takeConfirmation(turn, text, input).result();
    case 'fixing':
      return takeCorrection(turn, text, input).result();
    case 'awaiting_folio':
      return takeFolio(turn, text).result();
    case 'answered':
      return takeAnswerFeedback(turn, text, input).result();
  }
}

/** While a person has the conversation the bot keeps quiet, except to hand it back on "cancelar". */
function handOverTurn(turn: Turn, text: string): StepResult {
  const { script, ctx } = turn;
  if (text && matchesAny(text, script.intents.cancel)) {
    turn.effects.push({ kind: 'return_to_bot' });
    turn.state = { ...initialState(), lastFolio: turn.state.lastFolio };
    turn.say('backToBot');
    ask(turn, 'description');
    return turn.result();
  }
  if (ctx.conversationStatus === 'waiting_agent' && !turn.state.handoffNoticeSent) {
    turn.state.handoffNoticeSent = true;
    turn.say('waitingForPerson');
  }
  return turn.result();
}

const wordCount = (text: string) => text.split(/\s+/).filter(Boolean).length;

function isFresh(state: DialogState): boolean {
  return (
    state.phase === 'idle' ||
    state.phase === 'answered' ||
    (state.phase === 'collecting' && state.awaiting === 'description' && !state.slots.description)
  );
}

/** Intents that work from any step. Returns true when the turn is fully handled. */
function globalIntent(turn: Turn, text: string): boolean {
  const { script, ctx, state } = turn;
  const words = wordCount(text);
  const folio = extractFolio(text, ctx.folioPrefix, turn.pack);
  const asksStatus = matchesAny(text, script.intents.status);

  if (folio && (asksStatus || words <= 3)) {
    turn.effects.push({ kind: 'lookup_status', folio });
    if (state.phase === 'awaiting_folio') restoreAfterFolio(turn);
    return true;
  }
  if (asksStatus && words <= 4) {
    if (state.lastFolio) {
      turn.effects.push({ kind: 'lookup_status', folio: state.lastFolio });
      return true;
    }
    if (state.phase !== 'awaiting_folio') {
      state.resume = { phase: state.phase, awaiting: state.awaiting };
      state.phase = 'awaiting_folio';
    }
    turn.say('statusAskFolio');
    return true;
  }
  if (matchesAny(text, script.intents.human)) {
    turn.effects.push({ kind: 'escalate', reason: 'requested' });
    state.handoffNoticeSent = true;
    turn.say(ctx.withinBusinessHours ? 'humanInHours' : 'humanAfterHours');
    return true;
  }
  if (matchesAny(text, script.intents.cancel) && words <= 5) {
    if (isFresh(state) && state.phase !== 'awaiting_folio') {
      turn.say('nothingToCancel');
    } else {
      turn.state = { ...initialState(), lastFolio: state.lastFolio };
      turn.say('cancelled');
    }
    return true;
  }
  if (isFresh(state) && matchesAny(text, script.intents.thanks) && words <= 4) {
    turn.say('thanks');
    return true;
  }
  if (matchesAny(text, script.intents.greeting) && words <= 4) {
    if (isFresh(state)) {
      turn.say('greeting');
      ask(turn, 'description');
    } else {
      turn.say('greetingAgain');
      reask(turn);
    }
    return true;
  }
  if (matchesAny(text, script.intents.help) && words <= 5) {
    turn.say('help');
    reask(turn);
    return true;
  }
  return false;
}

function takeFolio(turn: Turn, text: string): Turn {
  const folio = extractFolio(text, turn.ctx.folioPrefix, turn.pack);
  if (folio) {
    turn.effects.push({ kind: 'lookup_status', folio });
    restoreAfterFolio(turn);
    return turn;
  }
  turn.state.retries += 1;
  if (turn.state.retries >= turn.script.maxRetries) {
    restoreAfterFolio(turn);
    reask(turn);
    return turn;
  }
  turn.say('statusAskFolio');
  return turn;
}

function restoreAfterFolio(turn: Turn): void {
  const resume = turn.state.resume ?? { phase: 'collecting' as const, awaiting: 'description' as const };
  turn.state.phase = resume.phase;
  turn.state.awaiting = resume.awaiting;
  turn.state.resume = undefined;
  turn.state.retries = 0;
}

function takeDescription(turn: Turn, text: string, input: DialogInput): Turn {
  const slots = turn.state.slots;
  takeLocation(slots, input.location);
  takeContact(slots, text, input, turn.pack);
  if (!/\p{L}{2,}/u.test(text)) {
    // A bare location or photo before any words: keep it and ask what happened.
    if (input.location || input.photos > 0) {
      ask(turn, 'description');
      return turn;
    }
    return failed(turn, 'description');
  }
  slots.description = text;
  const c = turn.ctx.classify(text);
  slots.type = c.type;
  slots.typeConfidence = c.typeConfidence;
  slots.category = c.category;
  slots.categoryConfidence = c.categoryConfidence;
  turn.state.retries = 0;
  if (answerFromCatalogue(turn, text, c)) return turn;
  slots.address ??= extractAddress(text, turn.pack);
  slots.name ??= extractName(text, {}, turn.pack);

  if (!needsAsking(turn, 'type') && !needsAsking(turn, 'category')) {
    const vars = { tipo: lowerFirst(typeLabel(turn, slots.type)), categoria: lowerFirst(categoryName(turn, slots.category)) };
    if (slots.address) turn.say('understoodWithPlace', { ...vars, lugar: slots.address });
    else turn.say('understood', vars);
  }
  return advance(turn);
}

function takeField(turn: Turn, field: FieldId, text: string, input: DialogInput): Turn {
  const { script, state } = turn;
  const slots = state.slots;
  let accepted = false;
  switch (field) {
    case 'description':
      return takeDescription(turn, text, input);
    case 'type': {
      const id = parseChoice(text, typeOptions(turn), input.choice, turn.pack);
      if (id) {
        turn.effects.push({
          kind: 'label_chosen',
          field: 'type',
          text: slots.description ?? '',
          predicted: slots.type,
          chosen: id,
          confidence: slots.typeConfidence,
        });
        slots.type = id as CaseType;
        slots.typeChosen = true;
        accepted = true;
      }
      break;
    }
    case 'category': {
      const id = parseChoice(text, categoryOptions(turn), input.choice, turn.pack);
      if (id) {
        turn.effects.push({
          kind: 'label_chosen',
          field: 'category',
          text: slots.description ?? '',
          predicted: slots.category,
          chosen: id,
          confidence: slots.categoryConfidence,
        });
        slots.category = id;
        slots.categoryChosen = true;
        accepted = true;
      }
      break;
    }
    case 'address': {
      if (takeLocation(slots, input.location)) {
        accepted = true;
      } else if (text && parseYesNo(text, turn.pack) === undefined && (looksLikeAddress(text, turn.pack) || wordCount(text) >= 2)) {
        // The whole answer is the place: "Av. Juárez 45, colonia Centro, frente al mercado" keeps its references.
        slots.address = text.slice(0, 300);
        accepted = true;
      }
      break;
    }
    case 'name': {
      if (matchesAny(text, script.intents.anonymous)) {
        slots.anonymous = true;
        slots.name = undefined;
        turn.say('anonymousNoted');
        accepted = true;
      } else {
        const name = extractName(text, { wholeAnswer: true }, turn.pack);
        if (name) {
          slots.name = name;
          slots.anonymous = false;
          accepted = true;
        }
      }
      takeContact(slots, text, input, turn.pack);
      break;
    }
    case 'contact':
      accepted = takeContact(slots, text, input, turn.pack);
      break;
    case 'photo':
      if (input.choice === 'skip' || matchesAny(text, script.intents.skip)) {
        slots.photoSkipped = true;
        accepted = true;
      }
      break;
  }
  if (!accepted) return failed(turn, field);
  state.retries = 0;
  return advance(turn);
}

function takeLocation(slots: Slots, location: Location | undefined): boolean {
  if (!location) return false;
  slots.latitude = location.latitude;
  slots.longitude = location.longitude;
  slots.address = location.label ?? slots.address;
  return true;
}

/** Phones and emails are picked up from any message, so nobody is asked twice. */
function takeContact(slots: Slots, text: string, input: DialogInput, pack: LanguagePack): boolean {
  const phone = input.contact?.phone ?? extractPhone(text, { pack });
  const email = input.contact?.email ?? extractEmail(text);
  if (phone) slots.phone = phone;
  if (email) slots.email = email;
  if (input.contact?.name && !slots.name) slots.name = input.contact.name;
  return Boolean(phone || email);
}

function failed(turn: Turn, field: FieldId): Turn {
  turn.state.retries += 1;
  if (turn.state.retries >= turn.script.maxRetries) {
    turn.state.retries = 0;
    turn.state.handoffNoticeSent = true;
    turn.effects.push({ kind: 'escalate', reason: 'not_understood' });
    turn.say('notUnderstoodHandoff');
    return turn;
  }
  ask(turn, field, true);
  return turn;
}

function takeConfirmation(turn: Turn, text: string, input: DialogInput): Turn {
  const answer = input.choice === 'yes' ? true : input.choice === 'no' ? false : parseYesNo(text, turn.pack);
  if (answer === true) {
    const draft = toDraft(turn);
    turn.effects.push({ kind: 'open_case', draft });
    turn.state = { ...initialState(), phase: 'idle', awaiting: undefined };
    return turn;
  }
  if (answer === false) {
    turn.state.phase = 'fixing';
    turn.state.retries = 0;
    turn.say('fixWhich', {}, { field: 'fix', kind: 'choice', options: fixOptions(turn), optional: false });
    return turn;
  }
  turn.state.retries += 1;
  if (turn.state.retries >= turn.script.maxRetries) return failed(turn, 'description');
  turn.say('confirmReprompt', {}, yesNoPrompt(turn));
  return turn;
}

function takeCorrection(turn: Turn, text: string, input: DialogInput): Turn {
  const id = parseChoice(text, fixOptions(turn), input.choice, turn.pack) as FieldId | undefined;
  if (!id) {
    turn.state.retries += 1;
    turn.say('fixWhich', {}, { field: 'fix', kind: 'choice', options: fixOptions(turn), optional: false });
    return turn;
  }
  const slots = turn.state.slots;
  if (id === 'photo') {
    slots.photoSkipped = false;
  } else if (id === 'address') {
    slots.address = slots.latitude = slots.longitude = undefined;
  } else if (id === 'contact') {
    slots.phone = slots.email = undefined;
  } else if (id === 'name') {
    slots.name = undefined;
    slots.anonymous = false;
  }
  turn.state.phase = 'collecting';
  turn.state.returnToConfirm = true;
  turn.state.retries = 0;
  ask(turn, id);
  return turn;
}

function needsAsking(turn: Turn, id: FieldId): boolean {
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
      return !s.phone && !s.email;
    case 'photo':
      return s.photos === 0 && !s.photoSkipped;
  }
}

/** Asks the next missing field, or shows the summary when nothing is missing. */
function advance(turn: Turn): Turn {
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

function ask(turn: Turn, id: FieldId, again = false): void {
  const field = turn.script.fields.find((f) => f.id === id);
  if (!field) throw new Error(`the dialog script has no field "${id}"`);
  turn.state.awaiting = id;
  turn.state.phase = 'collecting';
  turn.sayText(again ? field.reprompt : field.prompt, promptFor(turn, field));
}

/** Repeats whatever the conversation was waiting for. */
function reask(turn: Turn): void {
  const { phase, awaiting } = turn.state;
  if (phase === 'confirming') turn.say('confirm', { resumen: summary(turn) }, yesNoPrompt(turn));
  else if (phase === 'fixing') turn.say('fixWhich', {}, { field: 'fix', kind: 'choice', options: fixOptions(turn), optional: false });
  else if (phase === 'awaiting_folio') turn.say('statusAskFolio');
  else if (phase === 'answered' && turn.script.catalogue) turn.sayText(turn.script.catalogue.askHelped, answerPrompt(turn));
  else ask(turn, awaiting ?? 'description');
}

/* ---- Answers from the catalogue of procedures ------------------------------------------------ */

/**
 * A question the catalogue answers is answered on the spot, with buttons to say it helped, talk
 * to a person or open a case after all. Complaints are not answered with a procedure sheet.
 */
function answerFromCatalogue(turn: Turn, text: string, c: Classification): boolean {
  const { script, ctx } = turn;
  if (!script.catalogue || !ctx.findProcedure) return false;
  if (!asksForInformation(text, c, turn.pack)) return false;
  const procedure = ctx.findProcedure(text);
  if (!procedure) return false;
  turn.effects.push({ kind: 'catalogue_answered', procedureId: procedure.id });
  turn.sayText(procedureSheet(script, procedure, ctx.vars));
  turn.sayText(script.catalogue.askHelped, answerPrompt(turn));
  turn.state.phase = 'answered';
  turn.state.awaiting = undefined;
  turn.state.answeredProcedure = procedure.id;
  return true;
}

function takeAnswerFeedback(turn: Turn, text: string, input: DialogInput): Turn {
  const { script, ctx } = turn;
  const catalogue = script.catalogue;
  const id = catalogue ? parseChoice(text, answerPrompt(turn).options, input.choice, turn.pack) : undefined;
  if (id === 'helped' || (!input.choice && matchesAny(text, script.intents.thanks))) {
    turn.state = { ...initialState(), lastFolio: turn.state.lastFolio };
    turn.sayText(catalogue!.helped);
    return turn;
  }
  if (id === 'human') {
    turn.effects.push({ kind: 'escalate', reason: 'requested' });
    turn.state.handoffNoticeSent = true;
    turn.say(ctx.withinBusinessHours ? 'humanInHours' : 'humanAfterHours');
    return turn;
  }
  if (id === 'open_case') {
    // The question becomes the case's description; what the classifier made of it stands.
    const slots = turn.state.slots;
    if (slots.description) {
      slots.address ??= extractAddress(slots.description, turn.pack);
      slots.name ??= extractName(slots.description, {}, turn.pack);
    }
    turn.state.answeredProcedure = undefined;
    turn.state.phase = 'collecting';
    turn.sayText(catalogue!.openCase);
    return advance(turn);
  }
  if (/\p{L}{2,}/u.test(text)) {
    // Anything else is a new message: another question, or what they came for in the first place.
    turn.state = { ...initialState(), lastFolio: turn.state.lastFolio };
    return takeDescription(turn, text, input);
  }
  reask(turn);
  return turn;
}
