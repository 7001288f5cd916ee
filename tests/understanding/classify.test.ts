import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CaseType } from '../../src/cases/case-type.js';
import {
  ClassifierLexicon,
  classify,
  classifyWithLexicon,
  createClassifier,
  getDefaultClassifier,
  loadClassifierLexicon,
} from '../../src/understanding/classify.js';
import { sourceAsset } from '../../src/paths.js';

describe('classify: the required examples', () => {
  it('a pothole in front of a school is a confident pothole report', () => {
    const c = classify('Hay un bache enorme frente a la escuela de la calle Hidalgo 123');
    expect(c.type).toBe('reporte');
    expect(c.category).toBe('baches-pavimento');
    expect(c.confidence).toBeGreaterThanOrEqual(0.6);
    expect(c.confidence).toBe(Math.min(c.typeConfidence, c.categoryConfidence));
  });

  it('a burnt-out lamp on a post is a street-lighting report', () => {
    const c = classify('la lampara del poste esta fundida desde ayer');
    expect(c.type).toBe('reporte');
    expect(c.category).toBe('alumbrado-publico');
  });

  it('weeks without garbage collection, shouted, is a complaint about garbage', () => {
    const c = classify('YA VAN 3 SEMANAS Q NO PASA EL CAMION DE LA BASURA!!! pesimo servicio');
    expect(c.type).toBe('queja');
    expect(c.category).toBe('recoleccion-basura');
  });

  it('asking what a business licence needs is an information request about trámites', () => {
    const c = classify('que necesito para sacar la licencia de funcionamiento?');
    expect(c.type).toBe('solicitud_informacion');
    expect(c.category).toBe('tramites');
  });

  it('"it would be good to put more games in the park" is a suggestion about parks', () => {
    const c = classify('seria bueno poner mas juegos en el parque de la colonia');
    expect(c.type).toBe('sugerencia');
    expect(c.category).toBe('parques-jardines');
  });

  it('a water leak on the corner is a water report', () => {
    const c = classify('hay una fuga de agua en la esquina');
    expect(c.type).toBe('reporte');
    expect(c.category).toBe('agua-drenaje');
  });

  it('a stolen phone is a security report', () => {
    const c = classify('me robaron el celular en la plaza');
    expect(['reporte', 'queja']).toContain(c.type);
    expect(c.category).toBe('seguridad');
  });

  it('a bare greeting gets low confidence and falls back to "otros"', () => {
    const c = classify('hola');
    expect(c.category).toBe('otros');
    expect(c.confidence).toBeLessThan(0.5);
  });

  it('a question about a service is an information request in that service', () => {
    const c = classify('¿a que hora pasa el camion de la basura?');
    expect(c.type).toBe('solicitud_informacion');
    expect(c.category).toBe('recoleccion-basura');
  });

  it('the service failing for weeks is a complaint, not a report', () => {
    const c = classify('ya van 3 semanas sin que pase la basura');
    expect(c.type).toBe('queja');
    expect(c.category).toBe('recoleccion-basura');
  });
});

describe('the lexicon baseline: messages without cues', () => {
  it('a question with no service words is an unsure information request in "otros"', () => {
    const c = classifyWithLexicon('¿me ayudan con algo?');
    expect(c.type).toBe('solicitud_informacion');
    expect(c.category).toBe('otros');
    expect(c.confidence).toBeLessThan(0.5);
  });

  it('a statement with a service word but no type cue defaults to an unsure report', () => {
    const c = classifyWithLexicon('el drenaje de la avenida');
    expect(c.type).toBe('reporte');
    expect(c.category).toBe('agua-drenaje');
    expect(c.typeConfidence).toBeLessThan(0.5);
  });

  it('empty and emoji-only messages do not throw and are not confident', () => {
    for (const text of ['', '   ', '👍👍', '???']) {
      const c = classifyWithLexicon(text);
      expect(c.category).toBe('otros');
      expect(c.confidence).toBeLessThan(0.5);
      expect(c.confidence).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('the lexicon baseline: matching rules', () => {
  it('stems match longer words but short words only match exactly', () => {
    const { matched } = getDefaultClassifier().explain('unos bachecitos y haya paz');
    expect(matched).toContain('baches-pavimento: bache (3)');
    expect(matched.some((m) => m.startsWith('reporte: hay$'))).toBe(false);
  });

  it('a kindergarten ("jardín de niños") is not a garden', () => {
    const c = classifyWithLexicon('hay un bache frente al jardín de niños');
    expect(c.category).toBe('baches-pavimento');
  });

  it('accents, stretched letters and chat shorthand do not change the result', () => {
    const plain = classifyWithLexicon('hay un bache en la calle');
    const messy = classifyWithLexicon('HAAAY UN BÁCHEEEE en la calle 😡😡');
    expect(messy.category).toBe(plain.category);
    expect(messy.type).toBe('reporte');
  });

  it('confidences stay within [0, 1] and a tie is never confident', () => {
    const c = classifyWithLexicon('hay basura y un bache');
    for (const value of [c.typeConfidence, c.categoryConfidence, c.confidence]) {
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThanOrEqual(1);
    }
    expect(c.categoryConfidence).toBeLessThanOrEqual(0.5);
  });
});

describe('classifier lexicon', () => {
  it('every category code exists in the default municipality', () => {
    const seed = JSON.parse(readFileSync(sourceAsset('seed', 'default-municipality.json'), 'utf8')) as { categories: { code: string }[] };
    const codes = seed.categories.map((c) => c.code);
    expect(Object.keys(loadClassifierLexicon().categories).sort()).toEqual([...codes].sort());
  });

  it('states its licence', () => {
    expect(loadClassifierLexicon().licence).toMatch(/AGPL-3\.0-or-later/);
  });

  it('rejects a cue that normalizes to more than one word', () => {
    const lexicon = loadClassifierLexicon();
    const broken = { ...lexicon, categories: { ...lexicon.categories, otros: { 'perro-callejero': 1 } } };
    const result = ClassifierLexicon.safeParse(broken);
    expect(result.success).toBe(false);
    expect(() => createClassifier(broken)).toThrow(/single word/);
  });

  it('rejects a lexicon without the "otros" fallback category', () => {
    const { otros: _otros, ...categories } = loadClassifierLexicon().categories;
    expect(ClassifierLexicon.safeParse({ ...loadClassifierLexicon(), categories }).success).toBe(false);
  });
});

type Example = [text: string, type: CaseType | CaseType[], category: string];

/**
 * Realistic messages in the wording of different regions. Where two types are defensible
 * (a robbery reported with anger), both are accepted.
 */
const EXAMPLES: Example[] = [
  // Mexico
  ['¿A qué hora pasa el camión de la basura en la colonia Centro?', 'solicitud_informacion', 'recoleccion-basura'],
  ['Buenas tardes, la coladera de mi calle está tapada y huele horrible', 'reporte', 'agua-drenaje'],
  ['El semáforo de Av. Juárez y 5 de Mayo no funciona, casi chocan dos carros', 'reporte', 'seguridad'],
  ['dónde puedo pagar el predial? xfa', 'solicitud_informacion', 'tramites'],
  ['Hay un tiradero de basura en el lote baldío junto a la primaria', 'reporte', 'recoleccion-basura'],
  ['llevamos 2 meses sin agua y nadie del municipio hace nada', 'queja', 'agua-drenaje'],
  ['El árbol de la esquina está a punto de caerse sobre los cables', 'reporte', 'parques-jardines'],
  ['Sugiero que pongan topes en la calle Morelos, los carros pasan muy rápido', 'sugerencia', 'baches-pavimento'],
  ['no hay luz en toda la calle, está bien oscuro y da miedo salir', 'reporte', 'alumbrado-publico'],
  ['Quisiera saber los requisitos para el acta de nacimiento', 'solicitud_informacion', 'tramites'],
  ['Fui a la ventanilla de tesorería y el señor que atiende fue muy grosero conmigo', 'queja', 'tramites'],
  ['Hubo una balacera anoche en la colonia, se escucharon muchos disparos', 'reporte', 'seguridad'],
  // Central America
  ['El tren de aseo no ha pasado por la colonia desde hace una semana', 'queja', 'recoleccion-basura'],
  ['Hay un tragante destapado en la 4a avenida, alguien se puede caer', 'reporte', 'agua-drenaje'],
  ['Hay un hoyo grandísimo en la calle principal del barrio El Carmen', 'reporte', 'baches-pavimento'],
  ['Asaltaron a una señora en la parada de bus, necesitamos más patrullaje', ['reporte', 'queja'], 'seguridad'],
  ['No cae agua del chorro desde el lunes', ['reporte', 'queja'], 'agua-drenaje'],
  ['Propongo que se siembren más árboles en el parque central', 'sugerencia', 'parques-jardines'],
  ['¿Cuánto cuesta el permiso de construcción?', 'solicitud_informacion', 'tramites'],
  ['el poste de luz de la esquina se cayó con la lluvia', 'reporte', 'alumbrado-publico'],
  // The Andes
  ['Hay un hueco enorme en la pista de la avenida Grau', 'reporte', 'baches-pavimento'],
  ['El desagüe está colapsado y las aguas servidas salen a la vereda', 'reporte', 'agua-drenaje'],
  ['El recojo de basura es pésimo, pasan una vez por semana', 'queja', 'recoleccion-basura'],
  ['El buzón de la esquina está sin tapa, es un peligro para los niños', 'reporte', 'agua-drenaje'],
  ['Serenazgo nunca viene cuando los llamamos, hay robos todas las noches', 'queja', 'seguridad'],
  ['¿En qué horario atienden en la municipalidad para pagar los arbitrios?', 'solicitud_informacion', 'tramites'],
  ['Deberían podar los árboles del parque, las ramas tapan las luminarias', 'sugerencia', 'parques-jardines'],
  ['Los focos del parque están quemados hace semanas', ['reporte', 'queja'], 'alumbrado-publico'],
  ['hola buenos dias, la luminaria de mi pasaje parpadea toda la noche', 'reporte', 'alumbrado-publico'],
  // Southern Cone
  ['Hay un pozo enorme en la calle Sarmiento al 1200, ya se rompieron dos autos', 'reporte', 'baches-pavimento'],
  ['Hace un mes que no levantan los residuos del contenedor de la esquina, es una vergüenza', 'queja', 'recoleccion-basura'],
  ['Pérdida de agua en la vereda frente al 345, sale agua limpia hace dos días', 'reporte', 'agua-drenaje'],
  ['Estaría bueno que pongan más luminarias en la plaza, de noche es muy oscura', 'sugerencia', 'alumbrado-publico'],
  ['Cómo saco turno para renovar el registro de conducir?', 'solicitud_informacion', 'tramites'],
  ['La cloaca está desbordada y hay olor insoportable en toda la cuadra', 'reporte', 'agua-drenaje'],
  ['Motochorros robando en la esquina de la plaza todas las noches, los vecinos estamos hartos', 'queja', 'seguridad'],
  ['Se cayó un árbol en la plaza y bloquea la calle', 'reporte', 'parques-jardines'],
  ['Me cobraron de más en la tasa municipal y nadie me da respuesta', 'queja', 'tramites'],
  ['Se podría instalar un semáforo en la esquina de la escuela? hay muchos accidentes', 'sugerencia', 'seguridad'],
  ['Hay un auto abandonado hace meses en la cuadra, lo están desarmando', 'reporte', 'seguridad'],
  ['que dias pasa el carro recolector por el barrio San Martin?', 'solicitud_informacion', 'recoleccion-basura'],
  ['El parque está lleno de maleza y los juegos infantiles están rotos', 'reporte', 'parques-jardines'],
  ['Me gustaría que hubiera ciclovías y más áreas verdes en el municipio', 'sugerencia', 'parques-jardines'],
  ['la calle está destrozada, llena de baches, ya la reportamos 3 veces y nada', 'queja', 'baches-pavimento'],
  ['buenas, una consulta: ¿dónde queda la oficina de catastro?', 'solicitud_informacion', 'tramites'],
  ['¿Por qué no han arreglado el bache que reporté hace un mes?', 'queja', 'baches-pavimento'],
];

describe('classify: regional example table', () => {
  const results = EXAMPLES.map(([text, type, category]) => {
    const c = classifyWithLexicon(text);
    const types = Array.isArray(type) ? type : [type];
    return {
      text,
      expected: { type, category },
      got: { type: c.type, category: c.category },
      ok: types.includes(c.type) && c.category === category,
    };
  });
  const correct = results.filter((r) => r.ok).length;

  it(`gets type and category both right on at least 85% of ${EXAMPLES.length} messages`, () => {
    const misses = results.filter((r) => !r.ok);
    // Printed so a lexicon change shows exactly what it broke or fixed.
    if (misses.length > 0) console.log(`classifier: ${correct}/${EXAMPLES.length} correct; misses:\n` + JSON.stringify(misses, null, 1));
    expect(correct / EXAMPLES.length).toBeGreaterThanOrEqual(0.85);
  });
});
