import { describe, expect, it } from 'vitest';
import {
  webAckToReport,
  webChatId,
  webMessageToInbound,
  webUserId,
  type WebMessageLike,
} from '../../../src/channels/whatsapp/web/inbound.js';
import { renderWebText } from '../../../src/channels/whatsapp/web/outbound.js';
import { OutboundMessage } from '../../../src/messages/outbound.js';

/** A message as whatsapp-web.js hands it to `client.on('message')` (fields from its index.d.ts and a real `chat` message). */
function webMessage(overrides: Partial<WebMessageLike> & Record<string, unknown> = {}): WebMessageLike {
  return {
    id: {
      fromMe: false,
      remote: '5215512345678@c.us',
      id: '3EB0C767D26A1D3E5A1B',
      _serialized: 'false_5215512345678@c.us_3EB0C767D26A1D3E5A1B',
    },
    ack: 1,
    hasMedia: false,
    body: 'Hay un bache en la calle Hidalgo 123',
    type: 'chat',
    timestamp: 1773158400,
    from: '5215512345678@c.us',
    to: '5213111234567@c.us',
    deviceType: 'android',
    isForwarded: false,
    forwardingScore: 0,
    isStatus: false,
    isStarred: false,
    broadcast: false,
    fromMe: false,
    hasQuotedMsg: false,
    hasReaction: false,
    location: undefined,
    vCards: [],
    mentionedIds: [],
    links: [],
    ...overrides,
  } as WebMessageLike;
}

describe('mapping whatsapp-web.js messages', () => {
  it('maps a text message to the phone number, its serialized id and its time', () => {
    expect(webMessageToInbound(webMessage(), null)).toEqual({
      channel: 'whatsapp',
      channelUserId: '5215512345678',
      conversationKey: '5215512345678',
      senderPhone: '+5215512345678',
      externalId: 'false_5215512345678@c.us_3EB0C767D26A1D3E5A1B',
      text: 'Hay un bache en la calle Hidalgo 123',
      attachments: [],
      receivedAt: new Date(1773158400 * 1000),
    });
  });

  it('maps a location pin, ignoring the thumbnail in its body', () => {
    const message = webMessage({
      type: 'location',
      body: '/9j/4AAQSkZJRgABAQAAAQABAAD/2wCEAAkGBxMTEhUTEhMVFhUXGBgYGBgYGBgYGBgYGBgYGBgYGBgYHSggGBolHRgYITEhJSkrLi4uFx8zODMtNygtLisBCgoKDg0OGhAQGi0lHyUtLS0tLS0t',
      location: {
        latitude: '21.5039',
        longitude: '-104.8946',
        name: 'Escuela Primaria',
        address: 'Av. México 120, Tepic',
      } as WebMessageLike['location'],
    });
    expect(webMessageToInbound(message, null)).toMatchObject({
      text: '',
      location: { latitude: 21.5039, longitude: -104.8946, label: 'Escuela Primaria, Av. México 120, Tepic' },
    });
  });

  it('maps a photo with its caption, decoding the downloaded media', () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    const inbound = webMessageToInbound(webMessage({ type: 'image', hasMedia: true, body: 'así está' }), {
      mimetype: 'image/jpeg',
      data: jpeg.toString('base64'),
      filename: null,
    });
    expect(inbound).toMatchObject({ text: 'así está', attachments: [{ kind: 'photo', contentType: 'image/jpeg' }] });
    expect(Buffer.from(inbound!.attachments[0]!.data).equals(jpeg)).toBe(true);
  });

  it('takes the id of a button or list reply as the choice', () => {
    expect(webMessageToInbound(webMessage({ type: 'buttons_response', body: 'Sí', selectedButtonId: 'yes' }), null)).toMatchObject({
      text: 'Sí',
      choice: 'yes',
    });
    expect(webMessageToInbound(webMessage({ type: 'list_response', body: 'Queja', selectedRowId: 'queja' }), null)).toMatchObject({
      choice: 'queja',
    });
  });

  it('leaves alone what is not a citizen writing to the office', () => {
    expect(webMessageToInbound(webMessage({ fromMe: true }), null)).toBeNull();
    expect(webMessageToInbound(webMessage({ from: '120363025555555555@g.us' }), null)).toBeNull();
    expect(webMessageToInbound(webMessage({ from: 'status@broadcast', isStatus: true }), null)).toBeNull();
    expect(webMessageToInbound(webMessage({ type: 'e2e_notification', body: '' }), null)).toBeNull();
    expect(webMessageToInbound(webMessage({ type: 'revoked', body: '' }), null)).toBeNull();
    expect(webMessageToInbound(webMessage({ type: 'reaction', body: '👍' }), null)).toBeNull();
  });

  it('keeps ids that are not phone numbers whole, and addresses them back', () => {
    expect(webUserId('5215512345678@c.us')).toBe('5215512345678');
    expect(webUserId('178291203948123@lid')).toBe('178291203948123@lid');
    expect(webChatId('5215512345678')).toBe('5215512345678@c.us');
    expect(webChatId('178291203948123@lid')).toBe('178291203948123@lid');
    expect(webMessageToInbound(webMessage({ from: '178291203948123@lid' }), null)).toMatchObject({ channelUserId: '178291203948123@lid' });
  });

  it('turns acknowledgements into delivery statuses', () => {
    const at = new Date('2026-03-10T16:00:00Z');
    expect(webAckToReport('true_521@c.us_ABC', 2, at)).toEqual({
      channel: 'whatsapp',
      externalId: 'true_521@c.us_ABC',
      status: 'delivered',
      at,
    });
    expect(webAckToReport('x', 3, at)?.status).toBe('read');
    expect(webAckToReport('x', -1, at)).toMatchObject({ status: 'failed', error: expect.stringContaining('ack -1') });
    expect(webAckToReport('x', 0, at)).toBeNull();
  });
});

describe('rendering for WhatsApp Web (text only)', () => {
  const labels = {
    answerWithNumber: 'Responde con el número de tu opción.',
    answerWith: 'Responde: {options}',
    shareLocation: 'Puedes enviar tu ubicación.',
    skipHint: 'Escribe «{skip}» para continuar sin ella.',
  };
  const render = (input: unknown) => renderWebText(OutboundMessage.parse(input), labels);

  it('numbers choices, names yes/no answers, and hints how to share a place or skip a photo', () => {
    expect(
      render({
        text: '¿Qué tipo?',
        prompt: {
          field: 'type',
          kind: 'choice',
          options: [
            { id: 'queja', label: 'Queja' },
            { id: 'reporte', label: 'Reporte' },
          ],
        },
      }),
    ).toEqual(['¿Qué tipo?\n\n1. Queja\n2. Reporte\n\nResponde con el número de tu opción.']);
    expect(
      render({
        text: '¿Lo registro?',
        prompt: {
          field: 'confirm',
          kind: 'yes_no',
          options: [
            { id: 'yes', label: 'Sí' },
            { id: 'no', label: 'No, corregir' },
          ],
        },
      }),
    ).toEqual(['¿Lo registro?\n\nResponde: Sí / No, corregir']);
    expect(render({ text: '¿Dónde?', prompt: { field: 'address', kind: 'location' } })).toEqual(['¿Dónde?\n\nPuedes enviar tu ubicación.']);
    expect(
      render({ text: '¿Foto?', prompt: { field: 'photo', kind: 'photo', options: [{ id: 'skip', label: 'Omitir' }], optional: true } }),
    ).toEqual(['¿Foto?\n\nEscribe «Omitir» para continuar sin ella.']);
  });
});
