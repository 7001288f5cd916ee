/**
 * A citizen who answers whatever the dialog asks, the way the scenario says, until a folio (the
 * `open_case` effect) or 12 turns. What `npm run eval:dialog` and the turns-to-folio test count:
 * messages the citizen had to write, and whether a place they had already given was asked again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { startConversation, step, type DialogInput, type StepContext, type StepResult } from '../src/dialogs/engine.js';
import type { DialogScript } from '../src/dialogs/script-schema.js';
import { DialogState } from '../src/dialogs/state.js';
import { packageRoot } from '../src/paths.js';

export const Scenario = z.object({
  text: z.string().min(1),
  /** The place the first message already names, or null (a part of it: the test only asks whether it was kept). */
  place: z.string().nullable(),
  answerPlace: z.string().optional(),
  /** The first message is only an opener; `explains` is what the citizen says when asked what happened. */
  vague: z.boolean().optional(),
  explains: z.string().optional(),
  type: z.string(),
  category: z.string(),
});
export type Scenario = z.infer<typeof Scenario>;

export function loadScenarios(): Scenario[] {
  const file = join(packageRoot, 'training', 'dialog', 'scenarios.json');
  return z.object({ scenarios: z.array(Scenario) }).parse(JSON.parse(readFileSync(file, 'utf8'))).scenarios;
}

export interface Played {
  scenario: Scenario;
  /** Messages the citizen wrote until the folio; undefined when none came within the limit. */
  turns: number | undefined;
  /** Fields asked, in order. */
  asked: string[];
  answeredFromCatalogue: boolean;
}

const MAX_TURNS = 12;

export function play(script: DialogScript, scenario: Scenario, ctx: StepContext): Played {
  let state = startConversation(script, ctx).state;
  const asked: string[] = [];
  let message: DialogInput = { text: scenario.text, photos: 0, otherAttachments: 0 };
  for (let turn = 1; turn <= MAX_TURNS; turn++) {
    const result: StepResult = step(script, state, message, ctx);
    state = DialogState.parse(JSON.parse(JSON.stringify(result.state)));
    if (result.effects.some((e) => e.kind === 'open_case')) return { scenario, turns: turn, asked, answeredFromCatalogue: false };
    if (result.effects.some((e) => e.kind === 'catalogue_answered')) return { scenario, turns: turn, asked, answeredFromCatalogue: true };
    const prompt = result.replies.at(-1)?.prompt;
    const field = prompt?.field ?? state.awaiting ?? 'description';
    asked.push(field);
    message = answer(scenario, field);
  }
  return { scenario, turns: undefined, asked, answeredFromCatalogue: false };
}

function answer(scenario: Scenario, field: string): DialogInput {
  const say = (text: string, choice?: string): DialogInput => ({ text, photos: 0, otherAttachments: 0, ...(choice ? { choice } : {}) });
  switch (field) {
    case 'description':
      return say(scenario.explains ?? scenario.text);
    case 'type':
      return say(scenario.type, scenario.type);
    case 'category':
      return say(scenario.category, scenario.category);
    case 'address':
      return say(scenario.answerPlace ?? 'calle Morelos 12, colonia Centro');
    case 'name':
      return say('María López');
    case 'contact':
      return say('55 1234 5678');
    case 'photo':
      return say('Omitir', 'skip');
    case 'confirm':
      return say('Sí', 'yes');
    default:
      return say('sí');
  }
}

export interface DialogFigures {
  conversations: number;
  medianTurns: number;
  /** Of the scenarios whose first message names a place: the share not asked for it. */
  placeKept: number;
  withPlace: number;
  noFolio: number;
}

export function figures(played: readonly Played[]): DialogFigures {
  const turns = played
    .filter((p) => !p.answeredFromCatalogue)
    .map((p) => p.turns ?? MAX_TURNS + 1)
    .sort((a, b) => a - b);
  const median = turns.length % 2 ? turns[(turns.length - 1) / 2]! : (turns[turns.length / 2 - 1]! + turns[turns.length / 2]!) / 2;
  const withPlace = played.filter((p) => p.scenario.place !== null);
  return {
    conversations: played.length,
    medianTurns: median,
    placeKept: withPlace.filter((p) => !p.asked.includes('address')).length / Math.max(1, withPlace.length),
    withPlace: withPlace.length,
    noFolio: played.filter((p) => p.turns === undefined).length,
  };
}
