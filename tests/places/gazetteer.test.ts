import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Gazetteer, GazetteerError, loadGazetteer, parseGazetteer } from '../../src/places/gazetteer.js';
import { extractAddress, looksLikeAddress } from '../../src/dialogs/parsers/address.js';
import { languagePack } from '../../src/language/language-pack.js';

const EXAMPLE = new URL('../../docs/examples/gazetteer.example.json', import.meta.url).pathname;
const gazetteer = loadGazetteer(EXAMPLE);
const withNames = { gazetteer };
const es = languagePack('es');

describe('gazetteer files', () => {
  it('loads the example, with every list and the version', () => {
    expect(gazetteer.version).toBe(1);
    expect(gazetteer.streets).toContain('Insurgentes');
    expect(gazetteer.colonies).toContain('Benito Juárez');
    expect(gazetteer.landmarks).toContain('Mercado Hidalgo');
  });

  it('takes any one list alone', () => {
    expect(parseGazetteer({ colonies: ['Las Palmas'] })).toEqual({ version: 1, streets: [], colonies: ['Las Palmas'], landmarks: [] });
  });

  it.each([
    [{}, /lists no street, colony or landmark/],
    [{ streets: [] }, /lists no street, colony or landmark/],
    [{ colonias: ['Centro'] }, /colonias/],
    [{ streets: 'Insurgentes' }, /streets/],
    [{ streets: ['Insurgentes', 'X'] }, /streets\.1/],
    [{ streets: ['  12  '] }, /two letters/],
    [{ version: 2, streets: ['Insurgentes'] }, /version/],
    [[], /root/],
  ])('rejects %j, saying where', (json, message) => {
    expect(Gazetteer.safeParse(json).success).toBe(false);
    expect(() => parseGazetteer(json, 'gazetteer test.json')).toThrow(GazetteerError);
    expect(() => parseGazetteer(json, 'gazetteer test.json')).toThrow(message);
  });

  it('names the file it could not read or parse', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gazetteer-'));
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{ "streets": [');
    expect(() => loadGazetteer(broken)).toThrow(GazetteerError);
    expect(() => loadGazetteer(broken)).toThrow(/broken\.json could not be read/);
    expect(() => loadGazetteer(join(dir, 'missing.json'))).toThrow(/missing\.json could not be read/);
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ streets: [1] }));
    expect(() => loadGazetteer(invalid)).toThrow(/invalid\.json is not valid:\n {2}streets\.0/);
  });
});

describe('a known name alone is a place', () => {
  it.each([
    ['en la Benito Juárez no hay agua', 'Benito Juárez'],
    ['en la benito juarez no hay agua', 'benito juarez'],
    ['hay un bache en Insurgentes', 'Insurgentes'],
    ['Insurgentes tiene un bache', 'Insurgentes'],
    ['sobre insurgentes hay un bache', 'insurgentes'],
    ['hay un bache en Insurgentes 45', 'Insurgentes 45'],
    ['en Las Palmas no pasa el camión', 'Las Palmas'],
    ['se fue la luz en Los Olivos', 'Los Olivos'],
    ['en el Mercado Hidalgo', 'Mercado Hidalgo'],
    ['juarez y allende', 'juarez y allende'],
    ['juárez y allende hay un bache', 'juárez y allende'],
    ['en la LOMAS DEL VALLE', 'LOMAS DEL VALLE'],
  ])('"%s" → "%s"', (text, expected) => {
    expect(extractAddress(text, es, withNames)).toBe(expected);
    expect(looksLikeAddress(text, es, withNames)).toBe(true);
  });

  it.each([
    ['bache en insurjentes', 'insurjentes'],
    ['en la benito juares', 'benito juares'],
    ['en la colonia Benito Juáres', 'colonia Benito Juáres'],
    ['sobre Insurjentes casi esquina con Reforma', 'Insurjentes casi esquina con Reforma'],
  ])('forgives one typo in a long name: "%s" → "%s"', (text, expected) => {
    expect(extractAddress(text, es, withNames)).toBe(expected);
  });

  it('does not forgive a typo in a short name, nor two in a long one', () => {
    const short = parseGazetteer({ streets: ['Oro', 'Sur 5'] });
    expect(looksLikeAddress('Oro', es, { gazetteer: short })).toBe(true);
    expect(looksLikeAddress('Ora', es, { gazetteer: short })).toBe(false);
    expect(looksLikeAddress('insurjentez', es, withNames)).toBe(false);
    expect(looksLikeAddress('insurjentes', es, withNames)).toBe(true);
  });

  it('answers "¿Dónde es?" with a known name in any case', () => {
    for (const answer of [
      'Insurgentes',
      'insurgentes',
      'la Benito Juárez',
      'la benito juarez',
      'Benito Juárez',
      'zaragoza',
      'en las palmas',
      'periferico sur',
    ])
      expect(looksLikeAddress(answer, es, withNames)).toBe(true);
    for (const answer of ['insurgentes', 'zaragoza', 'la benito juarez']) expect(looksLikeAddress(answer)).toBe(false);
  });

  it('needs the name to look placed in a first message', () => {
    for (const text of [
      'tengo la esperanza de que lo arreglen',
      'Me atendió el señor Morales',
      'no hay agua desde ayer',
      'el centro de la calle',
      'me llamo Juan Pérez',
    ])
      expect(extractAddress(text, es, withNames)).toBeUndefined();
  });

  it('leaves the result without a gazetteer as it was', () => {
    expect(extractAddress('en la Benito Juárez no hay agua')).toBeUndefined();
    expect(extractAddress('hay un bache en Insurgentes')).toBeUndefined();
    expect(extractAddress('calle Hidalgo 123', es, withNames)).toBe('calle Hidalgo 123');
  });

  it('works with the English pack too', () => {
    const english = parseGazetteer({ streets: ['Maple'], colonies: ['Riverside'] });
    expect(extractAddress('the water is out in Riverside', languagePack('en'), { gazetteer: english })).toBe('Riverside');
    expect(looksLikeAddress('maple', languagePack('en'), { gazetteer: english })).toBe(true);
  });

  it('looks a typo up without comparing it to every name', () => {
    // A city's worth of names and a message of the longest kind; a scan of every name per word took seconds.
    const names = Array.from({ length: 2000 }, (_, i) => `Calle Número ${i} de Prueba`);
    const big = parseGazetteer({ streets: names, colonies: names.slice(0, 500).map((n) => n.replace('Calle', 'Colonia')) });
    const text = 'en la Benito Juárez y el Mercado Hidalgo, '.repeat(90);
    const started = performance.now();
    expect(looksLikeAddress(text, es, { gazetteer: big })).toBe(true);
    expect(extractAddress('en la calle numero 12 de prueva', es, { gazetteer: big })).toBe('calle numero 12 de prueva');
    expect(extractAddress('en la numero 12 de prueva', es, { gazetteer: big })).toBe('numero 12 de prueva');
    extractAddress(text, es, { gazetteer: big });
    expect(performance.now() - started).toBeLessThan(3000);
  });
});
