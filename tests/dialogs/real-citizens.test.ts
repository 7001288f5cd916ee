import { describe, expect, it } from 'vitest';
import { step, type StepContext } from '../../src/dialogs/engine.js';
import { loadDialogScript } from '../../src/dialogs/script-schema.js';
import { classify } from '../../src/understanding/classify.js';
import { converse, dialogContext, input, SPANISH_VARS, texts } from '../helpers/dialog.js';

const scripts = { es: loadDialogScript(undefined, 'es'), en: loadDialogScript(undefined, 'en') };
const vars = SPANISH_VARS;
const context = (overrides: Partial<StepContext> = {}) => dialogContext(vars, overrides);
const play = (locale: 'es' | 'en', turns: Array<string | ReturnType<typeof input>>, ctx = context()) =>
  converse(scripts[locale], turns, ctx);
const asked = (r: { replies: Array<{ prompt?: { field: string } | undefined }> }) => r.replies.at(-1)?.prompt?.field;
const opened = (results: Array<{ effects: Array<{ kind: string }> }>) => results.some((r) => r.effects.some((e) => e.kind === 'open_case'));

describe('emergencies', () => {
  const spanish = [
    'hay un incendio en la casa de al lado',
    'chocaron aquí en la esquina y hay un herido',
    'están robando en la tienda de la esquina ahorita',
    'huele a gas en toda la cuadra',
    'se inundó la calle y hay una señora atrapada en su carro',
    'mi vecino está inconsciente en la banqueta',
    'hay una balacera por el mercado',
  ];
  it.each(spanish)('answers "%s" with the emergency number in the first reply', (text) => {
    const { results } = play('es', [text]);
    expect(results[0]!.replies[0]!.text).toContain('911');
    expect(results[0]!.effects).toContainEqual({ kind: 'emergency' });
    expect(results[0]!.state.slots.emergency).toBe(true);
  });

  it.each(['there is a fire in the house next door', 'a car crash and someone is bleeding', 'I smell gas in the whole building'])(
    'answers "%s" with the emergency number in English',
    (text) => {
      const { results } = play('en', [text]);
      expect(results[0]!.replies[0]!.text).toContain('911');
    },
  );

  it('names Protección Civil when the municipality gives its number', () => {
    const { results } = play('es', ['huele a gas en la escuela'], context({ vars: { ...vars, proteccion_civil: '844 410 0000' } }));
    expect(results[0]!.replies[0]!.text).toContain('Protección Civil al 844 410 0000');
  });

  it('answers it from any step, even while a person has the conversation', () => {
    const { results } = play('es', ['Hay un bache enorme en la calle Hidalgo 123', 'ahorita hay un incendio aquí al lado']);
    expect(results[1]!.replies[0]!.text).toContain('911');
    const agent = context({ conversationStatus: 'agent' });
    const quiet = step(scripts.es, results[0]!.state, input('se está quemando la casa de enfrente'), agent);
    expect(texts(quiet)).toContain('911');
  });

  it('does not take everyday reports for emergencies', () => {
    for (const text of ['hay una fuga de agua en la calle Morelos', 'faltan extintores en el mercado', 'el bache está muy grave'])
      expect(texts(play('es', [text]).results[0]!)).not.toContain('911');
  });

  it('goes on to record the report, flagged', () => {
    const { results } = play('es', [
      'se está quemando la basura del contenedor de la calle Reforma 20',
      'Ana López',
      'no tengo',
      'omitir',
      'sí',
    ]);
    const open = results.at(-1)!.effects.find((e) => e.kind === 'open_case');
    expect(open).toMatchObject({ draft: { emergency: true, address: expect.stringContaining('Reforma 20') } });
  });
});

describe('vague openers', () => {
  it.each([
    ['tengo una queja', 'queja'],
    ['quiero hacer un reporte', 'reporte'],
    ['queria hacer una sugerencia', 'sugerencia'],
    ['hola buenas tardes, quisiera poner una queja por favor', 'queja'],
  ])('asks what happened after "%s", and the explanation becomes the description', (opener, type) => {
    const { results, state } = play('es', [opener, 'el camión de la basura no ha pasado en toda la semana por la calle Morelos 12']);
    expect(texts(results[0]!)).toMatch(/Cuénteme qué pasó/);
    expect(asked(results[0]!)).toBe('description');
    expect(results[0]!.state.slots.description).toBeUndefined();
    expect(state.slots.description).toBe('el camión de la basura no ha pasado en toda la semana por la calle Morelos 12');
    expect(state.slots.type).toBe(type);
    expect(state.slots.address).toContain('Morelos 12');
  });

  it('in English too', () => {
    const { results, state } = play('en', [
      'hi, I would like to file a complaint',
      'The rubbish truck has not come to Main Street 12 all week',
    ]);
    expect(texts(results[0]!)).toContain('Tell me what happened');
    expect(state.slots.type).toBe('queja');
    expect(state.slots.description).toContain('rubbish truck');
  });

  it('never stores the explanation as the place', () => {
    const { results, state } = play('es', [
      'la luminaria está fundida',
      'es que ya lleva dos semanas así y nadie viene',
      'frente a la primaria Benito Juárez, colonia Centro',
    ]);
    expect(texts(results[1]!)).toContain('Lo agrego a la descripción');
    expect(asked(results[1]!)).toBe('address');
    expect(state.slots.address).toBe('frente a la primaria Benito Juárez, colonia Centro');
    expect(state.slots.description).toContain('nadie viene');
  });
});

describe('off-topic text', () => {
  it.each(['cuanto cuesta una pizza', 'quién ganó el partido', 'vendo celular barato', 'te amo'])(
    'answers "%s" with what Ventanilla does, and opens nothing (the real classifier)',
    (text) => {
      const { results } = play('es', [text, 'jajaja']);
      expect(texts(results[0]!)).toContain('Eso no lo puedo atender por aquí');
      expect(opened(results)).toBe(false);
      expect(results.at(-1)!.state.slots.description).toBeUndefined();
    },
  );

  it('still answers municipal questions that look like everyday ones', () => {
    const { results } = play('es', ['cuanto cuesta el predial']);
    expect(texts(results[0]!)).not.toContain('Eso no lo puedo atender');
  });

  const offTopic = (text: string) => ({ ...classify(text), offTopic: 0.95 });
  it('gets a short answer of what Ventanilla does and is asked again, with no case', () => {
    const { results } = play('es', ['cuanto cuesta una pizza', 'jajaja', 'k onda'], context({ classify: offTopic }));
    expect(texts(results[0]!)).toContain('Eso no lo puedo atender por aquí');
    for (const r of results) expect(asked(r)).toBe('description');
    expect(opened(results)).toBe(false);
    expect(results.at(-1)!.state.slots.description).toBeUndefined();
  });
});

describe('names and contact', () => {
  it('takes "no tengo teléfono" as an answer: the case is followed in the chat', () => {
    const { results, state } = play('es', ['Hay un bache enorme en la calle Hidalgo 123', 'Chuy', 'no tengo teléfono']);
    expect(texts(results[2]!)).toContain('por este mismo chat');
    expect(asked(results[2]!)).toBe('photo');
    expect(state.slots.noContact).toBe(true);
  });

  it('does not ask WhatsApp for the number it already gave, and confirms it in the summary', () => {
    const wa = context({ knownPhone: '+5215512345678' });
    const { results } = play('es', ['Hay un bache enorme en la calle Hidalgo 123', 'Juan Pérez', 'omitir'], wa);
    expect(results.map(asked)).toEqual(['name', 'photo', 'confirm']);
    expect(texts(results[2]!)).toContain('+5215512345678 (el de este chat)');
  });

  it('takes "este mismo número" where the channel knows it, and asks for it where it does not', () => {
    const unknown = play('es', ['Hay un bache enorme en la calle Hidalgo 123', 'Juan Pérez', 'este mismo número'], context());
    expect(texts(unknown.results[2]!)).toContain('no veo su número');
    expect(asked(unknown.results[2]!)).toBe('contact');
    const sure = context({
      classify: () => ({
        type: 'reporte',
        typeConfidence: 0.9,
        category: 'baches-pavimento',
        categoryConfidence: 0.9,
        confidence: 0.9,
        offTopic: 0,
      }),
    });
    const declined = play('en', ['There is a pothole on Main Street 12', 'John', "I don't have a phone"], sure);
    expect(asked(declined.results[1]!)).toBe('contact');
    expect(declined.state.slots.noContact).toBe(true);
  });
});

describe('status without a folio', () => {
  it.each(['mi reporte de la basura de hace rato, ¿cómo va?', '¿como va mi queja?', 'quiero saber el estatus de mi reporte del bache'])(
    'looks up the citizen\'s open cases for "%s"',
    (text) => {
      const { last } = play('es', [text]);
      expect(last.effects).toEqual([{ kind: 'lookup_open_cases' }]);
    },
  );
  it('in English', () => {
    expect(play('en', ['what is the status of my report about the pothole?']).last.effects).toEqual([{ kind: 'lookup_open_cases' }]);
  });
});

describe('places the municipality names (GAZETTEER_FILE)', () => {
  it('keeps a bare colony or street name the gazetteer knows, and asks where without it', async () => {
    const { parseGazetteer } = await import('../../src/places/gazetteer.js');
    const gazetteer = parseGazetteer({ colonies: ['Benito Juárez', 'Las Torres'], streets: ['Insurgentes'] });
    const text = 'se fundió la lámpara del poste en la Benito Juarez';
    const without = play('es', [text]);
    expect(without.state.slots.address).toBeUndefined();
    const withNames = play('es', [text], context({ gazetteer }));
    expect(withNames.state.slots.address).toContain('Benito Juarez');
  });
});
