import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, staffUsers } from '../../src/db/schema.js';
import { ADMIN, createTestApp, type TestApp } from '../helpers/app.js';

/** Every view or export of citizens' personal data leaves one audit line: who, what, from where. */

let app: TestApp;
let token: string;
let adminId: number;
let caseId: number;
let folio: string;
let waitingConversationId: string;
const STAFF_IP = '198.51.100.77';

const get = (url: string) => app.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` }, remoteAddress: STAFF_IP });

async function chat(texts: string[]): Promise<string> {
  const opened = await app.app.inject({ method: 'POST', url: '/api/webchat/conversations', payload: {} });
  const { conversationId, token: chatToken } = opened.json() as { conversationId: string; token: string };
  for (const [n, text] of texts.entries()) {
    const res = await app.app.inject({
      method: 'POST',
      url: `/api/webchat/conversations/${conversationId}/messages`,
      headers: { authorization: `Bearer ${chatToken}` },
      payload: { clientMessageId: `audit-${conversationId}-${n}`, text },
    });
    expect(res.statusCode).toBe(200);
  }
  return conversationId;
}

beforeAll(async () => {
  app = await createTestApp();
  token = (await app.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN })).json().token;
  const [admin] = await app.database.db.select({ id: staffUsers.id }).from(staffUsers).where(eq(staffUsers.email, ADMIN.email));
  adminId = admin!.id;
  await chat(['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'Juan Pérez 5512345678', 'omitir', 'sí']);
  waitingConversationId = await chat(['quiero hablar con una persona']);
  const [first] = (await get('/api/staff/tray')).json().cases as Array<{ id: number; folio: string }>;
  caseId = first!.id;
  folio = first!.folio;
  const asked = await app.app.inject({
    method: 'POST',
    url: `/api/staff/cases/${caseId}/callbacks`,
    headers: { authorization: `Bearer ${token}` },
    payload: { reason: 'Pidió que le llamen' },
  });
  expect(asked.statusCode).toBe(200);
});
afterAll(async () => app?.close());

const linesOf = (action: string) =>
  app.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.staffUserId, adminId)));

describe('audit log of personal data views', () => {
  const routes: Array<{ what: string; url: () => string; action: string; subject: () => { type: string; includes: string } }> = [
    {
      what: 'the work tray',
      url: () => '/api/staff/tray',
      action: 'tray.viewed',
      subject: () => ({ type: 'case', includes: String(caseId) }),
    },
    {
      what: 'a case page',
      url: () => `/api/staff/cases/${caseId}`,
      action: 'case.viewed',
      subject: () => ({ type: 'case', includes: String(caseId) }),
    },
    {
      what: 'a case by folio (scripts)',
      url: () => `/api/cases?folio=${folio}`,
      action: 'cases.listed',
      subject: () => ({ type: 'case', includes: String(caseId) }),
    },
    {
      what: 'a case detail (scripts)',
      url: () => `/api/cases/${caseId}`,
      action: 'case.viewed',
      subject: () => ({ type: 'case', includes: String(caseId) }),
    },
    {
      what: 'the call-back lists',
      url: () => '/api/staff/callbacks',
      action: 'callbacks.viewed',
      subject: () => ({ type: 'case', includes: String(caseId) }),
    },
    {
      what: 'the conversations inbox',
      url: () => '/api/staff/conversations',
      action: 'inbox.viewed',
      subject: () => ({ type: 'conversation', includes: waitingConversationId }),
    },
    {
      what: 'a conversation transcript',
      url: () => `/api/staff/conversations/${waitingConversationId}`,
      action: 'conversation.viewed',
      subject: () => ({ type: 'conversation', includes: waitingConversationId }),
    },
    {
      what: 'the labelled examples (citizens’ words)',
      url: () => '/api/understanding/examples',
      action: 'examples.viewed',
      subject: () => ({ type: 'labelled_example', includes: '' }),
    },
    {
      what: 'the export of labelled examples',
      url: () => '/api/understanding/examples.csv?field=type',
      action: 'examples.exported',
      subject: () => ({ type: 'labelled_example', includes: 'type' }),
    },
  ];

  for (const route of routes) {
    it(`writes one line when staff view ${route.what}`, async () => {
      const before = await linesOf(route.action);
      const res = await get(route.url());
      expect(res.statusCode).toBe(200);
      const after = await linesOf(route.action);
      expect(after.length).toBe(before.length + 1);
      const line = after.find((l) => !before.some((b) => b.id === l.id))!;
      expect(line).toMatchObject({ subjectType: route.subject().type, ip: STAFF_IP });
      expect(line.subjectId).toContain(route.subject().includes);
    });
  }

  it('writes nothing for a refused view', async () => {
    const before = await linesOf('conversation.viewed');
    expect((await get('/api/staff/conversations/00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
    expect((await linesOf('conversation.viewed')).length).toBe(before.length);
  });
});
