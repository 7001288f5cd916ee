import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanEmailText } from '../../../src/channels/email/clean-text.js';
import { whyNotAnswer } from '../../../src/channels/email/loop-guard.js';
import { parseEmail, type ParsedEmail } from '../../../src/channels/email/parse.js';
import { mailThread } from '../../../src/channels/email/thread.js';

/**
 * Property tests of the email path: whatever a sender puts in a mail, parsing ends in a mail we
 * can store (PostgreSQL refuses NUL in text and jsonb, and a lone surrogate is not valid UTF-8)
 * or a plain Error, and the citizen's own words survive the trimming of quoted history.
 */

const options = {
  ownAddress: 'atencion@municipio.mx',
  attachments: { maxBytes: 100_000, types: ['image/png', 'image/jpeg', 'application/pdf'], maxCount: 3 },
};
// Modest runs: the suite shares two cores; each property still sees hundreds of odd mails.
const RUNS = { numRuns: Number(process.env.FUZZ_RUNS ?? 150) };

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what PostgreSQL refuses.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every string the channel hands on to be stored. */
function storedStrings(mail: ParsedEmail): string[] {
  return [
    mail.externalId,
    mail.messageId ?? '',
    mail.threadRoot,
    ...mail.threadIds,
    ...mail.bouncedIds,
    mail.subject,
    mail.from?.address ?? '',
    mail.from?.name ?? '',
    mail.text,
    mail.fullText,
    ...mail.attachments.map((a) => a.filename ?? ''),
    ...mail.rejected.flatMap((r) => [r.filename ?? '', r.contentType]),
  ];
}

function expectStorable(mail: ParsedEmail): void {
  for (const value of storedStrings(mail)) {
    expect(typeof value).toBe('string');
    expect(UNSTORABLE.test(value), JSON.stringify(value)).toBe(false);
  }
  expect(mail.externalId.length).toBeGreaterThan(0);
}

/** Parses; a refusal must be an Error with a message, never a crash of another kind. */
async function parseOrError(raw: Buffer): Promise<ParsedEmail | Error> {
  try {
    return await parseEmail(raw, options);
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message.length).toBeGreaterThan(0);
    return error as Error;
  }
}

const charset = fc.constantFrom(
  'utf-8',
  'utf-16',
  'utf-16le',
  'utf-16be',
  'iso-8859-1',
  'windows-1252',
  'x-unknown',
  'utf-7',
  'shift_jis',
  '',
);
const transferEncoding = fc.constantFrom('7bit', '8bit', 'base64', 'quoted-printable', 'binary', 'x-uuencode', '');
const anyText = fc.string({ unit: 'binary', maxLength: 200 });
const bytes = fc.uint8Array({ maxLength: 300 });

/** An RFC 2047 encoded word of arbitrary bytes: how a sender can slip anything into a header. */
const encodedWord = fc
  .tuple(charset, fc.constantFrom('B', 'Q'), bytes)
  .map(([cs, enc, data]) =>
    enc === 'B'
      ? `=?${cs}?B?${Buffer.from(data).toString('base64')}?=`
      : `=?${cs}?Q?${[...data].map((b) => `=${b.toString(16).padStart(2, '0').toUpperCase()}`).join('')}?=`,
  );
const headerValue = fc.oneof(
  anyText.map((s) => s.replace(/[\r\n]/g, ' ')),
  encodedWord,
);

const mimeMail = fc
  .record({
    from: fc.oneof(
      headerValue,
      fc.constant('Juan <juan@correo.mx>'),
      headerValue.map((v) => `${v} <x@y.mx>`),
    ),
    subject: headerValue,
    messageId: fc.oneof(headerValue, fc.constant('<m1@b.mx>'), fc.constant('')),
    references: fc.array(headerValue, { maxLength: 3 }),
    extra: fc.array(fc.tuple(fc.constantFrom('Auto-Submitted', 'Precedence', 'List-Id', 'Return-Path', 'X-Autoreply'), headerValue), {
      maxLength: 2,
    }),
    type: fc.constantFrom(
      'text/plain',
      'text/html',
      'multipart/mixed',
      'multipart/report; report-type=delivery-status',
      'application/octet-stream',
    ),
    charset,
    encoding: transferEncoding,
    body: fc.oneof(
      anyText.map((s) => Buffer.from(s, 'utf8')),
      bytes.map((b) => Buffer.from(b)),
    ),
    part: fc.option(fc.record({ name: headerValue, data: bytes }), { nil: undefined }),
  })
  .map((m) => {
    const boundary = 'frontera-01';
    const headers = [
      `From: ${m.from}`,
      `Subject: ${m.subject}`,
      `Message-ID: ${m.messageId}`,
      ...(m.references.length > 0 ? [`References: ${m.references.join(' ')}`] : []),
      ...m.extra.map(([name, value]) => `${name}: ${value}`),
      'MIME-Version: 1.0',
    ];
    if (m.type.startsWith('multipart/')) {
      const head = [...headers, `Content-Type: ${m.type}; boundary="${boundary}"`].join('\r\n');
      const parts = [
        Buffer.from(
          `\r\n\r\n--${boundary}\r\nContent-Type: text/plain; charset=${m.charset}\r\nContent-Transfer-Encoding: ${m.encoding}\r\n\r\n`,
        ),
        m.body,
        ...(m.part
          ? [
              Buffer.from(
                `\r\n--${boundary}\r\nContent-Type: image/png; name="${m.part.name}"\r\nContent-Disposition: attachment; filename="${m.part.name}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${Buffer.from(m.part.data).toString('base64')}`,
              ),
            ]
          : []),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ];
      return Buffer.concat([Buffer.from(head), ...parts]);
    }
    const head = [...headers, `Content-Type: ${m.type}; charset=${m.charset}`, `Content-Transfer-Encoding: ${m.encoding}`].join('\r\n');
    return Buffer.concat([Buffer.from(`${head}\r\n\r\n`), m.body]);
  });

describe('the email parsing path under arbitrary input', () => {
  it('turns arbitrary bytes into a storable mail or a plain Error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2000 }), async (data) => {
        const result = await parseOrError(Buffer.from(data));
        if (!(result instanceof Error)) expectStorable(result);
      }),
      RUNS,
    );
  });

  it('turns arbitrary MIME (charsets, encodings, encoded words, attachments) into a storable mail', async () => {
    await fc.assert(
      fc.asyncProperty(mimeMail, async (raw) => {
        const result = await parseOrError(raw);
        if (!(result instanceof Error)) expectStorable(result);
      }),
      RUNS,
    );
  });

  it('never lets NUL or a lone surrogate through from a sender who writes them on purpose', async () => {
    const raw = Buffer.concat([
      Buffer.from(
        'From: =?utf-16le?B?AAA=?= <a@b.mx>\r\nSubject: =?utf-16be?B?2AA=?= hola\u0000\r\nMessage-ID: <n\u0000@b.mx>\r\nContent-Type: text/plain; charset=utf-16le\r\nContent-Transfer-Encoding: base64\r\n\r\n',
      ),
      Buffer.from(Buffer.from([0x00, 0xd8, 0x41, 0x00, 0x00, 0x00, 0x42, 0x00]).toString('base64')),
    ]);
    const mail = await parseEmail(raw, options);
    expectStorable(mail);
    expect(mail.text).toContain('A');
    expect(mail.text).toContain('B');
  });
});

/** Lines a citizen writes: words that never open a quoted history on their own. */
const citizenLine = fc
  .array(fc.constantFrom('hay', 'un', 'bache', 'fuga', 'agua', 'calle', 'Hidalgo', '123', 'gracias', 'por', 'favor', 'urgente', 'ya'), {
    minLength: 1,
    maxLength: 8,
  })
  .map((words) => words.join(' '));
const citizenText = fc.array(citizenLine, { minLength: 1, maxLength: 5 }).map((lines) => lines.join('\n'));
const historyLine = fc.string({ maxLength: 60 }).map((s) => s.replace(/[\r\n]/g, ' '));
const MARK = 'CITA-ANTERIOR-7Q';

/** How mail clients introduce the quoted history. */
const historyStart = fc.constantFrom(
  'El lun, 10 mar 2026 a las 10:00, Atención Ciudadana <atencion@municipio.mx> escribió:',
  'On Mon, Mar 10, 2026 at 10:00 AM Atención <atencion@municipio.mx> wrote:',
  'El lun, 10 mar 2026 a las 10:00, Atención Ciudadana\n<atencion@municipio.mx> escribió:',
  '-----Mensaje original-----',
  '-------- Original Message --------',
  'De: Atención Ciudadana <atencion@municipio.mx>\nEnviado: lunes, 10 de marzo de 2026 10:00\nPara: vecino@correo.mx',
  '________________________________\nFrom: Atención <atencion@municipio.mx>\nSent: Monday',
  `> ${MARK}`,
);

describe('trimming what the citizen did not write', () => {
  it('strips any quoted history and keeps exactly the citizen\u2019s words', () => {
    fc.assert(
      fc.property(
        citizenText,
        historyStart,
        fc.array(historyLine, { maxLength: 6 }),
        fc.constantFrom('\n', '\r\n'),
        (own, start, rest, eol) => {
          const mail = [own, '', start, `> ${MARK}`, ...rest.map((l) => `> ${l}`)].join('\n').replace(/\n/g, eol);
          const cleaned = cleanEmailText(mail);
          expect(cleaned).toBe(own);
          expect(cleaned).not.toContain(MARK);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('drops a signature and keeps the text before it', () => {
    fc.assert(
      fc.property(
        citizenText,
        fc.constantFrom('-- ', '--', 'Enviado desde mi iPhone', 'Sent from my Android'),
        historyLine,
        (own, sig, tail) => {
          expect(cleanEmailText(`${own}\n${sig}\n${tail}`)).toBe(own);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('never throws, never adds text, and never returns nothing for a mail with words', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const cleaned = cleanEmailText(text);
        expect(cleaned.length).toBeLessThanOrEqual(text.length);
        if (text.trim() !== '') expect(cleaned.trim()).not.toBe('');
      }),
      { numRuns: 300 },
    );
  });
});

describe('the loop guard and the reply thread under arbitrary headers', () => {
  const headerMap = fc
    .array(
      fc.tuple(
        fc.constantFrom('auto-submitted', 'precedence', 'list-id', 'list-unsubscribe', 'x-autoreply', 'x-autorespond', 'subject'),
        fc.string(),
      ),
      { maxLength: 5 },
    )
    .map((entries) => new Map(entries));

  it('decides without throwing, and never answers its own address or an auto-reply', () => {
    fc.assert(
      fc.property(
        headerMap,
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        fc.option(fc.string(), { nil: undefined }),
        (headers, returnPath, fromAddress, contentType) => {
          const reason = whyNotAnswer({ headers, returnPath, fromAddress, contentType }, options.ownAddress);
          if (!fromAddress) expect(reason).toBe('null_sender');
          expect(
            whyNotAnswer({ headers, returnPath, fromAddress: 'ATENCION@municipio.mx', contentType }, options.ownAddress),
          ).toBeDefined();
          const auto = new Map([...headers, ['auto-submitted', 'auto-replied']]);
          expect(
            whyNotAnswer({ headers: auto, returnPath, fromAddress: 'vecino@correo.mx', contentType }, options.ownAddress),
          ).toBeDefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('threads an answer on the mail it answers, with at most 20 references', () => {
    fc.assert(
      fc.property(
        fc.option(fc.string(), { nil: undefined }),
        fc.array(fc.string(), { maxLength: 40 }),
        fc.option(fc.string(), { nil: undefined }),
        (messageId, references, subject) => {
          const thread = mailThread({
            folio: 'AC-2026-000001',
            answered: { payload: { subject, email: { messageId, references } } },
          } as Parameters<typeof mailThread>[0]);
          expect(thread.references.length).toBeLessThanOrEqual(20);
          if (messageId) expect(thread.references.at(-1)).toBe(messageId);
          expect(thread.inReplyTo).toBe(messageId);
        },
      ),
      { numRuns: 200 },
    );
  });
});
