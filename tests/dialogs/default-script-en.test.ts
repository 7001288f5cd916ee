import { describe, expect, it } from 'vitest';
import { startConversation, step, type DialogInput, type StepContext } from '../../src/dialogs/engine.js';
import { languagePack } from '../../src/language/language-pack.js';
import { parseYesNo } from '../../src/dialogs/parsers/yes-no.js';
import { caseOpenedReply, statusReply, type CaseFacts } from '../../src/dialogs/replies.js';
import { converse as play, dialogContext, input, texts } from '../helpers/dialog.js';
import { loadDialogScript } from '../../src/dialogs/script-schema.js';

const script = loadDialogScript(undefined, 'en');
const spanish = loadDialogScript(undefined, 'es');

const vars = {
  municipio: 'Example Town',
  horario: 'Monday to Friday, 8:00 to 15:00',
  ejemplo: 'AC-2026-000123',
  proxima_atencion: 'on Monday 30 November from 8:00',
  emergencia: '911',
  proteccion_civil: '',
};

const context = (overrides: Partial<StepContext> = {}) => dialogContext(vars, overrides);
const converse = (turns: Array<string | DialogInput>, ctx = context()) => play(script, turns, ctx);
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const EXAMPLE = 'There is a huge pothole in front of the school on calle Hidalgo 123';
/** The example report up to the confirmation: the Spanish-only classifier is unsure, so type and topic come from buttons. */
const EXAMPLE_TO_CONFIRMATION: Array<string | DialogInput> = [
  EXAMPLE,
  'Report',
  input('Baches y pavimento', { choice: 'baches-pavimento' }),
  'John Smith',
  '(555) 123-4567',
  'skip',
];

describe('the default English script', () => {
  it('is an English script with the same fields, messages and placeholders as the Spanish one', () => {
    expect(script.locale).toBe('en');
    expect(script.fields.map((f) => f.id)).toEqual(spanish.fields.map((f) => f.id));
    expect(script.fields.map((f) => [f.askWhen, f.optional, f.onlyFor])).toEqual(
      spanish.fields.map((f) => [f.askWhen, f.optional, f.onlyFor]),
    );
    expect(Object.keys(script.messages)).toEqual(Object.keys(spanish.messages));
    for (const key of Object.keys(spanish.messages) as Array<keyof typeof spanish.messages>) {
      expect({ key, placeholders: placeholders(script.messages[key]) }).toEqual({ key, placeholders: placeholders(spanish.messages[key]) });
    }
    expect(Object.keys(script.statusLabels).sort()).toEqual(Object.keys(spanish.statusLabels).sort());
    expect(script.typeLabels).toEqual({
      reporte: 'Report',
      queja: 'Complaint',
      solicitud_informacion: 'Question or information request',
      sugerencia: 'Suggestion',
    });
    expect(script.buttons).toEqual({ yes: 'Yes', no: 'No, fix it', skip: 'Skip', noContact: 'I have none' });
  });

  it('greets in English and asks what happened', () => {
    const first = startConversation(script, context());
    expect(first.replies[0]!.text).toBe(
      'Hello! I am the citizen services assistant of Example Town. Here you can make a report, a complaint, a suggestion or ask a question.',
    );
    expect(first.replies.at(-1)).toEqual({
      text: 'Tell me in one message what is happening or what you need.',
      prompt: { field: 'description', kind: 'text', options: [], optional: false },
    });
  });

  it('takes the example report to a case, with type and topic picked from buttons', () => {
    const { results, last } = converse([...EXAMPLE_TO_CONFIRMATION, 'yes']);
    // The address came with the description ("calle Hidalgo 123"), so it is never asked for.
    const asked = results.flatMap((r) => r.replies.map((m) => m.prompt?.field)).filter(Boolean);
    expect(asked).toEqual(['type', 'category', 'name', 'contact', 'photo', 'confirm']);

    const typePrompt = results[0]!.replies.at(-1)!;
    expect(typePrompt.text).toBe('What kind of message is this? Choose an option.');
    expect(typePrompt.prompt!.options).toEqual([
      { id: 'reporte', label: 'Report' },
      { id: 'queja', label: 'Complaint' },
      { id: 'solicitud_informacion', label: 'Question or information request' },
      { id: 'sugerencia', label: 'Suggestion' },
    ]);
    // Nothing is "understood" when the citizen still has to pick.
    expect(texts(results[0]!)).not.toContain('Got it');
    expect(results[1]!.state.slots).toMatchObject({ type: 'reporte', typeChosen: true, address: 'calle Hidalgo 123' });
    expect(results[1]!.replies.at(-1)!.prompt!.options.map((o) => o.id)).toContain('baches-pavimento');

    const confirmation = results[5]!.replies.at(-1)!;
    expect(confirmation.text).toBe(
      [
        'Please check that this is right:',
        `• Description: ${EXAMPLE}`,
        '• Type: Report',
        '• Topic: Baches y pavimento',
        '• Location: calle Hidalgo 123',
        '• Name: John Smith',
        '• Contact: 5551234567',
        '• Photos: —',
        'Shall I register it like this?',
      ].join('\n'),
    );
    expect(confirmation.prompt!.options).toEqual([
      { id: 'yes', label: 'Yes' },
      { id: 'no', label: 'No, fix it' },
    ]);

    expect(last.effects).toEqual([
      {
        kind: 'open_case',
        draft: {
          type: 'reporte',
          category: 'baches-pavimento',
          description: EXAMPLE,
          confidence: 1,
          address: 'calle Hidalgo 123',
          latitude: undefined,
          longitude: undefined,
          name: 'John Smith',
          phone: '5551234567',
          email: undefined,
        },
      },
    ]);
    // No reply along the way leaves a placeholder unfilled.
    for (const r of results) expect(texts(r)).not.toMatch(/\{\w+\}/);
  });

  it('confirms with "ok" and with the "Yes" button', () => {
    expect(converse([...EXAMPLE_TO_CONFIRMATION, 'ok']).last.effects[0]?.kind).toBe('open_case');
    expect(converse([...EXAMPLE_TO_CONFIRMATION, input('Yes', { choice: 'yes' })]).last.effects[0]?.kind).toBe('open_case');
  });

  it('reads the name from "My name is John Smith", in the description or as the answer', () => {
    const inDescription = converse([
      `My name is John Smith. ${EXAMPLE}`,
      input('Report', { choice: 'reporte' }),
      input('Baches y pavimento', { choice: 'baches-pavimento' }),
    ]);
    expect(inDescription.last.state.slots.name).toBe('John Smith');
    expect(inDescription.results.flatMap((r) => r.replies.map((m) => m.prompt?.field))).not.toContain('name');
    const asAnswer = converse([
      EXAMPLE,
      input('Report', { choice: 'reporte' }),
      input('Baches y pavimento', { choice: 'baches-pavimento' }),
      'my name is john smith',
    ]);
    expect(asAnswer.last.state.slots.name).toBe('John Smith');
  });

  it('registers anonymously and skips the photo with "no photo"', () => {
    const { results, last } = converse([
      EXAMPLE,
      input('Report', { choice: 'reporte' }),
      input('Baches y pavimento', { choice: 'baches-pavimento' }),
      'I prefer not to say',
      'john@example.com',
      'no photo',
      'yes',
    ]);
    expect(texts(results[3]!)).toContain('without your name');
    expect(last.effects).toEqual([{ kind: 'open_case', draft: expect.objectContaining({ name: undefined, email: 'john@example.com' }) }]);
  });

  it('explains what it can do on "help" without losing the step', () => {
    const { last, state } = converse([EXAMPLE, 'help']);
    expect(texts(last)).toContain('write “operator”');
    expect(texts(last)).toContain('write “cancel”');
    expect(last.effects).toEqual([]);
    expect(last.replies.at(-1)!.prompt?.field).toBe('type');
    expect(state.slots.description).toBe(EXAMPLE);
  });

  it('hands over to a person on request, with wording that depends on office hours', () => {
    const inHours = converse(['I want to talk to a person']).last;
    expect(inHours.effects).toEqual([{ kind: 'escalate', reason: 'requested' }]);
    expect(texts(inHours)).toContain('in a few minutes');
    const afterHours = converse(['operator'], context({ withinBusinessHours: false })).last;
    expect(afterHours.effects).toEqual([{ kind: 'escalate', reason: 'requested' }]);
    expect(texts(afterHours)).toBe(
      'We are outside office hours right now (Monday to Friday, 8:00 to 15:00). Your message has been recorded and a person from the team will write to you here on Monday 30 November from 8:00.',
    );
    // Spanish speakers are understood too.
    expect(converse(['quiero hablar con un operador']).last.effects).toEqual([{ kind: 'escalate', reason: 'requested' }]);
  });

  it('cancels what is in progress, and says so when there is nothing to cancel', () => {
    const { last, state } = converse([EXAMPLE, 'Report', 'cancel']);
    expect(texts(last)).toBe('OK, I cancelled it and nothing was registered. Whenever you are ready, tell me what you need.');
    expect(state.slots.description).toBeUndefined();
    expect(state.slots.type).toBeUndefined();
    expect(converse([EXAMPLE, 'never mind']).state.slots.description).toBeUndefined();
    expect(texts(converse(['cancel']).last)).toBe('There is nothing in progress. Tell me what you need whenever you are ready.');
  });

  it('answers the status of a folio from any step without losing the case in progress', () => {
    const { results, state } = converse([EXAMPLE, 'status AC-2026-000123']);
    expect(results[1]!.effects).toEqual([{ kind: 'lookup_status', folio: 'AC-2026-000123' }]);
    expect(state.awaiting).toBe('type');
    expect(state.slots.description).toBe(EXAMPLE);
  });

  it('looks up the open cases when the citizen asks for status without a folio, then takes a folio', () => {
    const { results } = converse(['track my case', 'AC-2026-000007']);
    expect(results[0]!.effects).toEqual([{ kind: 'lookup_open_cases' }]);
    expect(results[0]!.state.phase).toBe('awaiting_folio');
    expect(results[1]!.effects).toEqual([{ kind: 'lookup_status', folio: 'AC-2026-000007' }]);
  });

  it('lets the citizen correct the place from the confirmation', () => {
    const { results, last } = converse([...EXAMPLE_TO_CONFIRMATION, 'No, fix it', 'Location', '45 Main Street, Downtown']);
    const fix = results[6]!;
    expect(fix.state.phase).toBe('fixing');
    expect(fix.replies.at(-1)!.text).toBe('What would you like to correct?');
    expect(fix.replies.at(-1)!.prompt!.options.map((o) => o.label)).toEqual([
      'Description',
      'Type',
      'Topic',
      'Location',
      'Name',
      'Contact',
      'Photos',
    ]);
    expect(results[7]!.replies.at(-1)!.prompt).toMatchObject({ field: 'address', kind: 'location' });
    expect(last.state.phase).toBe('confirming');
    expect(last.state.slots.address).toBe('45 Main Street, Downtown');
    expect(texts(last)).toContain('• Location: 45 Main Street, Downtown');
    const confirmed = step(script, last.state, input('yes'), context());
    expect(confirmed.effects).toEqual([
      { kind: 'open_case', draft: expect.objectContaining({ address: '45 Main Street, Downtown', name: 'John Smith' }) },
    ]);
  });

  it('lets the citizen name the field to correct by its English name', () => {
    const { last } = converse([...EXAMPLE_TO_CONFIRMATION, 'no', 'name', 'Mary Lopez']);
    expect(last.state.phase).toBe('confirming');
    expect(last.state.slots.name).toBe('Mary Lopez');
  });

  it('while waiting for a person, says when one will answer, keeps collecting, and hands it back on "cancel"', () => {
    const waiting = context({ conversationStatus: 'waiting_agent' });
    const first = step(script, startConversation(script, waiting).state, input('hello?'), waiting);
    expect(texts(first)).toContain('someone from the team will answer you here');
    const second = step(script, first.state, input('The street light on Main Street 12 is out'), waiting);
    expect(texts(second)).not.toContain('someone from the team');
    expect(second.state.slots.description).toBe('The street light on Main Street 12 is out');
    const back = step(script, second.state, input('cancel'), waiting);
    expect(back.effects).toEqual([{ kind: 'return_to_bot' }]);
    expect(texts(back)).toContain('you are back with the assistant');
  });

  it('fills the case-opened and status replies in English', () => {
    const facts: CaseFacts = {
      folio: 'AC-2026-000123',
      type: 'solicitud_informacion',
      status: 'en_seguimiento',
      categoryName: 'Potholes and paving',
      departmentName: 'Public Works',
      dueAt: new Date('2026-04-03T18:00:00Z'),
    };
    const ctx = { vars, withinBusinessHours: true, timeZone: 'America/Mexico_City' };
    expect(caseOpenedReply(script, ctx, facts).text).toBe(
      'Done! I registered your question or information request with case number AC-2026-000123.\n' +
        'Responsible office: Public Works. We will reply by April 3, 2026 at the latest.\n' +
        'To see how it is going, write “status AC-2026-000123”.',
    );
    expect(statusReply(script, ctx, facts.folio, facts).text).toBe(
      'Case AC-2026-000123 (question or information request: Potholes and paving) is being handled.\n' +
        'Responsible office: Public Works. Response due by: April 3, 2026.',
    );
    expect(statusReply(script, ctx, 'AC-2026-000999', null).text).toContain('I could not find case number AC-2026-000999');
  });

  it('understands the "status {folio}" line it tells citizens to write', () => {
    const { last } = converse(['status AC-2026-000123']);
    expect(last.effects).toEqual([{ kind: 'lookup_status', folio: 'AC-2026-000123' }]);
  });
});

describe('English answers the Spanish-first parsers now take', () => {
  it('understands common English yes and no', () => {
    for (const yes of ['yeah', 'yep', 'sure', 'that is correct', 'right']) expect(parseYesNo(yes)).toBe(true);
    for (const no of ['not correct', 'that is wrong', 'No, fix it']) expect(parseYesNo(no)).toBe(false);
    const english = languagePack('en');
    for (const yes of ['yeah', 'yep', 'sure', 'that is correct', 'right', 'yes', 'correct']) expect(parseYesNo(yes, english)).toBe(true);
    for (const no of ['not correct', 'that is wrong', 'No, fix it', 'no', 'not right', 'that is not correct'])
      expect(parseYesNo(no, english)).toBe(false);
    for (const unsure of ['maybe', 'not sure']) expect(parseYesNo(unsure, english)).toBeUndefined();
  });
});
