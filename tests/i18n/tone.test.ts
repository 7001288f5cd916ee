import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { loadDialogScript, parseDialogScript, type DialogScript } from '../../src/dialogs/script-schema.js';
import { citizenFacingKeys, currentTone, isCitizenFacing, setTone, t, TONES } from '../../src/i18n/index.js';
import { es, type MessageKey } from '../../src/i18n/es.js';
import { esTu } from '../../src/i18n/es-tu.js';
import { offending } from '../helpers/tone.js';

/** Fills every placeholder, so a form hidden in a plural branch is rendered too (1 and 2 reach `one` and `other`). */
const anyParams = (n: number) => new Proxy({}, { has: () => true, get: () => n }) as Record<string, number>;

/** Every text of a script a citizen reads: prompts, messages, labels and buttons (not the intents, which are what citizens type). */
function scriptTexts(script: DialogScript): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const field of script.fields) out.push([`fields.${field.id}.prompt`, field.prompt], [`fields.${field.id}.reprompt`, field.reprompt]);
  for (const section of ['messages', 'buttons', 'typeLabels', 'statusLabels'] as const)
    for (const [key, text] of Object.entries(script[section])) out.push([`${section}.${key}`, text as string]);
  const { buttons, ...catalogue } = script.catalogue ?? { buttons: {} };
  for (const [key, text] of Object.entries({ ...catalogue, ...buttons })) out.push([`catalogue.${key}`, text]);
  return out;
}

afterEach(() => setTone('usted'));

describe('one register across chat, mail and notices', () => {
  it('classifies the strings a citizen reads, and only those change with the register', () => {
    const keys = citizenFacingKeys();
    expect(keys).toEqual(
      expect.arrayContaining(['chat.placeholder', 'email.case_opened', 'follow_up.notice.received', 'callback.ask_to_call_sms']),
    );
    expect(keys).not.toContain('console.tray.count');
    expect(keys).not.toContain('whatsapp.scan_qr');
    expect(Object.keys(esTu).filter((key) => !isCitizenFacing(key))).toEqual([]);
  });

  for (const tone of TONES) {
    it(`renders every citizen-facing catalogue string in «${tone}» without a form of the other register`, () => {
      setTone(tone);
      expect(currentTone()).toBe(tone);
      const slips = citizenFacingKeys().flatMap((key) =>
        [1, 2]
          .map((n) => t('es', key, anyParams(n)))
          .flatMap((text) => offending(tone, text).map((form) => `${key}: «${form}» in «${text}»`)),
      );
      expect(slips).toEqual([]);
    });

    it(`says every text of the default Spanish script in «${tone}»`, () => {
      const script = loadDialogScript(undefined, 'es', tone);
      const slips = scriptTexts(script).flatMap(([path, text]) => offending(tone, text).map((form) => `${path}: «${form}» in «${text}»`));
      expect(slips).toEqual([]);
    });
  }

  it('catches the mixed catalogue and script this issue started from', () => {
    // The notice before this change, and the chat's prompt: tú slipping into an «usted» installation.
    expect(offending('usted', 'Tu caso AC-2026-000001 ya fue recibido por Obras. Cuéntame qué pasa.')).toEqual(['Tu', 'Cuéntame']);
    expect(offending('tu', 'Recibimos su correo. Le responderemos a más tardar el lunes; escriba «estado».')).toEqual([
      'su',
      'Le',
      'escriba',
    ]);
  });

  it("uses a municipality's script as written, filling the messages it lacks from the default in the configured register", () => {
    const own = JSON.parse(readFileSync(new URL('../../src/dialogs/scripts/default.es.json', import.meta.url), 'utf8'));
    own.messages.greeting = '¡Bienvenido! Platícame qué pasa.';
    delete own.messages.thanks;
    const tu = parseDialogScript(own, 'municipio.json', 'tu');
    expect(tu.messages.greeting).toBe('¡Bienvenido! Platícame qué pasa.');
    expect(tu.messages.thanks).toBe('¡Con gusto! Si necesitas algo más, aquí estoy.');
    // Its own prompts stay in its own words: the tú file lays over the default script only.
    expect(tu.fields[0]!.prompt).toBe('Cuénteme en un mensaje qué pasa o qué necesita.');
    expect(parseDialogScript(own, 'municipio.json', 'usted').messages.thanks).toBe('¡Con gusto! Si necesita algo más, aquí estoy.');
  });

  it('speaks to staff in «usted» too, whatever the citizens get', () => {
    // The console and the staff's mails are written once, in the register a municipality writes in.
    for (const tone of TONES) {
      setTone(tone);
      const slips = (Object.keys(es) as MessageKey[])
        .filter((key) => !isCitizenFacing(key))
        .flatMap((key) =>
          [1, 2]
            .map((n) => t('es', key, anyParams(n)))
            .flatMap((text) => offending('usted', text).map((form) => `${key}: «${form}» in «${text}»`)),
        );
      expect(slips).toEqual([]);
    }
  });

  it('leaves the English script, the English catalogue and the staff strings alone', () => {
    expect(loadDialogScript(undefined, 'en', 'tu')).toEqual(loadDialogScript(undefined, 'en', 'usted'));
    setTone('tu');
    expect(t('en', 'follow_up.notice.received', { folio: 'AC-1', dependencia: 'Works', fecha: 'Monday' })).toBe(
      'Your case AC-1 has been received by Works. The final answer will come by Monday at the latest.',
    );
    setTone('usted');
    const usted = t('es', 'console.case.not_received');
    setTone('tu');
    expect(t('es', 'console.case.not_received')).toBe(usted);
  });
});
