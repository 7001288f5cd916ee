import { describe, expect, it } from 'vitest';
import { defaultLanguagePack, LanguagePack, languagePack, LanguagePackError, parseLanguagePack } from '../../src/language/language-pack.js';
import { mapCommand } from '../../src/channels/telegram/inbound.js';
import { extractName } from '../../src/dialogs/parsers/name.js';
import { looksLikeQuestion } from '../../src/dialogs/parsers/question.js';

describe('language packs', () => {
  it('loads the Spanish and English packs once each, and Spanish is the default', () => {
    expect(languagePack('es').locale).toBe('es');
    expect(languagePack('en').locale).toBe('en');
    expect(languagePack('en')).toBe(languagePack('en'));
    expect(defaultLanguagePack()).toBe(languagePack('es'));
  });

  it('keeps its words folded, so they match what the parsers compare', () => {
    for (const locale of ['es', 'en'] as const) {
      const pack = languagePack(locale);
      const words = [...pack.yesNo.yes, ...pack.yesNo.no, ...pack.name.notName, ...pack.address.streetTypes, ...pack.survey.unsolved];
      for (const word of words)
        expect({ locale, word }).toEqual({ locale, word: word.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase() });
    }
  });

  it('keeps its place words folded too, and every pack knows the same kinds of place', () => {
    const fold = (w: string) => w.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    for (const locale of ['es', 'en'] as const) {
      const a = languagePack(locale).address;
      const words = [
        ...a.landmarks,
        ...a.offices,
        ...a.placeHeads,
        ...a.placeModifiers,
        ...a.relations,
        ...a.locatives,
        ...a.notPlaceNames,
      ];
      for (const word of words) expect({ locale, word }).toEqual({ locale, word: fold(word) });
      expect(a.landmarks.length).toBeGreaterThan(20);
      expect(a.offices.length).toBeGreaterThan(10);
    }
  });

  it('rejects a pack that misses a section, naming where', () => {
    const { survey: _, ...withoutSurvey } = languagePack('es');
    expect(LanguagePack.safeParse(withoutSurvey).success).toBe(false);
    expect(() => parseLanguagePack(withoutSurvey, 'broken.json')).toThrow(LanguagePackError);
    expect(() => parseLanguagePack(withoutSurvey, 'broken.json')).toThrow(/survey/);
  });

  it('gives each language its own cues', () => {
    expect(extractName('My name is John Smith', {}, languagePack('en'))).toBe('John Smith');
    expect(extractName('My name is John Smith')).toBeUndefined();
    expect(extractName('Me llamo Juan Pérez', {}, languagePack('en'))).toBe('Juan Pérez');
    expect(looksLikeQuestion('what do I need for a permit', languagePack('en'))).toBe(true);
    expect(looksLikeQuestion('what do I need for a permit')).toBe(false);
    expect(looksLikeQuestion('que necesito para el permiso')).toBe(true);
  });

  it('turns Telegram commands of either language into the words of the pack', () => {
    const english = languagePack('en');
    expect(mapCommand('/status AC-2026-000001', english)).toEqual({ text: 'status AC-2026-000001' });
    expect(mapCommand('/estado', english)).toEqual({ text: 'status' });
    expect(mapCommand('/start poster-3', english)).toEqual({ text: 'hello', referral: 'poster-3' });
    expect(mapCommand('/operator', english)).toEqual({ text: 'operator' });
    expect(mapCommand('/whatever', english)).toEqual({ text: 'help' });
    expect(mapCommand('/constructor', english)).toEqual({ text: 'help' });
    expect(english.telegram.menu.map((m) => m.command)).toEqual(['status', 'operator', 'help', 'cancel']);
    expect(languagePack('es').telegram.menu.map((m) => m.command)).toEqual(['estado', 'operador', 'ayuda', 'cancelar']);
  });
});
