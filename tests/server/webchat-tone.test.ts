import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Tone } from '../../src/i18n/index.js';
import { createTestApp } from '../helpers/app.js';
import { offending } from '../helpers/tone.js';

/** What the citizen reads in each register: the greeting and the confirmation with the folio. */
const EXPECTED: Record<Tone, { greeting: RegExp; confirmation: RegExp }> = {
  usted: {
    greeting: /Aquí puede hacer un reporte[\s\S]*Cuénteme en un mensaje qué pasa o qué necesita\./,
    confirmation:
      /¡Listo! Registré su reporte o denuncia con el folio AC-2026-\d{6}\.[\s\S]*Le responderemos a más tardar[\s\S]*escriba «estado AC-2026-\d{6}»/,
  },
  tu: {
    greeting: /Aquí puedes hacer un reporte[\s\S]*Cuéntame en un mensaje qué pasa o qué necesitas\./,
    confirmation:
      /¡Listo! Registré tu reporte o denuncia con el folio AC-2026-\d{6}\.[\s\S]*Te responderemos a más tardar[\s\S]*escribe «estado AC-2026-\d{6}»/,
  },
};

describe('the web chat speaks in the configured register', () => {
  for (const tone of ['usted', 'tu'] as const) {
    it(`TONE=${tone}: greets and confirms the folio in «${tone}», with no form of the other register on the way`, async () => {
      const app = await createTestApp({ env: { TONE: tone } });
      try {
        const opened = await app.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {} });
        expect(opened.statusCode).toBe(201);
        const { conversationId, token, messages } = opened.json() as {
          conversationId: string;
          token: string;
          messages: Array<{ text: string }>;
        };
        const said = messages.map((m) => m.text);
        expect(said.join('\n')).toMatch(EXPECTED[tone].greeting);

        let seq = 0;
        for (const text of [
          'Hay un bache enorme frente a la escuela de la calle Hidalgo 123',
          'Juan Pérez',
          '5512345678',
          'omitir',
          'sí',
        ]) {
          const res = await app.app.inject({
            method: 'POST',
            url: `/api/webchat/conversations/${conversationId}/messages`,
            headers: { authorization: `Bearer ${token}` },
            payload: { clientMessageId: `tone-${tone}-${++seq}`, text },
          });
          expect(res.statusCode).toBe(200);
          said.push(...(res.json() as { messages: Array<{ text: string }> }).messages.map((m) => m.text));
        }
        expect(said.at(-1)).toMatch(EXPECTED[tone].confirmation);
        expect(said.flatMap((text) => offending(tone, text))).toEqual([]);

        // The page's own strings come from the same catalogue.
        const page = await app.app.inject({ method: 'GET', url: '/chat' });
        expect(page.body).toContain(tone === 'usted' ? 'Escriba su mensaje…' : 'Escribe tu mensaje…');
      } finally {
        await app.close();
      }
    });
  }

  it('refuses to start with an unknown TONE, naming the variable and its values', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TONE: 'vos', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(1);
    expect(output).toContain('Configuración inválida; Ventanilla no arranca:');
    expect(output).toContain('TONE="vos": usted o tu');
  }, 60_000);
});
