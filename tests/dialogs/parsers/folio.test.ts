import { describe, expect, it } from 'vitest';
import { extractFolio } from '../../../src/dialogs/parsers/folio.js';

describe('extractFolio', () => {
  it.each([
    ['AC-2026-000123', 'AC-2026-000123'],
    ['mi folio es AC-2026-000123.', 'AC-2026-000123'],
    ['ac 2026 123', 'AC-2026-000123'],
    ['AC-2026-123', 'AC-2026-000123'],
    ['ac2026000123', 'AC-2026-000123'],
    ['Ac 2026-45', 'AC-2026-000045'],
    ['folio: AC_2026_000999', 'AC-2026-000999'],
    ['folio 2026-000123', 'AC-2026-000123'],
    ['Folio No. 2026-7', 'AC-2026-000007'],
    ['quiero saber de mi reporte AC-2025-999999 por favor', 'AC-2025-999999'],
  ])('"%s" → %s', (text, expected) => {
    expect(extractFolio(text)).toBe(expected);
  });

  it.each([
    '',
    'AC-26-000123',
    'BAC-2026-000123',
    'AC-2026-0001234',
    'AC-2026-000000',
    'mi reporte del 2026',
    'acuerdo 2026 123',
    '2026-000123',
  ])('"%s" has no folio', (text) => {
    expect(extractFolio(text)).toBeUndefined();
  });

  it('uses the given prefix', () => {
    expect(extractFolio('sac 2026 12', 'SAC')).toBe('SAC-2026-000012');
    expect(extractFolio('AC-2026-000123', 'SAC')).toBeUndefined();
    expect(extractFolio('folio 2026-5', 'q+')).toBe('Q+-2026-000005');
  });
});
