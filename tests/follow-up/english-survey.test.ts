import { desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/understanding/classify.js';
import { parseSurveyAnswer } from '../../src/cases/satisfaction.js';
import { loadConfig } from '../../src/config.js';
import { cases, caseSurveys, citizens } from '../../src/db/schema.js';
import { languagePack } from '../../src/language/language-pack.js';
import { loadDialogScript } from '../../src/dialogs/script-schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { seedDefaults } from '../../src/seed/seed.js';
import { buildApp, DELIVERIES, FOLLOW_UPS } from '../../src/server/app.js';
import { ADMIN } from '../helpers/app.js';
import { createTestDatabase, databaseKind } from '../helpers/database.js';

/** With LOCALE=en the English script and the English language pack read the citizen: names, survey answers. */

async function englishApp(clock: { now: Date }) {
  const database = await createTestDatabase();
  await seedDefaults(database.db, { adminEmail: ADMIN.email, adminPassword: ADMIN.password });
  const ventanilla = await buildApp({
    config: loadConfig({ LOG_LEVEL: 'silent', OUTBOX_POLL_MS: '60000', LOCALE: 'en' }),
    database,
    script: loadDialogScript(undefined, 'en'),
    classify,
    municipalityName: 'Example Town',
    version: 'test',
    now: () => clock.now,
  });
  await ventanilla.app.ready();
  const login = await ventanilla.app.inject({ method: 'POST', url: '/api/staff/login', payload: ADMIN });
  const session = { cookie: String(login.headers['set-cookie']).split(';')[0]!, csrf: login.json().csrfToken as string };
  const act = async (caseId: number, action: object) => {
    const res = await ventanilla.app.inject({
      method: 'POST',
      url: `/api/staff/cases/${caseId}/actions`,
      payload: action,
      headers: { cookie: session.cookie, 'x-csrf-token': session.csrf },
    });
    expect(res.statusCode, res.body).toBe(200);
    await ventanilla.queue.runDue(FOLLOW_UPS);
    await ventanilla.queue.runDue(DELIVERIES);
  };
  let n = 0;
  const say = (text: string, extra: Partial<InboundMessage> = {}) =>
    ventanilla.conversations.receive(
      InboundMessage.parse({
        channel: 'web',
        channelUserId: 'neighbour-1',
        conversationKey: 'neighbour-1',
        externalId: `m-${++n}`,
        text,
        receivedAt: clock.now,
        ...extra,
      }),
    );
  return {
    ...ventanilla,
    database,
    act,
    say,
    close: async () => {
      await ventanilla.app.close();
      await database.close();
    },
  };
}

describe(`an English conversation, on ${databaseKind}`, () => {
  it('takes "My name is John Smith" as the name and reopens the case on "not solved"', async () => {
    const clock = { now: new Date('2026-11-24T16:00:00Z') };
    const app = await englishApp(clock);
    try {
      let conversationId = '';
      const turns: Array<[string, Partial<InboundMessage>?]> = [
        ['Hello, my name is John Smith. There is a huge pothole in front of the school on calle Hidalgo 123'],
        ['Report', { choice: 'reporte' }],
        ['Baches y pavimento', { choice: 'baches-pavimento' }],
        ['55 1234 5678'],
        ['skip'],
        ['yes'],
      ];
      const asked: Array<string | undefined> = [];
      for (const [text, extra] of turns) {
        const result = await app.say(text, extra);
        conversationId = result.conversationId;
        asked.push(...result.replies.map((r) => r.prompt?.field).filter(Boolean));
      }
      // The name came with the description, so it is never asked for.
      expect(asked).not.toContain('name');
      const [caseRow] = await app.database.db
        .select()
        .from(cases)
        .where(eq(cases.conversationId, conversationId))
        .orderBy(desc(cases.id))
        .limit(1);
      expect(caseRow).toBeDefined();
      const [citizen] = await app.database.db.select().from(citizens).where(eq(citizens.id, caseRow!.citizenId!));
      expect(citizen!.name).toBe('John Smith');

      await app.act(caseRow!.id, { kind: 'receive' });
      await app.act(caseRow!.id, { kind: 'close', answer: 'The pothole was filled.' });
      const history = await app.conversations.history(conversationId);
      expect(history.at(-1)!.text).toContain(`Was your case ${caseRow!.folio} solved?`);

      clock.now = new Date('2026-11-28T16:00:00Z');
      const reply = await app.say('not solved, the hole is still there');
      expect(reply.replies.map((r) => r.text).join(' ')).toContain(`We reopened your case ${caseRow!.folio}`);
      const [survey] = await app.database.db.select().from(caseSurveys).where(eq(caseSurveys.caseId, caseRow!.id));
      expect(survey).toMatchObject({ solved: false, rating: null });
      const [reopened] = await app.database.db.select().from(cases).where(eq(cases.id, caseRow!.id));
      expect(reopened).toMatchObject({ status: 'en_seguimiento', closedAt: null });
    } finally {
      await app.close();
    }
  });
});

describe('reading English survey answers', () => {
  const english = languagePack('en');
  it('takes "not solved", "no" and digits, and leaves other messages to the dialog', () => {
    expect(parseSurveyAnswer('not solved', undefined, english)).toEqual({ solved: false, rating: null });
    expect(parseSurveyAnswer('It was NOT SOLVED', undefined, english)).toEqual({ solved: false, rating: null });
    expect(parseSurveyAnswer('no, still the same', undefined, english)).toEqual({ solved: false, rating: null });
    expect(parseSurveyAnswer('Nope', undefined, english)).toEqual({ solved: false, rating: null });
    expect(parseSurveyAnswer('5 stars', undefined, english)).toEqual({ solved: true, rating: 5 });
    expect(parseSurveyAnswer('I give it a 4', undefined, english)).toEqual({ solved: true, rating: 4 });
    expect(parseSurveyAnswer('There is another pothole on street 5 and 3', undefined, english)).toBeNull();
    expect(parseSurveyAnswer('hello', undefined, english)).toBeNull();
    // The Spanish pack, the default, knows no English survey words.
    expect(parseSurveyAnswer('not solved')).toBeNull();
  });
});
