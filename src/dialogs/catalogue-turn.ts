import type { Classification } from '../understanding/classification.js';
import { asksForInformation } from './parsers/question.js';
import { procedureSheet } from './procedure-sheet.js';
import { answerPrompt, type Turn } from './turn.js';

/**
 * A question the catalogue answers is answered on the spot, with buttons to say it helped, talk
 * to a person or open a case after all. Complaints are not answered with a procedure sheet.
 */
export function answerFromCatalogue(turn: Turn, text: string, c: Classification): boolean {
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
