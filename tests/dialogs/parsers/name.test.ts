import { describe, expect, it } from 'vitest';
import { extractName } from '../../../src/dialogs/parsers/name.js';

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
