import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readRawUpdate, toInboundMessage } from '../../src/channels/telegram/inbound.js';
import { WebChatMessageBody, webMessageToInbound } from '../../src/channels/web/inbound.js';
import { cloudMessageToInbound, readWebhook } from '../../src/channels/whatsapp/inbound.js';
import { InboundMessage, MAX_TEXT_LENGTH } from '../../src/messages/inbound.js';
import { isStorableText, storableStrings, storableText } from '../../src/messages/storable-text.js';

/**
 * Every parser of outside input, fed what anyone may send: it never throws (or only its own
 * validation error), never yields text PostgreSQL refuses, and a well-formed payload comes out
 * as the message it carries. Runs are kept modest so the file takes a few seconds.
 */
const RUNS = { numRuns: 300 };
const at = new Date('2026-03-10T16:00:00Z');
const PHONE_NUMBER_ID = '106540352242922';

/** Text with the characters that broke storage mixed in: NUL, controls, lone surrogates, emoji halves. */
const nastyText = fc
  .array(fc.oneof(fc.string({ unit: 'binary' }), fc.constantFrom('\u0000', '\u0007', '\uD83D', '\uDE00', '\uFFFF', '😀', '/', ' ', '\n')), {
    maxLength: 12,
  })
  .map((parts) => parts.join(''));
const anyInput = fc.oneof(fc.anything(), fc.jsonValue(), nastyText);

function allStrings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Date || value instanceof Uint8Array) return out;
  else if (Array.isArray(value)) for (const item of value) allStrings(item, out);
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) {
      out.push(key);
      allStrings(item, out);
    }
  return out;
}
const storable = (value: unknown) => allStrings(value).every(isStorableText);

describe('storable text', () => {
  it('cleans any string into one that can be stored, and leaves storable ones alone', () => {
    fc.assert(
      fc.property(nastyText, (text) => {
        const cleaned = storableText(text);
        expect(isStorableText(cleaned)).toBe(true);
        expect(storableText(cleaned)).toBe(cleaned);
        if (isStorableText(text)) expect(cleaned).toBe(text);
      }),
      RUNS,
    );
  });

  it('cleans every string and key of any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), nastyText, (json, text) => {
        expect(storable(storableStrings({ [text]: [json, text] }))).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('Telegram update parser', () => {
  const update = fc.record({
    update_id: fc.oneof(fc.nat(), fc.integer(), fc.double()),
    message: fc.record(
      {
        message_id: fc.oneof(fc.nat(), fc.double()),
        from: fc.record({ id: fc.nat(), is_bot: fc.boolean(), first_name: nastyText }),
        chat: fc.record({ id: fc.integer(), type: fc.constantFrom('private', 'group') }),
        date: fc.nat(),
        text: nastyText,
        caption: nastyText,
        location: fc.record({ latitude: fc.double(), longitude: fc.double() }),
        venue: fc.record({ location: fc.record({ latitude: fc.double(), longitude: fc.double() }), title: nastyText, address: nastyText }),
        contact: fc.record({ phone_number: nastyText, first_name: nastyText, user_id: fc.nat() }),
        document: fc.record({ file_id: nastyText, mime_type: nastyText, file_name: nastyText, file_size: fc.integer() }),
      },
      { requiredKeys: ['message_id', 'chat', 'date'] },
    ),
  });

  it('never throws on anything, and what it reads as a message is storable and on the globe', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, update), (raw) => {
        const reading = readRawUpdate(raw, at);
        if (reading.kind === 'ignored') return;
        expect(storable(reading.draft)).toBe(true);
        expect(InboundMessage.omit({ attachments: true }).safeParse(reading.draft).success).toBe(true);
        if (reading.kind !== 'message') return;
        // The files as the handler keeps them once downloaded: the stored message must be storable, or refused.
        const files = reading.files.map((file) => ({
          kind: file.kind,
          contentType: file.contentType ?? 'application/octet-stream',
          filename: file.filename,
          data: new Uint8Array(0),
        }));
        const stored = toInboundMessage(reading.draft, [...files, ...reading.extra]);
        if (stored) expect(storable(stored)).toBe(true);
      }),
      RUNS,
    );
  });

  it('reads a well-formed private text message as the message it carries', () => {
    const said = fc
      .string({ unit: 'grapheme', minLength: 1, maxLength: 200 })
      .filter((text) => isStorableText(text) && text.trim() !== '' && !text.trim().startsWith('/'));
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 2 ** 40 }), fc.nat(), said, (updateId, chatId, messageId, text) => {
        const reading = readRawUpdate(
          {
            update_id: updateId,
            message: { message_id: messageId, from: { id: chatId, is_bot: false }, chat: { id: chatId, type: 'private' }, date: 1, text },
          },
          at,
        );
        expect(reading).toMatchObject({
          kind: 'message',
          draft: {
            channel: 'telegram',
            channelUserId: String(chatId),
            conversationKey: String(chatId),
            externalId: `m:${chatId}:${messageId}`,
            text: text.trim(),
          },
        });
      }),
      RUNS,
    );
  });
});

describe('WhatsApp Cloud webhook parser', () => {
  const message = fc.record(
    {
      from: fc.oneof(fc.stringMatching(/^\d{8,15}$/), nastyText),
      id: nastyText,
      timestamp: fc.oneof(fc.stringMatching(/^\d{1,14}$/), nastyText),
      type: fc.constantFrom('text', 'location', 'interactive', 'button', 'contacts', 'reaction', 'image'),
      text: fc.record({ body: nastyText }),
      location: fc.record({ latitude: fc.double(), longitude: fc.double(), name: nastyText }),
      interactive: fc.record({ type: nastyText, button_reply: fc.record({ id: nastyText, title: nastyText }) }),
      contacts: fc.array(fc.record({ name: fc.record({ formatted_name: nastyText }), phones: fc.array(fc.record({ phone: nastyText })) })),
    },
    { requiredKeys: ['from', 'id', 'timestamp', 'type'] },
  );
  const bundle = fc.array(fc.oneof(message, fc.anything()), { maxLength: 5 }).map((messages) => ({
    object: 'whatsapp_business_account',
    entry: [{ changes: [{ field: 'messages', value: { metadata: { phone_number_id: PHONE_NUMBER_ID }, messages } }] }],
  }));

  it('never throws on anything; every message it maps is either storable or refused by the one schema', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, bundle), (json) => {
        const contents = readWebhook(json, PHONE_NUMBER_ID);
        if (!contents.understood) return;
        for (const item of contents.messages) {
          const inbound = InboundMessage.safeParse(cloudMessageToInbound(item, null));
          if (inbound.success) expect(storable(inbound.data)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('keeps each well-formed message of a bundle, whatever its neighbours are', () => {
    const said = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 300 }).filter((text) => isStorableText(text) && text.trim() !== '');
    fc.assert(
      fc.property(fc.array(said, { minLength: 1, maxLength: 4 }), fc.array(fc.anything(), { maxLength: 3 }), (texts, junk) => {
        const good = texts.map((body, i) => ({
          from: '5215512345678',
          id: `wamid.${i}`,
          timestamp: '1773158400',
          type: 'text',
          text: { body },
        }));
        const messages = good.flatMap((m, i) => (junk[i] === undefined ? [m] : [m, junk[i]]));
        const contents = readWebhook(
          { object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messages } }] }] },
          PHONE_NUMBER_ID,
        );
        expect(contents.understood).toBe(true);
        if (!contents.understood) return;
        const kept = contents.messages.filter((m) => m.id.startsWith('wamid.') && m.from === '5215512345678' && m.type === 'text');
        const mapped = kept.map((m) => InboundMessage.parse(cloudMessageToInbound(m, null)));
        expect(mapped.map((m) => m.text).slice(0, texts.length)).toEqual(texts.map((t) => t.trim()));
        expect(mapped[0]).toMatchObject({ channel: 'whatsapp', channelUserId: '5215512345678', senderPhone: '+5215512345678' });
      }),
      RUNS,
    );
  });
});

describe('web chat body', () => {
  const conversationId = '3f1c2a4e-8b7d-4c1e-9a2b-5d6e7f8a9b0c';
  const body = fc.record(
    {
      clientMessageId: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{8,100}$/), nastyText),
      text: nastyText,
      choice: nastyText,
      location: fc.record({ latitude: fc.double(), longitude: fc.double() }),
    },
    { requiredKeys: [] },
  );

  it('never throws on anything; an accepted body maps to a storable message, or to the schema’s own error when too long', () => {
    fc.assert(
      fc.property(fc.oneof(anyInput, body), (raw) => {
        const parsed = WebChatMessageBody.safeParse(raw);
        if (!parsed.success) return;
        expect(storable(parsed.data)).toBe(true);
        if ((parsed.data.text?.length ?? 0) > MAX_TEXT_LENGTH) return;
        expect(storable(webMessageToInbound(conversationId, parsed.data, at))).toBe(true);
      }),
      RUNS,
    );
  });

  it('a well-formed body comes out as the message the citizen wrote', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-z0-9_-]{8,100}$/),
        fc.string({ unit: 'grapheme', maxLength: 500 }).filter(isStorableText),
        fc.double({ min: -90, max: 90, noNaN: true }),
        fc.double({ min: -180, max: 180, noNaN: true }),
        (clientMessageId, text, latitude, longitude) => {
          const parsed = WebChatMessageBody.parse({ clientMessageId, text, location: { latitude, longitude } });
          expect(webMessageToInbound(conversationId, parsed, at)).toMatchObject({
            channel: 'web',
            conversationKey: conversationId,
            externalId: clientMessageId,
            text: text.trim(),
            location: { latitude, longitude },
          });
        },
      ),
      RUNS,
    );
  });
});
