import { describe, expect, it } from 'vitest';
import { step } from '../../src/dialogs/engine.js';
import { loadDialogScript } from '../../src/dialogs/script-schema.js';
import { converse as play, dialogContext, input, SPANISH_VARS, texts } from '../helpers/dialog.js';

const script = loadDialogScript(undefined, 'es');
const english = loadDialogScript(undefined, 'en');
const vars = SPANISH_VARS;
const context = () => dialogContext(vars);
const converse = (turns: Parameters<typeof play>[1]) => play(script, turns, context());

describe('questions answered from the catalogue of procedures', () => {
  it('answers "¿dónde pago el predial?" on the spot, with requirements, cost, place, hours, time and legal basis, and three buttons', () => {
    const { last } = converse(['¿dónde pago el predial?']);
    const answer = texts(last);
    expect(answer).toContain('Pago del impuesto predial');
    expect(answer).toContain('Requisitos:\n• Clave catastral');
    expect(answer).toMatch(/Costo: .*valor catastral/);
    expect(answer).toMatch(/Dónde: Tesorería municipal/);
    expect(answer).toMatch(/Horario: Lunes a viernes/);
    expect(answer).toMatch(/Tiempo de respuesta: Inmediato/);
    expect(answer).toMatch(/Fundamento legal: Ley de Hacienda Municipal/);
    expect(last.replies.at(-1)!.prompt).toEqual({
      field: 'catalogue',
      kind: 'choice',
      options: [
        { id: 'helped', label: 'Me sirvió' },
        { id: 'human', label: 'Hablar con una persona' },
        { id: 'open_case', label: 'Abrir un caso' },
      ],
      optional: false,
    });
    expect(last.effects).toEqual([{ kind: 'catalogue_answered', procedureId: 'pago-predial' }]);
    expect(last.state.phase).toBe('answered');
  });

  it('answers misspelled questions without a question mark', () => {
    const { last } = converse(['q nesecito pa sacar la lisencia de funsionamiento']);
    expect(last.effects).toEqual([{ kind: 'catalogue_answered', procedureId: 'licencia-funcionamiento' }]);
  });

  it('opens a case when the citizen asks for one after the answer, with the question as its description', () => {
    const { results, last } = converse([
      '¿qué necesito para el permiso de construcción?',
      input('Abrir un caso', { choice: 'open_case' }),
      'María López',
      'maria@example.com',
      'sí',
    ]);
    expect(texts(results[1]!)).toContain('registro su solicitud');
    const asked = results
      .slice(1)
      .flatMap((r) => r.replies.map((m) => m.prompt?.field))
      .filter(Boolean);
    expect(asked).toEqual(['name', 'contact', 'confirm']);
    expect(last.effects).toEqual([
      {
        kind: 'open_case',
        draft: expect.objectContaining({
          type: 'solicitud_informacion',
          category: 'tramites',
          description: '¿qué necesito para el permiso de construcción?',
          name: 'María López',
        }),
      },
    ]);
  });

  it('also opens the case when the citizen types the button label', () => {
    const { results } = converse(['¿a qué hora abren?', 'abrir un caso']);
    expect(results[1]!.state.phase).toBe('collecting');
    expect(results[1]!.effects).toEqual([]);
  });

  it('says goodbye when it helped, and starts afresh', () => {
    const { last } = converse(['¿a qué hora abren?', input('Me sirvió', { choice: 'helped' })]);
    expect(texts(last)).toBe('¡Qué bueno! Si necesita algo más, aquí estoy.');
    expect(last.state.phase).toBe('collecting');
    expect(last.state.slots.description).toBeUndefined();
    expect(last.effects).toEqual([]);
  });

  it('hands over to a person from the button', () => {
    const { last } = converse(['¿a qué hora abren?', input('Hablar con una persona', { choice: 'human' })]);
    expect(last.effects).toEqual([{ kind: 'escalate', reason: 'requested' }]);
  });

  it('takes a new message after the answer as a new request', () => {
    const { last } = converse(['¿a qué hora abren?', 'hay un bache enorme en la calle Hidalgo 123']);
    expect(last.state.slots).toMatchObject({ type: 'reporte', category: 'baches-pavimento', address: 'calle Hidalgo 123' });
    expect(last.state.answeredProcedure).toBeUndefined();
  });

  it('does not answer reports or complaints with a procedure sheet', () => {
    expect(converse(['me cobraron de mas en el predial, es un abuso']).last.effects).toEqual([]);
    expect(converse(['hay una fuga de agua en la calle Morelos 45']).last.effects).toEqual([]);
  });

  it('opens a case as before when the catalogue has nothing for the question', () => {
    const { last } = converse(['¿cuándo es la feria del pueblo?']);
    expect(last.effects).toEqual([]);
    expect(last.state.phase).toBe('collecting');
    expect(last.state.slots.type).toBe('solicitud_informacion');
  });

  it('asks again with the same buttons when the citizen sends only an emoji', () => {
    const first = converse(['¿a qué hora abren?']).last;
    const next = step(script, first.state, input('👍'), context());
    expect(next.replies.at(-1)!.prompt!.field).toBe('catalogue');
  });

  it('speaks English in the English script, with the municipality’s own catalogue text', () => {
    const { last } = play(english, ['¿dónde pago el predial?'], context());
    expect(texts(last)).toContain('Requirements:');
    expect(last.replies.at(-1)!.prompt!.options.map((o) => o.label)).toEqual(['It helped', 'Talk to a person', 'Open a case']);
  });
});

describe('labelled examples from low confidence', () => {
  it('records the type and topic the citizen picked from buttons, with what the classifier had guessed', () => {
    const { results } = converse(['les escribo por lo de ayer', input('Sugerencia', { choice: 'sugerencia' })]);
    expect(results[1]!.effects).toEqual([
      {
        kind: 'label_chosen',
        field: 'type',
        text: 'les escribo por lo de ayer',
        predicted: expect.any(String),
        chosen: 'sugerencia',
        confidence: expect.any(Number),
      },
    ]);
    const prompt = results[1]!.replies.at(-1)!.prompt!;
    if (prompt.field === 'category') {
      const next = step(script, results[1]!.state, input('Otros asuntos', { choice: 'otros' }), context());
      expect(next.effects).toEqual([expect.objectContaining({ kind: 'label_chosen', field: 'category', chosen: 'otros' })]);
    }
  });
});
