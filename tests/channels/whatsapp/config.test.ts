import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config.js';

const errorOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.join('\n');
    throw error;
  }
  throw new Error('configuration accepted');
};

describe('WhatsApp settings', () => {
  it('are off unless WHATSAPP_MODE is set', () => {
    expect(loadConfig({}).whatsapp).toMatchObject({
      mode: 'off',
      graphRoot: 'https://graph.facebook.com',
      graphVersion: 'v21.0',
      chromiumPath: '/usr/bin/chromium',
      templates: {},
    });
  });

  it('name every credential cloud mode is missing', () => {
    const message = errorOf({ WHATSAPP_MODE: 'cloud', WHATSAPP_VERIFY_TOKEN: 'x' });
    expect(message).toContain('WHATSAPP_APP_SECRET');
    expect(message).toContain('WHATSAPP_ACCESS_TOKEN');
    expect(message).toContain('WHATSAPP_PHONE_NUMBER_ID');
    expect(message).not.toContain('WHATSAPP_VERIFY_TOKEN');
  });

  it('read templates from JSON or from a file, and say what is wrong with them', () => {
    const inline = loadConfig({ WHATSAPP_TEMPLATES: '{"notice":{"name":"aviso_folio","language":"es_MX"}}' });
    expect(inline.whatsapp.templates).toEqual({ notice: { name: 'aviso_folio', language: 'es_MX', parameters: ['text'] } });
    const dir = mkdtempSync(join(tmpdir(), 'ventanilla-wa-'));
    try {
      const file = join(dir, 'plantillas.json');
      writeFileSync(file, JSON.stringify({ reply: { name: 'respuesta', language: 'es', parameters: [] } }));
      expect(loadConfig({ WHATSAPP_TEMPLATES: file }).whatsapp.templates).toEqual({
        reply: { name: 'respuesta', language: 'es', parameters: [] },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    expect(errorOf({ WHATSAPP_TEMPLATES: '{"notice":{"name":"Aviso Folio","language":"es_MX"}}' })).toMatch(
      /WHATSAPP_TEMPLATES=.*notice\.name/,
    );
    expect(errorOf({ WHATSAPP_TEMPLATES: '{"aviso":{}}' })).toMatch(/WHATSAPP_TEMPLATES/);
    expect(errorOf({ WHATSAPP_TEMPLATES: '/no/existe.json' })).toMatch(/no se pudo leer/);
  });
});
