import { desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { cases } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { ADMIN, createTestApp } from '../helpers/app.js';
import { databaseKind } from '../helpers/database.js';

/** Terms of a petitions law: business days per type and category, one extension told to the citizen, the forwarding term. */

const POLICY = new URL('../../docs/examples/follow-up-ley-de-peticiones.json', import.meta.url).pathname;
const REPORT = ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'Juan Pérez', '55 1234 5678', 'omitir', 'sí'];

async function setUp() {
  const clock = { now: new Date('2026-11-24T16:00:00Z') }; // Tuesday 10:00
  const app = await createTestApp({ env: { FOLLOW_UP_POLICY: POLICY }, now: () => clock.now });
  const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
  const session = { cookie: String(login.headers['set-cookie']).split(';')[0]!, csrf: login.json().csrfToken as string };
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrf };
  const post = (url: string, payload: object) => app.app.inject({ method: 'POST', url, payload, headers });
  const get = (url: string) => app.app.inject({ method: 'GET', url, headers });
  return { app, clock, post, get };
}

describe(`legal deadlines, on ${databaseKind}`, () => {
  it('gives each type and category its term in business days', async () => {
    const { app, post } = await setUp();
    try {
      const open = async (type: string, category: string) =>
        (
          await post('/api/staff/cases', { channel: 'presencial', type, category, description: 'Solicitud', name: 'Ana', noContact: true })
        ).json().case as {
          id: number;
        };
      const due = async (id: number) => (await app.database.db.select().from(cases).where(eq(cases.id, id)))[0]!.dueAt.toISOString();
      expect(await due((await open('solicitud_informacion', 'otros')).id)).toBe('2026-12-09T06:00:00.000Z'); // end of Tue 8 Dec: 10 business days
      expect(await due((await open('queja', 'baches-pavimento')).id)).toBe('2026-12-16T06:00:00.000Z'); // end of Tue 15 Dec: 15
      expect(await due((await open('solicitud_informacion', 'tramites')).id)).toBe('2027-01-08T06:00:00.000Z'); // end of Thu 7 Jan: 30, skipping 25 Dec and 1 Jan
    } finally {
      await app.close();
    }
  });

  it('grants one extension before the term ends, tells the citizen why and until when, and shows it all on the case page', async () => {
    const { app, clock, post, get } = await setUp();
    try {
      let conversationId = '';
      for (const [i, text] of REPORT.entries()) {
        conversationId = (
          await app.conversations.receive(
            InboundMessage.parse({
              channel: 'web',
              channelUserId: 'v',
              conversationKey: 'v',
              externalId: `m${i}`,
              text,
              receivedAt: clock.now,
            }),
          )
        ).conversationId;
      }
      const [row] = await app.database.db
        .select()
        .from(cases)
        .where(eq(cases.conversationId, conversationId))
        .orderBy(desc(cases.id))
        .limit(1);
      expect(row!.dueAt.toISOString()).toBe('2026-12-16T06:00:00.000Z');
      expect((await post(`/api/staff/cases/${row!.id}/actions`, { kind: 'receive' })).statusCode).toBe(200);

      const page = (await get(`/api/staff/cases/${row!.id}`)).json().case;
      expect(page.deadline).toMatchObject({
        term: { days: 15, unit: 'business' },
        overdue: false,
        extension: { available: true, wouldMoveTo: '2026-12-31T06:00:00.000Z' },
      });
      expect(page.deadline.forwarding.deadline).toBe('2026-12-02T06:00:00.000Z');
      expect(page.deadline.checkpoints.map((p: { percent: number; done: boolean }) => [p.percent, p.done])).toEqual([
        [50, false],
        [80, false],
        [100, false],
      ]);

      clock.now = new Date('2026-12-10T16:00:00Z');
      const extended = await post(`/api/staff/cases/${row!.id}/actions`, {
        kind: 'extend',
        reason: 'Se requiere un dictamen de Protección Civil',
      });
      expect(extended.statusCode).toBe(200);
      const [after] = await app.database.db.select().from(cases).where(eq(cases.id, row!.id));
      // 10 business days after Tue 15 Dec, skipping Christmas: ends with Wed 30 Dec.
      expect(after!.dueAt.toISOString()).toBe('2026-12-31T06:00:00.000Z');
      const told = (await app.conversations.history(conversationId)).filter((m) => m.direction === 'out').at(-1)!.text;
      expect(told).toBe(
        `Su caso ${row!.folio} requiere más tiempo: Se requiere un dictamen de Protección Civil. La nueva fecha límite para la respuesta es el 30/12/2026.`,
      );

      const again = await post(`/api/staff/cases/${row!.id}/actions`, { kind: 'extend', reason: 'Otra vez' });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.message).toBe('Este caso ya tuvo su única prórroga.');
      const page2 = (await get(`/api/staff/cases/${row!.id}`)).json().case;
      expect(page2.deadline.extension).toMatchObject({ available: false, reason: 'Se requiere un dictamen de Protección Civil' });
      expect(page2.deadline.checkpoints.map((p: { percent: number; done: boolean }) => [p.percent, p.done])).toEqual([
        [50, false],
        [80, false],
        [100, false],
      ]);
    } finally {
      await app.close();
    }
  });

  it('lets an admin give a category its own term in business days from the console', async () => {
    const { app, post } = await setUp();
    try {
      const login = await app.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
      const headers = { cookie: String(login.headers['set-cookie']).split(';')[0]!, 'x-csrf-token': login.json().csrfToken as string };
      const { categories } = (await app.app.inject({ method: 'GET', url: '/api/staff/admin/categories', headers })).json() as {
        categories: Array<{ id: number; code: string }>;
      };
      const parks = categories.find((c) => c.code === 'parques-jardines')!;
      const patched = await app.app.inject({
        method: 'PATCH',
        url: `/api/staff/admin/categories/${parks.id}`,
        headers,
        payload: { dueDays: 3, dueUnit: 'business' },
      });
      expect(patched.statusCode).toBe(200);
      const { id } = (
        await post('/api/staff/cases', {
          channel: 'presencial',
          type: 'reporte',
          category: 'parques-jardines',
          description: 'Árbol caído',
          name: 'Ana',
          noContact: true,
        })
      ).json().case as { id: number };
      expect((await app.database.db.select().from(cases).where(eq(cases.id, id)))[0]!.dueAt.toISOString()).toBe('2026-11-28T06:00:00.000Z'); // end of Fri 27 Nov
    } finally {
      await app.close();
    }
  });

  it('refuses an extension once the term has ended', async () => {
    const { app, clock, post } = await setUp();
    try {
      const { id } = (
        await post('/api/staff/cases', {
          channel: 'presencial',
          type: 'queja',
          category: 'baches-pavimento',
          description: 'Queja',
          name: 'Ana',
          noContact: true,
        })
      ).json().case as { id: number };
      await post(`/api/staff/cases/${id}/actions`, { kind: 'receive' });
      clock.now = new Date('2026-12-16T06:00:01Z');
      const late = await post(`/api/staff/cases/${id}/actions`, { kind: 'extend', reason: 'Tarde' });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.message).toBe('La prórroga debe pedirse antes de que venza el plazo.');
    } finally {
      await app.close();
    }
  });
});
