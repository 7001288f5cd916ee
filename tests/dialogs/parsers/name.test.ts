import { describe, expect, it } from 'vitest';
import { extractName } from '../../../src/dialogs/parsers/name.js';
import { languagePack } from '../../../src/language/language-pack.js';

describe('extractName', () => {
  it.each([
    ['me llamo Juan Pérez', 'Juan Pérez'],
    ['Hola, me llamo juan pérez y quiero reportar un bache', 'Juan Pérez'],
    ['soy María de los Ángeles López', 'María de los Ángeles López'],
    ['mi nombre es pedro ramirez', 'Pedro Ramirez'],
    ['MI NOMBRE ES PEDRO RAMIREZ', 'Pedro Ramirez'],
    ['Buenas tardes, soy Ana. Les escribo por la fuga', 'Ana'],
    ['quiero reportar un bache, me llamo Luis Gómez', 'Luis Gómez'],
    ['Atentamente, Rosa Elena Martínez', 'Rosa Elena Martínez'],
    ['me llamo José Luis Ruiz-Tagle', 'José Luis Ruiz-Tagle'],
    ['soy el Lic. Ramón Torres', 'Ramón Torres'],
    ['me llamo Juan Pérez 5512345678', 'Juan Pérez'],
    ['Nombre: Carla Soto', 'Carla Soto'],
    ['hola soy carlos', 'Carlos'],
    ['me llamo juan perez les escribo por la fuga', 'Juan Perez'],
    ['me llamo Juan y quiero reportar', 'Juan'],
    ['Les habla Roberto Gómez', 'Roberto Gómez'],
    ['soy la señora Martha Díaz', 'Martha Díaz'],
  ])('"%s" → %s', (text, expected) => {
    expect(extractName(text)).toBe(expected);
  });

  it.each([
    'Juan Pérez',
    'hola',
    'soy vecino de la colonia Centro',
    'soy de aquí',
    'el nombre de la calle es Hidalgo',
    'Soy nueva aquí',
    'me llamo',
    'soy yo',
  ])('"%s" has no introduced name', (text) => {
    expect(extractName(text)).toBeUndefined();
  });

  it.each([
    ['Juan Pérez', 'Juan Pérez'],
    ['juan pérez', 'Juan Pérez'],
    ['PEDRO RAMIREZ', 'Pedro Ramirez'],
    ['María de los Ángeles López', 'María de los Ángeles López'],
    ['maria de los angeles lopez', 'Maria de los Angeles Lopez'],
    ['Juan Pérez 5512345678', 'Juan Pérez'],
    ['Juan Pérez, cel 55 1234 5678', 'Juan Pérez'],
    ['Juan Pérez juan@example.com', 'Juan Pérez'],
    ['Juan Pérez y mi cel es 5512345678', 'Juan Pérez'],
    ['Buenas tardes, Ana López', 'Ana López'],
    ['Ana.', 'Ana'],
    ['Juan P.', 'Juan P.'],
    ['me llamo Sofía', 'Sofía'],
    ['De la Cruz Hernández', 'De la Cruz Hernández'],
    ['McDonald', 'McDonald'],
    ['C. Juan Pérez', 'Juan Pérez'],
    ['José María de la Fuente y Sánchez', 'José María de la Fuente y Sánchez'],
    ['Pedro, gracias', 'Pedro'],
  ])('whole answer "%s" → %s', (text, expected) => {
    expect(extractName(text, { wholeAnswer: true })).toBe(expected);
  });

  it.each([
    '',
    'no',
    'sí',
    'si',
    'hola',
    'no quiero',
    'para que',
    'para qué?',
    '12345',
    '5512345678',
    'prefiero no decirlo',
    'anónimo',
    'ok',
    'Juan Pérez López García Hernández Ruiz',
    'Juan Pérez vive en la calle Hidalgo',
    'J',
    'buenos días',
    '¿para qué lo quieren?',
    'no gracias',
  ])('whole answer "%s" is not a name', (text) => {
    expect(extractName(text, { wholeAnswer: true })).toBeUndefined();
  });
});

describe('extractName reads a whole answer as citizens give it', () => {
  it.each([
    ['Chuy', 'Chuy'],
    ['María', 'María'],
    ['Lupita', 'Lupita'],
    ['JUAN', 'Juan'],
    ['Chuy, gracias', 'Chuy'],
    ['El Chuy Montoya', 'El Chuy Montoya'],
    ['el chuy montoya', 'El Chuy Montoya'],
    ['El Güero', 'El Güero'],
    ['La Güera Pérez', 'La Güera Pérez'],
    ['la güera pérez', 'La Güera Pérez'],
    ['La Torre', 'La Torre'],
    // A title is dropped, as in "el Lic. Ramón Torres".
    ['Don Beto', 'Beto'],
    ['J. Pérez', 'J. Pérez'],
    ['j. perez', 'J. Perez'],
    ['juan perez', 'Juan Perez'],
  ])('"%s" → %s', (text, expected) => {
    expect(extractName(text, { wholeAnswer: true })).toBe(expected);
  });

  it.each([
    'ya te dije',
    'ya te lo dije',
    'para qué quieres mi nombre',
    'hay un bache',
    'no sé',
    'mañana',
    'Mañana',
    '55 1234 5678',
    '+52 311 123 4567',
    'el bache',
    'la calle Hidalgo',
    'el de la tienda',
    'el que reporta',
    'la verdad no',
    'la neta',
    'jajaja',
    'eso no importa',
    'no tengo',
    'J.',
    'J Pérez',
    'La',
    'El',
    'el señor',
    // Without capitals an article and one word read like a thing; a surname after it says nickname.
    'la foto',
    'el chuy',
  ])('"%s" is not a name', (text) => {
    expect(extractName(text, { wholeAnswer: true })).toBeUndefined();
  });

  it('keeps a nickname after an intro only when it is capitalized', () => {
    expect(extractName('soy el Chuy')).toBe('El Chuy');
    expect(extractName('Hola, soy El Güero de la tienda')).toBe('El Güero');
    expect(extractName('Hola, soy el chofer de la ruta 5')).toBeUndefined();
    expect(extractName('soy la encargada')).toBeUndefined();
  });

  it('does the same in English', () => {
    const en = languagePack('en');
    expect(extractName('John', { wholeAnswer: true }, en)).toBe('John');
    expect(extractName('J. Smith', { wholeAnswer: true }, en)).toBe('J. Smith');
    expect(extractName('john smith', { wholeAnswer: true }, en)).toBe('John Smith');
    for (const text of ['no', 'I already told you', 'why do you need my name', "there's a pothole", "I don't know", 'tomorrow'])
      expect(extractName(text, { wholeAnswer: true }, en)).toBeUndefined();
  });
});
