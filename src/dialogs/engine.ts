import type { CaseType } from '../cases/case-type.js';
import type { LanguagePack } from '../language/language-pack.js';
import { matchesAny } from '../language/match.js';
import { wordsOf } from '../language/text.js';
import type { Location } from '../messages/inbound.js';
import { OFF_TOPIC_THRESHOLD } from '../understanding/classification.js';
import { answerFromCatalogue } from './catalogue-turn.js';
import { advance, ask, askDescriptionWith, failed, needsAsking, reask } from './flow.js';
import { globalIntent, noticeWhileWaiting, takeFolio, warnOfEmergency } from './intents.js';
import { extractAddress, looksLikeAddress } from './parsers/address.js';
import { declinesContact, sameNumber } from './parsers/contact.js';
import { parseChoice } from './parsers/choice.js';
import { extractEmail } from './parsers/email.js';
import { extractName } from './parsers/name.js';
import { readOpener } from './parsers/opener.js';
import { extractPhone } from './parsers/phone.js';
import { parseYesNo } from './parsers/yes-no.js';
import type { Gazetteer } from '../places/gazetteer.js';
import type { DialogScript, FieldId } from './script-schema.js';
import { initialState, restart, type DialogState, type Slots } from './state.js';
import type { DialogInput, StepContext, StepResult } from './step-types.js';
import {
  answerPrompt,
  categoryName,
  categoryOptions,
  fixOptions,
  lowerFirst,
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
export { resumeAfterFolio } from './intents.js';

export function startConversation(script: DialogScript, ctx: StepContext): StepResult {
  const turn = new Turn(script, ctx, initialState());
  turn.say('greeting');
  ask(turn, 'description');
  return turn.result();
}

export function step(script: DialogScript, state: DialogState, input: DialogInput, ctx: StepContext): StepResult {
  const turn = new Turn(script, ctx, structuredClone(state));
  const text = input.text.trim();

  warnOfEmergency(turn, text);
  if (ctx.conversationStatus === 'agent' || (ctx.conversationStatus === 'waiting_agent' && handBack(turn, text)))
    return handOverTurn(turn, text).result();
  if (ctx.conversationStatus === 'waiting_agent') noticeWhileWaiting(turn);

  const hasContent = text.length > 0 || input.photos > 0 || input.location !== undefined || input.contact !== undefined;
  if (!hasContent) {
    if (input.otherAttachments > 0) {
      turn.say('unsupportedAttachment');
      reask(turn);
    }
    return turn.result();
  }
  if (ctx.knownPhone) turn.state.knownPhone = ctx.knownPhone;

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
  if (ctx.conversationStatus === 'waiting_agent' && asksAfterPerson(turn, text, input)) {
    noticeWhileWaiting(turn, true);
    reask(turn);
    return turn.result();
  }

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

/** "¿hay alguien?", "sigo esperando" while waiting for a person: the answer is when one will come. */
function asksAfterPerson(turn: Turn, text: string, input: DialogInput): boolean {
  const { phase } = turn.state;
  if (!text || input.choice || phase === 'confirming' || phase === 'fixing') return false;
  if (parseYesNo(text, turn.pack) !== undefined) return false;
  const opener = readOpener(text, turn.pack);
  return opener !== undefined && opener.type === undefined;
}

const handBack = (turn: Turn, text: string) => text !== '' && matchesAny(text, turn.script.intents.cancel);

/** While a person has the conversation the bot keeps quiet, except to hand it back on "cancelar". */
function handOverTurn(turn: Turn, text: string): Turn {
  if (handBack(turn, text)) {
    turn.effects.push({ kind: 'return_to_bot' });
    turn.state = restart(turn.state);
    turn.say('backToBot');
    ask(turn, 'description');
  }
  return turn;
}

function takeDescription(turn: Turn, text: string, input: DialogInput): Turn {
  const { state, ctx, pack } = turn;
  const slots = state.slots;
  takeLocation(slots, input.location);
  takeContact(turn, text, input);
  if (!/\p{L}{2,}/u.test(text)) {
    // A bare location or photo before any words: keep it and ask what happened.
    if (input.location || input.photos > 0) {
      ask(turn, 'description');
      return turn;
    }
    return failed(turn, 'description');
  }
  const place = extractAddress(text, pack, { gazetteer: ctx.gazetteer });
  // "tengo una queja", "hola, quería hacer un reporte": no matter yet; it is asked for, not stored.
  const opener = place ? undefined : readOpener(text, pack);
  if (opener) {
    if (opener.type) {
      slots.type = opener.type;
      slots.typeChosen = true;
      askDescriptionWith(turn, turn.text('askWhatHappenedType', { tipo: lowerFirst(typeLabel(turn, opener.type)) }));
    } else {
      askDescriptionWith(turn, turn.text('askWhatHappened'));
    }
    return turn;
  }
  const c = ctx.classify(text);
  state.retries = 0;
  if (answerFromCatalogue(turn, text, c)) {
    slots.description = text;
    keepClassification(slots, c);
    return turn;
  }
  // Neither a municipal matter nor a question the catalogue answers: say what Ventanilla does, open nothing.
  if (c.offTopic >= OFF_TOPIC_THRESHOLD && !place && !slots.address && input.photos === 0 && !input.location) {
    askDescriptionWith(turn, turn.text('outOfScope'));
    return turn;
  }
  slots.description = text;
  keepClassification(slots, c);
  slots.address ??= place;
  slots.name ??= extractName(text, {}, pack);
  // step() has already kept the channel's number in the state.
  if (state.knownPhone) {
    slots.phone ??= state.knownPhone;
    slots.phoneFromChannel = slots.phone === state.knownPhone;
  }

  if (!needsAsking(turn, 'type') && !needsAsking(turn, 'category')) {
    const vars = { tipo: lowerFirst(typeLabel(turn, slots.type)), categoria: lowerFirst(categoryName(turn, slots.category)) };
    if (slots.address) turn.say('understoodWithPlace', { ...vars, lugar: slots.address });
    else turn.say('understood', vars);
  }
  return advance(turn);
}

/** What the classifier made of the description, unless the citizen already said the type themselves. */
function keepClassification(slots: Slots, c: ReturnType<StepContext['classify']>): void {
  if (!slots.typeChosen) {
    slots.type = c.type;
    slots.typeConfidence = c.typeConfidence;
  }
  slots.category = c.category;
  slots.categoryConfidence = c.categoryConfidence;
}

function takeField(turn: Turn, field: FieldId, text: string, input: DialogInput): Turn {
  const { script, state } = turn;
  const slots = state.slots;
  let accepted = false;
  switch (field) {
    case 'description':
      return takeDescription(turn, text, input);
    case 'type':
    case 'category': {
      const options = field === 'type' ? typeOptions(turn) : categoryOptions(turn);
      const id = parseChoice(text, options, input.choice, turn.pack);
      if (id) {
        turn.effects.push({
          kind: 'label_chosen',
          field,
          text: slots.description ?? '',
          predicted: field === 'type' ? slots.type : slots.category,
          chosen: id,
          confidence: field === 'type' ? slots.typeConfidence : slots.categoryConfidence,
        });
        if (field === 'type') {
          slots.type = id as CaseType;
          slots.typeChosen = true;
        } else {
          slots.category = id;
          slots.categoryChosen = true;
        }
        accepted = true;
      }
      break;
    }
    case 'address':
      if (takeLocation(slots, input.location)) accepted = true;
      else if (text && parseYesNo(text, turn.pack) === undefined) {
        const place = readPlaceAnswer(text, turn.pack, turn.ctx.gazetteer);
        if (place === 'description') {
          // More of what happened, not where: it joins the description, and the place is asked again.
          slots.description = `${slots.description ?? ''}\n${text}`.trim().slice(0, 4000);
          turn.say('placeIsDescription');
        } else if (place) {
          slots.address = place;
          accepted = true;
        }
      }
      break;
    case 'name':
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
      takeContact(turn, text, input);
      break;
    case 'contact':
      accepted = takeContactAnswer(turn, text, input);
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

/**
 * The answer to "¿Dónde es?": the whole answer is the place when it reads as one ("Av. Juárez
 * 45, colonia Centro, frente al mercado" keeps its references), or when it is a short reference
 * that tells nothing of what happened ("atrás de la primaria"). An answer that goes on about what
 * happened is the description's, never the place.
 */
function readPlaceAnswer(text: string, pack: LanguagePack, gazetteer: Gazetteer | undefined): string | 'description' | undefined {
  if (looksLikeAddress(text, pack, { gazetteer })) return text.slice(0, 300);
  const words = wordsOf(text);
  const describing = new Set(pack.place.describing);
  if (words.some((w) => describing.has(w))) return words.length >= 4 ? 'description' : undefined;
  if (readOpener(text, pack)) return undefined;
  return words.length >= 2 && words.length <= 6 ? text.slice(0, 300) : undefined;
}

function takeLocation(slots: Slots, location: Location | undefined): boolean {
  if (!location) return false;
  slots.latitude = location.latitude;
  slots.longitude = location.longitude;
  slots.address = location.label ?? slots.address;
  return true;
}

/** Phones and emails are picked up from any message, so nobody is asked twice. */
function takeContact(turn: Turn, text: string, input: DialogInput): boolean {
  const slots = turn.state.slots;
  const phone = input.contact?.phone ?? extractPhone(text, { pack: turn.pack, region: turn.ctx.phoneRegion });
  const email = input.contact?.email ?? extractEmail(text);
  if (phone) {
    slots.phone = phone;
    slots.phoneFromChannel = input.contact?.phone !== undefined;
  }
  if (email) slots.email = email;
  if (input.contact?.name && !slots.name) slots.name = input.contact.name;
  return Boolean(phone || email);
}

/** The answer to "¿A qué teléfono o correo te avisamos?": a phone or e-mail, "este mismo número", or "no tengo". */
function takeContactAnswer(turn: Turn, text: string, input: DialogInput): boolean {
  const slots = turn.state.slots;
  if (takeContact(turn, text, input)) return true;
  if (sameNumber(text, turn.pack)) {
    const known = turn.state.knownPhone;
    if (known) {
      slots.phone = known;
      slots.phoneFromChannel = true;
      return true;
    }
    turn.say('contactNumberUnknown');
    turn.state.retries = Math.max(0, turn.state.retries - 1); // a fair answer: not counted towards handing over
    return false;
  }
  if (input.choice === 'none' || declinesContact(text, turn.pack)) {
    slots.noContact = true;
    turn.say('contactDeclined');
    return true;
  }
  return false;
}

function takeConfirmation(turn: Turn, text: string, input: DialogInput): Turn {
  const answer = input.choice === 'yes' ? true : input.choice === 'no' ? false : parseYesNo(text, turn.pack);
  if (answer === true) {
    const draft = toDraft(turn);
    turn.effects.push({ kind: 'open_case', draft });
    turn.state = { ...restart(turn.state), phase: 'idle', awaiting: undefined };
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
    slots.noContact = slots.phoneFromChannel = undefined;
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

function takeAnswerFeedback(turn: Turn, text: string, input: DialogInput): Turn {
  const { script, ctx } = turn;
  const catalogue = script.catalogue;
  const id = catalogue ? parseChoice(text, answerPrompt(turn).options, input.choice, turn.pack) : undefined;
  if (id === 'helped' || (!input.choice && matchesAny(text, script.intents.thanks))) {
    turn.state = restart(turn.state);
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
      slots.address ??= extractAddress(slots.description, turn.pack, { gazetteer: ctx.gazetteer });
      slots.name ??= extractName(slots.description, {}, turn.pack);
    }
    turn.state.answeredProcedure = undefined;
    turn.state.phase = 'collecting';
    turn.sayText(catalogue!.openCase);
    return advance(turn);
  }
  if (/\p{L}{2,}/u.test(text)) {
    // Anything else is a new message: another question, or what they came for in the first place.
    turn.state = restart(turn.state);
    return takeDescription(turn, text, input);
  }
  reask(turn);
  return turn;
}
