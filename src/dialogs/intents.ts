import { matchesAny } from '../language/match.js';
import { isEmergency } from './parsers/emergency.js';
import { extractFolio } from './parsers/folio.js';
import { ask, reask, wordCount } from './flow.js';
import { restart, type DialogState } from './state.js';
import type { Turn } from './turn.js';

function isFresh(state: DialogState): boolean {
  return (
    state.phase === 'idle' ||
    state.phase === 'answered' ||
    (state.phase === 'collecting' && state.awaiting === 'description' && !state.slots.description)
  );
}

/**
 * Danger now ("hay un incendio", "huele a gas") gets the emergency number before anything else,
 * whatever the step; the conversation then goes on, so the citizen may still leave a report.
 */
export function warnOfEmergency(turn: Turn, text: string): void {
  if (!text || !isEmergency(text, turn.pack)) return;
  const { vars } = turn.ctx;
  turn.say(vars.proteccion_civil ? 'emergencyWithCivilProtection' : 'emergency');
  if (!turn.state.slots.emergency) turn.effects.push({ kind: 'emergency' });
  turn.state.slots.emergency = true;
}

/**
 * Waiting for a person, the citizen is told once that one will answer and when; meanwhile the
 * dialog goes on collecting the case, so nothing they write waits unanswered.
 */
export function noticeWhileWaiting(turn: Turn, again = false): void {
  if (turn.state.handoffNoticeSent && !again) return;
  turn.state.handoffNoticeSent = true;
  const text = turn.text(turn.ctx.withinBusinessHours ? 'waitingForPerson' : 'waitingForPersonAfterHours');
  if (!turn.replies.some((r) => r.text === text)) turn.sayText(text);
}

/** Intents that work from any step. Returns true when the turn is fully handled. */
export function globalIntent(turn: Turn, text: string): boolean {
  const { script, ctx, state } = turn;
  const words = wordCount(text);
  const folio = extractFolio(text, ctx.folioPrefix, turn.pack);
  const asksStatus = matchesAny(text, script.intents.status);

  if (folio && (asksStatus || words <= 3)) {
    turn.effects.push({ kind: 'lookup_status', folio });
    if (state.phase === 'awaiting_folio') resumeAfterFolio(state);
    return true;
  }
  // "¿cómo va mi reporte de la basura?": a status question about their own case, however long.
  if (asksStatus && (words <= 4 || matchesAny(text, turn.pack.status.ownCase))) {
    if (state.lastFolio) {
      turn.effects.push({ kind: 'lookup_status', folio: state.lastFolio });
      return true;
    }
    if (state.phase !== 'awaiting_folio') {
      state.resume = { phase: state.phase, awaiting: state.awaiting };
      state.phase = 'awaiting_folio';
    }
    // The open cases are looked up; with none, the reply asks for the folio.
    turn.effects.push({ kind: 'lookup_open_cases' });
    return true;
  }
  if (matchesAny(text, script.intents.human)) {
    if (ctx.conversationStatus !== 'bot') {
      noticeWhileWaiting(turn, true);
      return true;
    }
    turn.effects.push({ kind: 'escalate', reason: 'requested' });
    state.handoffNoticeSent = true;
    turn.say(ctx.withinBusinessHours ? 'humanInHours' : 'humanAfterHours');
    return true;
  }
  if (matchesAny(text, script.intents.cancel) && words <= 5) {
    if (isFresh(state) && state.phase !== 'awaiting_folio') {
      turn.say('nothingToCancel');
    } else {
      turn.state = restart(state);
      turn.say('cancelled');
    }
    return true;
  }
  if (isFresh(state) && matchesAny(text, script.intents.thanks) && words <= 4) {
    turn.say('thanks');
    return true;
  }
  if (matchesAny(text, script.intents.greeting) && words <= 4) {
    if (ctx.conversationStatus === 'waiting_agent') {
      noticeWhileWaiting(turn, true);
      reask(turn);
    } else if (isFresh(state)) {
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

export function takeFolio(turn: Turn, text: string): Turn {
  const folio = extractFolio(text, turn.ctx.folioPrefix, turn.pack);
  if (folio) {
    turn.effects.push({ kind: 'lookup_status', folio });
    resumeAfterFolio(turn.state);
    return turn;
  }
  turn.state.retries += 1;
  if (turn.state.retries >= turn.script.maxRetries) {
    resumeAfterFolio(turn.state);
    reask(turn);
    return turn;
  }
  turn.say('statusAskFolio');
  return turn;
}

/** Back to where the conversation was before it asked for a folio (also once open cases were listed). */
export function resumeAfterFolio(state: DialogState): DialogState {
  const resume = state.resume ?? { phase: 'collecting' as const, awaiting: 'description' as const };
  state.phase = resume.phase;
  state.awaiting = resume.awaiting;
  state.resume = undefined;
  state.retries = 0;
  return state;
}
