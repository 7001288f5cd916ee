import { classify } from '../../src/understanding/classify.js';
import { createCatalogueSearch, loadCatalogue } from '../../src/catalogue/catalogue.js';
import { startConversation, step, type DialogInput, type StepContext, type StepResult } from '../../src/dialogs/engine.js';
import type { DialogScript } from '../../src/dialogs/script-schema.js';
import { DialogState, type DialogState as State } from '../../src/dialogs/state.js';
import { loadDefaultMunicipality } from '../../src/seed/seed.js';

const municipality = loadDefaultMunicipality();
const catalogue = createCatalogueSearch(loadCatalogue());

/** The placeholders a Spanish conversation's messages are filled with in tests. */
export const SPANISH_VARS: StepContext['vars'] = {
  municipio: 'Municipio de Ejemplo',
  horario: 'lunes a viernes de 8:00 a 15:00',
  ejemplo: 'AC-2026-000123',
  proxima_atencion: 'el lunes 30 de noviembre a partir de las 8:00',
  emergencia: '911',
  proteccion_civil: '',
};

/** The engine's view of the world in tests: the real classifier, the default categories and catalogue. */
export function dialogContext(vars: StepContext['vars'], overrides: Partial<StepContext> = {}): StepContext {
  return {
    classify,
    categories: municipality.categories.map((c) => ({ code: c.code, name: c.name })),
    withinBusinessHours: true,
    conversationStatus: 'bot',
    folioPrefix: 'AC',
    vars,
    findProcedure: (text) => catalogue.find(text)?.procedure,
    ...overrides,
  };
}

export const input = (text: string, extra: Partial<DialogInput> = {}): DialogInput => ({ text, photos: 0, otherAttachments: 0, ...extra });

/** Plays a conversation turn by turn, checking after every turn that the state survives a JSON round trip (the database). */
export function converse(script: DialogScript, turns: Array<string | DialogInput>, ctx: StepContext) {
  let state: State = startConversation(script, ctx).state;
  const results: StepResult[] = [];
  for (const turn of turns) {
    const result = step(script, state, typeof turn === 'string' ? input(turn) : turn, ctx);
    state = DialogState.parse(JSON.parse(JSON.stringify(result.state)));
    results.push(result);
  }
  return { results, state, last: results[results.length - 1]! };
}

export const texts = (result: StepResult) => result.replies.map((r) => r.text).join('\n');
