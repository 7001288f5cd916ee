import { describe, expect, it } from 'vitest';
import { parseChoice } from '../../../src/dialogs/parsers/choice.js';

describe('parseChoice', () => {
  const options = [
    { id: 'reporte', label: 'Reporte' },
    { id: 'queja', label: 'Queja' },
    { id: 'sugerencia', label: 'Sugerencia' },
    { id: 'tramite', label: 'Trámite o servicio' },
  ];

  it.each<[string, string | undefined, string | undefined]>([
    ['', 'queja', 'queja'],
    ['lo que sea', 'tramite', 'tramite'],
    ['1', 'unknown-button', 'reporte'],
  ])('a button id wins (%s, %s)', (text, choiceId, expected) => {
    expect(parseChoice(text, options, choiceId)).toBe(expected);
  });

  it.each([
    ['2', 'queja'],
    ['2.', 'queja'],
    ['2)', 'queja'],
    [' 3 ', 'sugerencia'],
    ['opción 2', 'queja'],
    ['Opcion 4', 'tramite'],
    ['la 2', 'queja'],
    ['la opción 3', 'sugerencia'],
    ['dos', 'queja'],
    ['segunda', 'queja'],
    ['la segunda', 'queja'],
    ['la primera opción', 'reporte'],
    ['tercera', 'sugerencia'],
    ['2da', 'queja'],
    ['1ra', 'reporte'],
    ['#2', 'queja'],
    ['la 2 por favor', 'queja'],
    ['la última', 'tramite'],
    ['2️⃣', 'queja'],
  ])('ordinal "%s" → %s', (text, expected) => {
    expect(parseChoice(text, options)).toBe(expected);
  });

  it.each([
    ['Queja', 'queja'],
    ['queja', 'queja'],
    ['QUEJA', 'queja'],
    ['tramite', 'tramite'],
    ['Trámite o servicio', 'tramite'],
    ['quiero poner una queja', 'queja'],
    ['es un trámite', 'tramite'],
    ['sug', 'sugerencia'],
    ['suger', 'sugerencia'],
    ['servicio', 'tramite'],
    ['report', 'reporte'],
    ['qeja', 'queja'],
    ['quejaa', 'queja'],
    ['sujerencia', 'sugerencia'],
    ['sugerensia', 'sugerencia'],
    ['reprote', 'reporte'],
    ['tramte', 'tramite'],
    ['sugerencia', 'sugerencia'],
  ])('label "%s" → %s', (text, expected) => {
    expect(parseChoice(text, options)).toBe(expected);
  });

  it.each([
    '',
    'hola',
    '5',
    '0',
    'la 7',
    'que',
    'una queja y una sugerencia',
    'xyz',
    're',
    'reporte o queja',
    'blablabla',
    'quiero saber el horario de la oficina de catastro',
  ])('"%s" picks nothing', (text) => {
    expect(parseChoice(text, options)).toBeUndefined();
  });

  it('matches the id when the citizen types it', () => {
    expect(
      parseChoice('baches-pavimento', [
        { id: 'baches-pavimento', label: 'Baches' },
        { id: 'otros', label: 'Otros' },
      ]),
    ).toBe('baches-pavimento');
  });

  it('prefers the longer label that covers a shorter one', () => {
    const opts = [
      { id: 'q', label: 'Queja' },
      { id: 'qa', label: 'Queja anónima' },
    ];
    expect(parseChoice('una queja anónima', opts)).toBe('qa');
    expect(parseChoice('una queja', opts)).toBe('q');
  });

  it('is undefined when a fragment fits two labels', () => {
    const opts = [
      { id: 'agua', label: 'Fuga de agua' },
      { id: 'drenaje', label: 'Fuga de drenaje' },
    ];
    expect(parseChoice('fuga', opts)).toBeUndefined();
    expect(parseChoice('drenaje', opts)).toBe('drenaje');
    expect(parseChoice('fuga de agua potable', opts)).toBe('agua');
  });

  it('reads yes/no buttons by label', () => {
    const opts = [
      { id: 'yes', label: 'Sí' },
      { id: 'no', label: 'No' },
    ];
    expect(parseChoice('si', opts)).toBe('yes');
    expect(parseChoice('NO', opts)).toBe('no');
  });

  it('ignores labels decorated with emoji', () => {
    const opts = [
      { id: 'foto', label: '📷 Enviar foto' },
      { id: 'omitir', label: '⏭️ Omitir' },
    ];
    expect(parseChoice('omitir', opts)).toBe('omitir');
    expect(parseChoice('enviar foto', opts)).toBe('foto');
  });

  it('has no options to pick from', () => {
    expect(parseChoice('1', [])).toBeUndefined();
  });
});
