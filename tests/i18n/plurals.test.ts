import { describe, expect, it } from 'vitest';
import { interpolate, t } from '../../src/i18n/index.js';

describe('plurals in the one template syntax', () => {
  it('agrees the count with its noun in Spanish and English', () => {
    expect(t('es', 'console.tray.count', { n: 1 })).toBe('1 caso');
    expect(t('es', 'console.tray.count', { n: 2 })).toBe('2 casos');
    expect(t('es', 'console.tray.count', { n: 0 })).toBe('0 casos');
    expect(t('en', 'console.tray.count', { n: 1 })).toBe('1 case');
    expect(t('en', 'console.tray.count', { n: 2 })).toBe('2 cases');
    expect(t('es', 'console.deadline.business_left', { n: 1 })).toBe('queda 1 día hábil');
    expect(t('es', 'cli.erase.done', { id: 7, cases: 1, messages: 3, attachments: 0 })).toBe(
      'Datos personales del ciudadano 7 borrados: 1 caso anonimizado, 3 mensajes vaciados, 0 adjuntos eliminados.',
    );
  });

  it('prefers an exact branch, reads a number given as text, and takes `other` for one already formatted', () => {
    const template = '{n, plural, =0 {ningún caso} one {# caso} other {# casos}}';
    expect(interpolate(template, { n: 0 })).toBe('ningún caso');
    expect(interpolate(template, { n: '1' })).toBe('1 caso');
    expect(interpolate(template, { n: '1,5' })).toBe('1,5 casos');
    expect(interpolate('{n, plural, one {# día de {who}} other {# días de {who}}}', { n: 3, who: 'Ana' })).toBe('3 días de Ana');
  });

  it('leaves a plural or placeholder without its value visible, so the slip shows in review', () => {
    expect(interpolate('{n, plural, one {# caso} other {# casos}} de {who}', {})).toBe(
      '{n, plural, one {# caso} other {# casos}} de {who}',
    );
  });
});
