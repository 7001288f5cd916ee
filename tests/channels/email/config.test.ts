import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

describe('email settings', () => {
  it('leave the channel off unless SMTP_URL and EMAIL_FROM are set', () => {
    expect(loadConfig({}).email).toBeUndefined();
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.municipio.mx' })).toThrow(/^EMAIL_FROM: SMTP_URL y EMAIL_FROM van juntos/);
    expect(() => loadConfig({ EMAIL_FROM: 'atencion@municipio.mx' })).toThrow(/^SMTP_URL:/);
  });

  it('URL-decode user and password, and default ports and folders', () => {
    const config = loadConfig({
      IMAP_URL: 'imaps://atencion%40municipio.gob.mx:p%C3%A1ss%2Fw%3Ard%40%25@imap.municipio.gob.mx',
      SMTP_URL: 'smtp://atencion%40municipio.gob.mx:p%C3%A1ss%2Fw%3Ard%40%25@smtp.municipio.gob.mx',
      EMAIL_FROM: 'Atención Ciudadana <Atencion@Municipio.gob.mx>',
    });
    expect(config.email).toMatchObject({
      imap: { secure: true, host: 'imap.municipio.gob.mx', port: 993, user: 'atencion@municipio.gob.mx', password: 'páss/w:rd@%' },
      smtp: { secure: false, host: 'smtp.municipio.gob.mx', port: 587, user: 'atencion@municipio.gob.mx', password: 'páss/w:rd@%' },
      from: { address: 'atencion@municipio.gob.mx', name: 'Atención Ciudadana' },
      folder: 'INBOX',
      folderDone: 'Procesados',
      pollMs: 60_000,
      maxAttachmentBytes: 10 * 1024 * 1024,
    });
    expect(loadConfig({ SMTP_URL: 'smtps://smtp.x.mx', EMAIL_FROM: 'a@x.mx', IMAP_URL: 'imap://u:p@imap.x.mx' }).email).toMatchObject({
      imap: { secure: false, port: 143 },
      smtp: { secure: true, port: 465, user: undefined, password: undefined },
      from: { address: 'a@x.mx', name: undefined },
    });
  });

  it('refuse a wrong scheme, a bad sender and an inbox nobody can answer from', () => {
    expect(() => loadConfig({ IMAP_URL: 'http://imap.x.mx', SMTP_URL: 'smtp://s.x.mx', EMAIL_FROM: 'a@x.mx' })).toThrow(ConfigError);
    expect(() => loadConfig({ SMTP_URL: 'smtp://s.x.mx', EMAIL_FROM: 'no es un correo' })).toThrow(/EMAIL_FROM/);
    expect(() => loadConfig({ IMAP_URL: 'imap://u:p@imap.x.mx' })).toThrow(/SMTP_URL y EMAIL_FROM/);
    expect(() => loadConfig({ IMAP_FOLDER_DONE: 'INBOX' })).toThrow(/IMAP_FOLDER_DONE/);
  });
});
