import { describe, expect, it } from 'vitest';
import { renderCloudMessages, renderTemplate, splitText } from '../../../src/channels/whatsapp/outbound.js';
import { OutboundMessage, type OutboundMessageInput } from '../../../src/messages/outbound.js';

const labels = { listButton: 'Ver opciones', chooseOption: 'Elige una opción:', answerWithNumber: 'Responde con el número de tu opción.' };
const render = (input: OutboundMessageInput) => renderCloudMessages(OutboundMessage.parse(input), labels);
const options = (n: number, label = (i: number) => `Opción ${i}`) =>
  Array.from({ length: n }, (_, i) => ({ id: `op-${i + 1}`, label: label(i + 1) }));

describe('rendering dialog messages for the WhatsApp Cloud API', () => {
  it('plain text stays text, without link previews', () => {
    expect(render({ text: 'Hola' })).toEqual([{ type: 'text', text: { body: 'Hola', preview_url: false } }]);
  });

  it('up to three options become reply buttons with titles of at most 20 characters', () => {
    const [message] = render({
      text: '¿Lo registro así?',
      prompt: {
        field: 'confirm',
        kind: 'yes_no',
        options: [
          { id: 'yes', label: 'Sí' },
          { id: 'no', label: 'No, quiero corregir algún dato' },
        ],
      },
    });
    expect(message).toEqual({
      type: 'interactive',
      interactive: {
        type: 'button',
        body: { text: '¿Lo registro así?' },
        action: {
          buttons: [
            { type: 'reply', reply: { id: 'yes', title: 'Sí' } },
            { type: 'reply', reply: { id: 'no', title: 'No, quiero corregir…' } },
          ],
        },
      },
    });
  });

  it('four to ten options become a list; a label cut to 24 characters is shown whole as the description', () => {
    const [message] = render({
      text: '¿Qué tipo es?',
      prompt: { field: 'type', kind: 'choice', options: options(4, (i) => (i === 4 ? 'Solicitud de información pública' : `Tipo ${i}`)) },
    });
    const action = (
      message as unknown as {
        interactive: {
          type: string;
          action: { button: string; sections: Array<{ rows: Array<{ id: string; title: string; description?: string }> }> };
        };
      }
    ).interactive;
    expect(action.type).toBe('list');
    expect(action.action.button).toBe('Ver opciones');
    const rows = action.action.sections[0]!.rows;
    expect(rows).toHaveLength(4);
    expect(rows[3]).toEqual({ id: 'op-4', title: 'Solicitud de informació…', description: 'Solicitud de información pública' });
    expect(rows[0]).toEqual({ id: 'op-1', title: 'Tipo 1' });
    expect(render({ text: 'x', prompt: { field: 'category', kind: 'choice', options: options(10) } })[0]).toMatchObject({
      interactive: { type: 'list' },
    });
  });

  it('more than ten options become numbered text', () => {
    const messages = render({ text: '¿Cuál categoría?', prompt: { field: 'category', kind: 'choice', options: options(12) } });
    expect(messages).toHaveLength(1);
    const body = (messages[0] as unknown as { text: { body: string } }).text.body;
    expect(body).toContain('1. Opción 1\n2. Opción 2');
    expect(body).toContain('12. Opción 12');
    expect(body).toMatch(/número de tu opción\.$/);
  });

  it('asks for a place with a location request', () => {
    expect(render({ text: '¿Dónde está?', prompt: { field: 'address', kind: 'location', options: [] } })).toEqual([
      {
        type: 'interactive',
        interactive: { type: 'location_request_message', body: { text: '¿Dónde está?' }, action: { name: 'send_location' } },
      },
    ]);
  });

  it('splits text over 4,096 characters at paragraph boundaries, and sends a long question ahead of its buttons', () => {
    const long = `${'a'.repeat(3000)}\n\n${'b'.repeat(3000)}`;
    expect(render({ text: long }).map((m) => (m as unknown as { text: { body: string } }).text.body)).toEqual([
      'a'.repeat(3000),
      'b'.repeat(3000),
    ]);
    const pieces = splitText('palabra '.repeat(2000));
    expect(pieces.every((p) => p.length <= 4096)).toBe(true);
    expect(pieces.join(' ').trim()).toBe('palabra '.repeat(2000).trim());

    const question = render({
      text: 'x'.repeat(1500),
      prompt: { field: 'confirm', kind: 'yes_no', options: [{ id: 'yes', label: 'Sí' }] },
    });
    expect(question.map((m) => m.type)).toEqual(['text', 'interactive']);
    expect(question[1]).toMatchObject({ interactive: { body: { text: 'Elige una opción:' } } });
  });

  it('fills a template with the notice flattened to one line and cut to fit', () => {
    const message = OutboundMessage.parse({ text: `Tu folio\n\ncambió:\ten   seguimiento. ${'z'.repeat(2000)}`, author: 'system' });
    const template = renderTemplate(message, { name: 'aviso_folio', language: 'es_MX', parameters: ['text'] }) as unknown as {
      template: { components: Array<{ parameters: Array<{ text: string }> }> };
    };
    const text = template.template.components[0]!.parameters[0]!.text;
    expect(text.startsWith('Tu folio · cambió: en seguimiento. zzz')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(700);
    expect(text.endsWith('…')).toBe(true);
    expect(renderTemplate(message, { name: 'aviso_generico', language: 'es', parameters: [] })).toEqual({
      type: 'template',
      template: { name: 'aviso_generico', language: { code: 'es' } },
    });
  });
});
