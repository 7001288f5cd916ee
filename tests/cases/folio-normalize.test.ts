import { describe, expect, it } from 'vitest';
import { normalizeFolio } from '../../src/cases/folio.js';

describe('a folio typed into the status page’s form', () => {
  it('is read in the ways citizens write it', () => {
    for (const typed of [
      'AC-2026-000123',
      'ac-2026-000123',
      'AC 2026 123',
      'ac2026000123',
      'AC-2026-123',
      ' ac_2026.123 ',
      'AC/2026/0000123',
    ])
      expect(normalizeFolio(typed, 'AC'), typed).toBe('AC-2026-000123');
  });

  it('takes the configured prefix when only the numbers are written, and keeps another prefix as written', () => {
    expect(normalizeFolio('2026-123', 'AC')).toBe('AC-2026-000123');
    expect(normalizeFolio('2026000123', 'HUA')).toBe('HUA-2026-000123');
    expect(normalizeFolio('xy-2026-7', 'AC')).toBe('XY-2026-000007');
  });

  it('refuses what is not one folio', () => {
    for (const typed of [
      '',
      'hola',
      '123',
      '2026',
      'AC-2026-000000',
      'AC-1999-000123',
      'folio AC-2026-1',
      'AC-2026-1 y AC-2026-2',
      'ABCDEF-2026-1',
    ])
      expect(normalizeFolio(typed, 'AC'), typed).toBeNull();
  });
});
