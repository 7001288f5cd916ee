import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { languagePack } from '../../src/language/language-pack.js';
import { addressKey, parseAddress, placeNameKey } from '../../src/places/address-key.js';

describe('an address key', () => {
  it('is one for the issue’s three spellings of calle Juárez 210 in the Centro', () => {
    const keys = ['calle Juárez 210, col. Centro', 'juarez #210 col centro', 'C. Juárez 210, Centro'].map((a) => addressKey(a));
    expect(keys).toEqual(['juarez 210|centro', 'juarez 210|centro', 'juarez 210|centro']);
  });

  it('tells another number or another colony apart', () => {
    const key = addressKey('calle Juárez 210, col. Centro');
    expect(addressKey('Juárez 212, Centro')).not.toBe(key);
    expect(addressKey('Juárez 210, col. Las Palmas')).not.toBe(key);
    expect(addressKey('Juárez 210')).not.toBe(key);
    expect(addressKey('Hidalgo 210, Centro')).not.toBe(key);
  });

  it('takes the colony before or after the street, with or without its type word', () => {
    for (const a of [
      'col. Centro, calle Juárez 210',
      'Centro, Juárez 210',
      'en la calle Juárez 210 de la colonia Centro',
      'Juárez 210 (Centro)',
    ]) {
      expect(addressKey(a), a).toBe('juarez 210|centro');
    }
  });

  it('drops what names no other place: the unit, the postal code, the town and the state', () => {
    expect(addressKey('Juárez No. 210 int. 3, Col. Centro, C.P. 85000, Navojoa, Sonora')).toBe('juarez 210|centro');
    expect(addressKey('Av. Juárez núm. 210-B, Centro')).toBe('juarez 210b|centro');
    expect(addressKey('Calle No Reelección s/n, Fracc. Los Olivos')).toBe('no reeleccion|olivos');
  });

  it('keeps a numbered street’s name apart from its house number', () => {
    expect(addressKey('calle 5 de Mayo 210')).toBe('5 mayo 210');
    expect(addressKey('Av. 16 de Septiembre #45 Pte.')).toBe('16 septiembre poniente 45');
    expect(addressKey('16 de Septiembre Poniente 45')).toBe('16 septiembre poniente 45');
  });

  it('is one for a corner whichever street comes first', () => {
    const key = addressKey('Hidalgo esq. Morelos');
    expect(key).toBe('hidalgo y morelos');
    for (const a of [
      'esquina de Morelos e Hidalgo',
      'Hidalgo y Morelos',
      'calle Morelos esquina con calle Hidalgo',
      'Morelos casi esq. Hidalgo',
    ]) {
      expect(addressKey(a), a).toBe(key);
    }
    expect(addressKey('Hidalgo esq. Morelos, col. Centro')).toBe('hidalgo y morelos|centro');
    expect(addressKey('Juárez entre Morelos y Hidalgo')).toBe('juarez entre hidalgo y morelos');
  });

  it('is a colony alone, or nothing for a text that names no place', () => {
    expect(addressKey('col. Centro')).toBe('|centro');
    expect(addressKey('Zona Centro')).toBe('|centro');
    expect(addressKey('')).toBeNull();
    expect(addressKey(' #, . ; ')).toBeNull();
    expect(parseAddress('calle hidalgo 123 centro')).toEqual({ streets: ['hidalgo'], number: '123', colony: 'centro' });
  });

  it('reads English street suffixes from the English pack', () => {
    const en = languagePack('en');
    expect(addressKey('123 Main St', en)).not.toBeNull();
    expect(addressKey('Main St #123', en)).toBe(addressKey('main #123', en));
  });

  it('makes of a gazetteer name the key an address makes of it', () => {
    expect(placeNameKey('Av. Juárez')).toBe('juarez');
    expect(placeNameKey('Fracc. Los Olivos')).toBe('olivos');
    expect(placeNameKey('Calle 5 de Mayo')).toBe('5 mayo');
    expect(placeNameKey('Colonia')).toBe('colonia');
  });
});

const STREETS = ['Juárez', 'Hidalgo', 'Benito Juárez', '5 de Mayo', 'Lázaro Cárdenas', 'Niños Héroes', 'Álvaro Obregón', 'Independencia'];
const COLONIES = ['Centro', 'Las Palmas', 'Lomas del Valle', 'Benito Juárez', 'San José'];
const STREET_TYPES = ['', 'calle ', 'Calle ', 'C. ', 'c. ', 'CALLE ', 'Av. ', 'avenida '];
const NUMBER_MARKS = ['', '#', '# ', 'No. ', 'no ', 'núm. ', 'Num ', 'número '];
const COLONY_TYPES = ['', 'col. ', 'Col ', 'colonia ', 'COLONIA '];
const SEPARATORS = [', ', ' ', ' , ', '; '];

const unaccent = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '');
const spell = (s: string, style: number) => [s, s.toLowerCase(), s.toUpperCase(), unaccent(s), unaccent(s).toLowerCase()][style] as string;

/** An address and a way of writing it as citizens do. */
const address = fc.record({
  street: fc.constantFrom(...STREETS),
  number: fc.integer({ min: 1, max: 9999 }),
  colony: fc.option(fc.constantFrom(...COLONIES), { nil: undefined }),
});
const spelling = fc.record({
  type: fc.constantFrom(...STREET_TYPES),
  mark: fc.constantFrom(...NUMBER_MARKS),
  colonyType: fc.constantFrom(...COLONY_TYPES),
  separator: fc.constantFrom(...SEPARATORS),
  style: fc.integer({ min: 0, max: 4 }),
  colonyFirst: fc.boolean(),
});

function write(a: { street: string; number: number; colony?: string }, s: typeof spelling extends fc.Arbitrary<infer T> ? T : never) {
  const street = `${s.type}${a.street} ${s.mark}${a.number}`;
  if (!a.colony) return spell(street, s.style);
  const colony = `${s.colonyType}${a.colony}`;
  // A colony written first needs its type word or a comma to be told from the street.
  const text = s.colonyFirst ? `${s.colonyType || 'col. '}${a.colony}, ${street}` : `${street}${s.separator}${colony}`;
  return spell(text, s.style);
}

describe('an address key, whatever the spelling', () => {
  it('does not change with the street type, the number’s mark, the colony’s type, case, accents or order', () => {
    fc.assert(
      fc.property(address, spelling, spelling, (a, s1, s2) => {
        expect(addressKey(write(a, s1))).toBe(addressKey(write(a, s2)));
      }),
    );
  });

  it('changes with the house number', () => {
    fc.assert(
      fc.property(address, spelling, fc.integer({ min: 1, max: 9999 }), (a, s, other) => {
        fc.pre(other !== a.number);
        expect(addressKey(write(a, s))).not.toBe(addressKey(write({ ...a, number: other }, s)));
      }),
    );
  });

  it('changes with the colony', () => {
    fc.assert(
      fc.property(address, spelling, fc.constantFrom(...COLONIES), (a, s, other) => {
        fc.pre(a.colony !== undefined && other !== a.colony);
        expect(addressKey(write(a, s))).not.toBe(addressKey(write({ ...a, colony: other }, s)));
      }),
    );
  });

  it('never throws on any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const key = addressKey(text);
        expect(key === null || typeof key === 'string').toBe(true);
      }),
    );
  });
});
