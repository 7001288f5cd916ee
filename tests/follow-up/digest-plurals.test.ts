import { FOLLOW_UPS } from '../../src/server/app.js';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../../src/db/schema.js';
import { ADMIN, createTestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';

/** «1 casos» was the issue: the digest's subject counts cases, and each count agrees with its noun. */

let smtp: SmtpReceiver;
beforeAll(async () => {
  smtp = await startSmtpReceiver();
});
afterAll(async () => smtp?.stop());

const EXPECTED = {
  es: { one: 'semanal: 1 caso abierto, 0 vencidos — Dirección de Obras Públicas', two: 'semanal: 2 casos abiertos, 1 vencido — ' },
  en: { one: 'semanal: 1 open case, 0 overdue — Dirección de Obras Públicas', two: 'semanal: 2 open cases, 1 overdue — ' },
} as const;

describe(`digest subjects count in the singular and the plural, on ${databaseKind}`, () => {
  for (const locale of ['es', 'en'] as const) {
    it(`in ${locale}: one department has 1 case and another 2`, async () => {
      smtp.mails.length = 0;
      const clock = { now: new Date('2026-11-24T16:00:00Z') };
      const app = await createTestApp({
        env: { LOCALE: locale, SMTP_URL: smtp.url, EMAIL_FROM: 'Atención Ciudadana <atencion@municipio.example>' },
        now: () => clock.now,
      });
      try {
        await app.followUp.ensureScheduled(clock.now);
        const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
        const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': login.json().csrfToken as string };
        const open = async (category: string, description: string) => {
          const res = await app.app.inject({
            method: 'POST',
            url: '/api/staff/cases',
            headers,
            payload: { channel: 'telefono', type: 'reporte', category, description, name: 'Vecina', noContact: true },
          });
          expect(res.statusCode).toBe(200);
          return res.json().case as { id: number };
        };
        await open('baches-pavimento', 'Bache en la calle 3');
        await open('alumbrado-publico', 'Lámpara apagada');
        const trash = await open('recoleccion-basura', 'No pasó el camión de la basura');
        await app.database.db
          .update(cases)
          .set({ dueAt: new Date('2026-11-27T16:00:00Z') })
          .where(eq(cases.id, trash.id));

        clock.now = new Date('2026-11-30T14:00:00Z'); // Monday 8:00 in Mexico City
        await app.queue.runDue(FOLLOW_UPS);
        await app.queue.runDue(FOLLOW_UPS);
        const subjectTo = (liaison: string) =>
          String(smtp.mails.find((m) => m.to.includes(liaison) && String(m.parsed.subject).startsWith('semanal:'))?.parsed.subject);
        expect(subjectTo('enlace.obraspublicas@municipio.example')).toBe(EXPECTED[locale].one);
        expect(subjectTo('enlace.serviciospublicos@municipio.example')).toContain(EXPECTED[locale].two);
      } finally {
        await app.close();
      }
    });
  }
});
