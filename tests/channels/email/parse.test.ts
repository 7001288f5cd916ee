import { describe, expect, it } from 'vitest';
import { parseEmail } from '../../../src/channels/email/parse.js';
import { rawMail } from './mailbox.js';

const options = {
  ownAddress: 'atencion@municipio.mx',
  attachments: { maxBytes: 1000, types: ['image/png', 'image/jpeg', 'application/pdf'], maxCount: 2 },
};
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

function multipart(parts: Array<{ type: string; name: string; data: Buffer }>): Buffer {
  const b = 'b1';
  const body = [
    `--${b}`,
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Adjunto archivos.',
    ...parts.flatMap((p) => [
      `--${b}`,
      `Content-Type: ${p.type}; name="${p.name}"`,
      `Content-Disposition: attachment; filename="${p.name}"`,
      'Content-Transfer-Encoding: base64',
      '',
      p.data.toString('base64'),
    ]),
    `--${b}--`,
    '',
  ].join('\n');
  return Buffer.from(
    rawMail(
      {
        From: 'a@b.mx',
        Subject: 'x',
        'Message-ID': '<m1@b.mx>',
        'MIME-Version': '1.0',
        'Content-Type': `multipart/mixed; boundary="${b}"`,
      },
      body,
    ),
  );
}

describe('parsing an inbound email', () => {
  it('reads Windows-1252 quoted-printable text, curly quotes and euro sign included', async () => {
    const raw = rawMail(
      {
        From: '=?windows-1252?Q?Jos=E9?= <jose@b.mx>',
        Subject: '=?windows-1252?Q?=93Tr=E1mite=94?=',
        'Message-ID': '<w@b.mx>',
        'MIME-Version': '1.0',
        'Content-Type': 'text/plain; charset=windows-1252',
        'Content-Transfer-Encoding': 'quoted-printable',
      },
      'Pagu=E9 =80 500 por el =93permiso=94 y no me lo dieron.',
    );
    const mail = await parseEmail(Buffer.from(raw, 'latin1'), options);
    expect(mail.text).toBe('Pagué € 500 por el “permiso” y no me lo dieron.');
    expect(mail.subject).toBe('“Trámite”');
    expect(mail.from).toEqual({ address: 'jose@b.mx', name: 'José' });
  });

  it('keys a mail by its Message-ID, or by a hash of its headers without one, and lists the thread newest first', async () => {
    const threaded = await parseEmail(
      Buffer.from(
        rawMail({ From: 'a@b.mx', 'Message-ID': ' <c@b.mx> ', 'In-Reply-To': '<b@x.mx>', References: '<a@x.mx>\r\n <b@x.mx>' }, 'hola'),
      ),
      options,
    );
    expect(threaded).toMatchObject({ externalId: '<c@b.mx>', threadIds: ['<b@x.mx>', '<a@x.mx>'], threadRoot: '<a@x.mx>' });
    const bare = rawMail({ From: 'a@b.mx', Subject: 'sin id', Date: 'Tue, 10 Mar 2026 09:30:00 -0600' }, 'hola');
    const first = await parseEmail(Buffer.from(bare), options);
    expect(first.externalId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await parseEmail(Buffer.from(bare), options)).externalId).toBe(first.externalId);
    expect(first.threadRoot).toBe(first.externalId);
  });

  it('keeps attachments by what their bytes are, within the size and count limits', async () => {
    const fakeJpeg = Buffer.from('<script>alert(1)</script>');
    const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj\n<<>>\nendobj\n');
    const mail = await parseEmail(
      multipart([
        { type: 'image/jpeg', name: 'foto.jpg', data: fakeJpeg },
        { type: 'image/png', name: 'grande.png', data: Buffer.concat([PNG, Buffer.alloc(2000)]) },
        { type: 'application/octet-stream', name: 'escaneo', data: PNG },
        { type: 'application/pdf', name: 'acta.pdf', data: pdf },
        { type: 'image/png', name: 'tercera.png', data: PNG },
      ]),
      options,
    );
    expect(mail.attachments.map((a) => [a.filename, a.kind, a.contentType])).toEqual([
      ['escaneo', 'photo', 'image/png'],
      ['acta.pdf', 'document', 'application/pdf'],
    ]);
    expect(mail.rejected).toEqual([
      { filename: 'foto.jpg', contentType: 'image/jpeg', reason: 'type' },
      { filename: 'grande.png', contentType: 'image/png', reason: 'size' },
      { filename: 'tercera.png', contentType: 'image/png', reason: 'count' },
    ]);
  });

  it('finds the Message-ID of our mail inside a bounce', async () => {
    const raw = rawMail(
      {
        From: 'MAILER-DAEMON@mx.b.mx',
        'Message-ID': '<bounce@mx.b.mx>',
        'MIME-Version': '1.0',
        'Content-Type': 'multipart/report; report-type=delivery-status; boundary="r"',
      },
      [
        '--r',
        'Content-Type: text/plain',
        '',
        'No se pudo entregar.',
        '--r',
        'Content-Type: message/rfc822',
        '',
        'From: atencion@municipio.mx',
        'Message-ID: <ventanilla-7-abc@municipio.mx>',
        'Subject: Re: Bache',
        '',
        'texto',
        '--r--',
        '',
      ].join('\n'),
    );
    const mail = await parseEmail(Buffer.from(raw), options);
    expect(mail.noAnswer).toBe('mailer_daemon');
    expect(mail.bouncedIds).toEqual(['<ventanilla-7-abc@municipio.mx>']);
    expect(mail.attachments).toEqual([]);
    expect(mail.rejected).toEqual([]);
  });
});
