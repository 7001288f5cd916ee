import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../../src/channels/email/client.js';
import { renderMail } from '../../../src/channels/email/outbound.js';
import { DeliveryFailed, DeliveryRefused, type Delivery } from '../../../src/messages/delivery.js';

const delivery = (text: string, author: 'bot' | 'staff' | 'system' = 'bot'): Delivery => ({
  jobId: 1,
  messageId: 42,
  idempotencyKey: 'ventanilla-42',
  attempt: 1,
  channel: 'email',
  conversationId: 'c',
  lastInboundAt: null,
  conversationKey: 'k',
  channelUserId: 'vecina@correo.mx',
  message: { text, author },
  createdAt: new Date('2026-03-10T16:00:00Z'),
});

describe('an outgoing mail', () => {
  it('answers in the thread, with the folio in the subject once', () => {
    const thread = { subject: 'RE: Re: Bache', folio: 'AC-2026-000001', inReplyTo: '<b@x>', references: ['<a@x>', '<b@x>'] };
    const mail = renderMail(delivery('Hola'), thread, 'atencion@municipio.mx', 'es');
    expect(mail).toMatchObject({
      subject: 'Re: Bache [AC-2026-000001]',
      inReplyTo: '<b@x>',
      references: ['<a@x>', '<b@x>'],
      automatic: true,
    });
    expect(mail.messageId).toMatch(/^<ventanilla-42-[a-z0-9]+@municipio\.mx>$/);
    expect(renderMail(delivery('Hola'), thread, 'atencion@municipio.mx', 'es').messageId).toBe(mail.messageId);
    expect(renderMail(delivery('Hola'), { ...thread, subject: 'Re: Bache [AC-2026-000001]' }, 'a@m.mx', 'es').subject).toBe(
      'Re: Bache [AC-2026-000001]',
    );
    expect(renderMail(delivery('Hola'), { ...thread, subject: undefined }, 'a@m.mx', 'es').subject).toBe('[AC-2026-000001] Su solicitud');
  });

  it('escapes the text in its HTML part and is marked automatic unless staff wrote it', () => {
    const mail = renderMail(
      delivery('Hola <b>vecina</b> & "amigos"\nlínea dos\n\nPárrafo'),
      { subject: undefined, folio: undefined, inReplyTo: undefined, references: [] },
      'a@m.mx',
      'es',
    );
    expect(mail.html).toContain('<p>Hola &lt;b&gt;vecina&lt;/b&gt; &amp; &quot;amigos&quot;<br>\nlínea dos</p>\n<p>Párrafo</p>');
    expect(
      renderMail(delivery('x', 'staff'), { subject: undefined, folio: undefined, inReplyTo: undefined, references: [] }, 'a@m.mx', 'es')
        .automatic,
    ).toBe(false);
    expect(
      renderMail(delivery('x', 'system'), { subject: undefined, folio: undefined, inReplyTo: undefined, references: [] }, 'a@m.mx', 'es')
        .automatic,
    ).toBe(true);
  });

  it('gives up on a 5xx answer and retries everything else', () => {
    expect(classifySmtpError({ responseCode: 550, response: '550 5.1.1 no such user' })).toBeInstanceOf(DeliveryRefused);
    expect(classifySmtpError({ responseCode: 451, response: '451 try later' })).toBeInstanceOf(DeliveryFailed);
    expect(classifySmtpError({ code: 'ECONNECTION', message: 'connect ECONNREFUSED' })).toBeInstanceOf(DeliveryFailed);
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535, response: '535 bad credentials' })).toBeInstanceOf(DeliveryFailed);
  });
});
