import { describe, expect, it } from 'vitest';
import { startConversation, step, type DialogInput, type StepContext } from '../../src/dialogs/engine.js';
import { converse as play, dialogContext, input, SPANISH_VARS, texts } from '../helpers/dialog.js';
import { loadDialogScript, parseDialogScript } from '../../src/dialogs/script-schema.js';

const script = loadDialogScript(undefined, 'es');
const vars = SPANISH_VARS;

const context = (overrides: Partial<StepContext> = {}) => dialogContext(vars, overrides);
const converse = (turns: Array<string | DialogInput>, ctx = context()) => play(script, turns, ctx);

describe('the default Spanish script', () => {
  it('greets and asks what happened', () => {
    const first = startConversation(script, context());
    expect(first.replies[0]!.text).toContain('Municipio de Ejemplo');
    expect(first.replies.at(-1)!.prompt).toMatchObject({ field: 'description', kind: 'text' });
  });

  it('takes the example report to a case in five citizen turns, asking only for what is missing', () => {
    const { results, last } = converse([
      'Hay un bache enorme frente a la escuela de la calle Hidalgo 123',
      'Juan Pérez',
      '55 1234 5678',
      'omitir',
      'sí',
    ]);
    // The address came with the description, so it is never asked for.
    const asked = results.flatMap((r) => r.replies.map((m) => m.prompt?.field)).filter(Boolean);
    expect(asked).toEqual(['name', 'contact', 'photo', 'confirm']);
    expect(texts(results[0]!)).toContain('baches y pavimento');
    expect(texts(results[0]!)).toContain('calle Hidalgo 123');
    expect(texts(results[3]!)).toContain('Juan Pérez');
    expect(last.effects).toEqual([
      {
        kind: 'open_case',
        draft: expect.objectContaining({
          type: 'reporte',
          category: 'baches-pavimento',
          address: 'calle Hidalgo 123',
          name: 'Juan Pérez',
          phone: '5512345678',
          description: 'Hay un bache enorme frente a la escuela de la calle Hidalgo 123',
        }),
      },
    ]);
  });

  it('picks up name and phone given in one answer', () => {
    const { results } = converse(['Hay una fuga de agua en la calle Morelos 45', 'me llamo Ana López, mi cel 311 123 4567']);
    expect(results[1]!.replies.at(-1)!.prompt?.field).toBe('photo');
  });

  it('lets the citizen pick the type from buttons when the classifier is unsure', () => {
    const { results } = converse(['les escribo por lo de ayer']);
    const prompt = results[0]!.replies.at(-1)!.prompt!;
    expect(prompt.kind).toBe('choice');
    expect(prompt.field).toBe('type');
    expect(prompt.options.map((o) => o.id)).toEqual(['reporte', 'queja', 'solicitud_informacion', 'sugerencia']);
    const next = step(script, results[0]!.state, input('Queja o reclamo'), context());
    expect(next.state.slots.type).toBe('queja');
    expect(next.state.slots.typeChosen).toBe(true);
  });

  it('accepts a shared location as the place', () => {
    const { results } = converse([
      'la lampara del poste esta fundida',
      input('', { location: { latitude: 19.4326, longitude: -99.1332 } }),
    ]);
    expect(results[0]!.replies.at(-1)!.prompt).toMatchObject({ field: 'address', kind: 'location' });
    expect(results[1]!.state.slots).toMatchObject({ latitude: 19.4326, longitude: -99.1332 });
    expect(results[1]!.replies.at(-1)!.prompt?.field).toBe('name');
  });

  it('counts a photo and moves on', () => {
    const { results } = converse([
      'Hay un bache enorme en la calle Hidalgo 123',
      'Juan Pérez',
      'juan@example.com',
      input('', { photos: 1 }),
    ]);
    expect(results[3]!.state.slots.photos).toBe(1);
    expect(results[3]!.replies.at(-1)!.prompt?.field).toBe('confirm');
  });

  it('lets the citizen correct a field from the confirmation', () => {
    const { last } = converse([
      'Hay un bache enorme en la calle Hidalgo 123',
      'Juan Pérez',
      '5512345678',
      'omitir',
      'no',
      'Lugar',
      'Avenida Juárez 45, colonia Centro',
    ]);
    expect(last.state.phase).toBe('confirming');
    expect(last.state.slots.address).toBe('Avenida Juárez 45, colonia Centro');
    expect(texts(last)).toContain('Avenida Juárez 45');
  });

  it('answers the status of a folio from any step without losing the case in progress', () => {
    const { results, state } = converse(['Hay un bache en la calle Hidalgo 123', 'estado AC-2026-000123']);
    expect(results[1]!.effects).toEqual([{ kind: 'lookup_status', folio: 'AC-2026-000123' }]);
    expect(state.awaiting).toBe('name');
    expect(state.slots.description).toContain('bache');
  });

  it("looks up the citizen's open cases when they ask for status without a folio, and still takes a folio next", () => {
    const { results } = converse(['estado de mi reporte', 'AC-2026-000007']);
    expect(results[0]!.effects).toEqual([{ kind: 'lookup_open_cases' }]);
    expect(results[0]!.state.phase).toBe('awaiting_folio');
    expect(results[1]!.effects).toEqual([{ kind: 'lookup_status', folio: 'AC-2026-000007' }]);
  });

  it('takes a long status question about their own case as one, not as a new case', () => {
    const { last } = converse(['mi reporte de la basura de hace rato, ¿cómo va?']);
    expect(last.effects).toEqual([{ kind: 'lookup_open_cases' }]);
    expect(last.state.slots.description).toBeUndefined();
  });

  it('hands over to a person on request, with wording that depends on office hours', () => {
    const inHours = converse(['quiero hablar con una persona']).last;
    expect(inHours.effects).toEqual([{ kind: 'escalate', reason: 'requested' }]);
    expect(texts(inHours)).toContain('En unos minutos');
    const afterHours = converse(['quiero hablar con una persona'], context({ withinBusinessHours: false })).last;
    expect(texts(afterHours)).toContain('fuera de horario');
    expect(texts(afterHours)).toContain('lunes a viernes de 8:00 a 15:00');
  });

  it('hands over after failing to understand twice in a row', () => {
    const { results } = converse(['Hay un bache enorme en la calle Hidalgo 123', 'Juan Pérez', 'no sé', 'ni idea']);
    expect(results[2]!.effects).toEqual([]);
    expect(results[3]!.effects).toEqual([{ kind: 'escalate', reason: 'not_understood' }]);
  });

  it('cancels what is in progress', () => {
    const { last, state } = converse(['Hay un bache enorme en la calle Hidalgo 123', 'cancelar']);
    expect(texts(last)).toContain('cancelé');
    expect(state.slots.description).toBeUndefined();
  });

  it('while waiting for a person, says once when one will answer and keeps collecting the case; "cancelar" hands it back', () => {
    const waiting = context({ conversationStatus: 'waiting_agent', withinBusinessHours: false });
    const first = step(script, startConversation(script, waiting).state, input('Hay una fuga de agua en la calle Morelos 45'), waiting);
    expect(texts(first)).toContain('una persona del equipo le responderá por aquí el lunes');
    expect(first.effects).toEqual([]);
    expect(first.state.slots.description).toBe('Hay una fuga de agua en la calle Morelos 45');
    expect(first.replies.at(-1)!.prompt?.field).toBe('name');
    const second = step(script, first.state, input('Ana López'), waiting);
    expect(texts(second)).not.toContain('persona del equipo');
    expect(second.replies.at(-1)!.prompt?.field).toBe('contact');
    const asking = step(script, second.state, input('¿hay alguien?'), waiting);
    expect(texts(asking)).toContain('le responderá por aquí el lunes');
    const back = step(script, asking.state, input('cancelar'), waiting);
    expect(back.effects).toEqual([{ kind: 'return_to_bot' }]);
  });

  it('stays quiet while a person is answering, except to hand it back on "cancelar"', () => {
    const agent = context({ conversationStatus: 'agent' });
    const first = step(script, startConversation(script, agent).state, input('sí, es en la esquina'), agent);
    expect(first.replies).toEqual([]);
    const back = step(script, first.state, input('cancelar'), agent);
    expect(back.effects).toEqual([{ kind: 'return_to_bot' }]);
  });

  it('re-greets without losing the step', () => {
    const { last, state } = converse(['Hay un bache enorme en la calle Hidalgo 123', 'hola']);
    expect(texts(last)).toContain('Hola de nuevo');
    expect(state.awaiting).toBe('name');
  });

  it('rejects a script with a wrong shape, naming the problem', () => {
    const broken = JSON.parse(JSON.stringify(script)) as Record<string, unknown>;
    (broken.fields as Array<{ id: string }>)[0]!.id = 'name';
    expect(() => parseDialogScript(broken, 'test.json')).toThrow(/first field must be "description"/);
    expect(() => parseDialogScript({ ...broken, version: 9 }, 'test.json')).toThrow(/version/);
  });
});
