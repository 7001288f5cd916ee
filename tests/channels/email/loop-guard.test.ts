import { describe, expect, it } from 'vitest';
import { whyNotAnswer } from '../../../src/channels/email/loop-guard.js';

const OWN = 'atencion@municipio.mx';
const mail = (headers: Record<string, string>, extra: { from?: string | undefined; returnPath?: string; contentType?: string } = {}) => ({
  headers: new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v])),
  returnPath: extra.returnPath,
  fromAddress: 'from' in extra ? extra.from : 'vecina@correo.mx',
  contentType: extra.contentType,
});

describe('which mail never gets an automatic answer', () => {
  it('answers ordinary mail, and mail marked Auto-Submitted: no', () => {
    expect(whyNotAnswer(mail({}), OWN)).toBeUndefined();
    expect(whyNotAnswer(mail({ 'Auto-Submitted': 'no' }), OWN)).toBeUndefined();
    expect(whyNotAnswer(mail({ Precedence: 'first-class' }), OWN)).toBeUndefined();
  });

  it('stays silent for auto-replies, bulk and list mail', () => {
    expect(whyNotAnswer(mail({ 'Auto-Submitted': 'auto-replied' }), OWN)).toBe('auto_submitted');
    expect(whyNotAnswer(mail({ 'Auto-Submitted': 'auto-generated; type=vacation' }), OWN)).toBe('auto_submitted');
    expect(whyNotAnswer(mail({ 'X-Autoreply': 'yes' }), OWN)).toBe('auto_submitted');
    for (const p of ['bulk', 'list', 'junk', 'Bulk']) expect(whyNotAnswer(mail({ Precedence: p }), OWN)).toBe('precedence');
    expect(whyNotAnswer(mail({ 'List-Id': '<vecinos.lista.mx>' }), OWN)).toBe('mailing_list');
  });

  it('stays silent for the null sender, MAILER-DAEMON, bounces and our own address', () => {
    expect(whyNotAnswer(mail({}, { returnPath: '<>' }), OWN)).toBe('null_sender');
    expect(whyNotAnswer(mail({}, { from: undefined }), OWN)).toBe('null_sender');
    expect(whyNotAnswer(mail({}, { from: 'MAILER-DAEMON@mx.correo.mx' }), OWN)).toBe('mailer_daemon');
    expect(whyNotAnswer(mail({}, { from: 'postmaster@correo.mx' }), OWN)).toBe('mailer_daemon');
    expect(whyNotAnswer(mail({}, { contentType: 'multipart/report; report-type=delivery-status; boundary="x"' }), OWN)).toBe('bounce');
    expect(whyNotAnswer(mail({}, { from: 'Atencion@Municipio.mx' }), OWN)).toBe('own_address');
  });
});
