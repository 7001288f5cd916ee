import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smsChannel } from '../../../src/channels/sms/index.js';
import { renderSms } from '../../../src/channels/sms/outbound.js';
import { foldToGsm7, smsLength } from '../../../src/channels/sms/segments.js';
import { twilioSignature } from '../../../src/channels/sms/verify.js';
import { type ConfigError, loadConfig } from '../../../src/config.js';
import { cases, conversations, messages } from '../../../src/db/schema.js';
import { DELIVERIES } from '../../../src/server/app.js';
import { createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../../helpers/app.js';
import { databaseKind } from '../../helpers/database.js';
import { startAndroidGateway, startTwilio, type GatewayStandIn, type TwilioStandIn } from '../../helpers/sms-gateways.js';

const ACCOUNT = `AC${'a1'.repeat(16)}`;
const AUTH_TOKEN = 'token-de-prueba-twilio';
const FROM = '+525500000001';
const PUBLIC = 'https://ventanilla.municipio.example';
const CITIZEN = '+525512345678';

describe('SMS configuration', () => {
  it('names the settings a chosen provider is missing, and is off by default', () => {
    expect(loadConfig({}).sms).toBeUndefined();
    const issues = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return (error as ConfigError).issues;
      }
    };
    expect(issues({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: ACCOUNT })).toEqual([
      'TWILIO_AUTH_TOKEN="": obligatorio con SMS_PROVIDER=twilio',
      'TWILIO_FROM="": obligatorio con SMS_PROVIDER=twilio (o TWILIO_MESSAGING_SERVICE_SID)',
    ]);
    expect(issues({ SMS_PROVIDER: 'android-sms-gateway', SMS_GATEWAY_USER: 'sms', SMS_GATEWAY_PASSWORD: 'x' })).toEqual([
      'SMS_GATEWAY_SIGNING_KEY="": obligatorio con SMS_PROVIDER=android-sms-gateway',
    ]);
    expect(issues({ SMS_PROVIDER: 'twilio', TWILIO_ACCOUNT_SID: 'AC123' })[0]).toMatch(/^TWILIO_ACCOUNT_SID=/);
    expect(
      loadConfig({ SMS_PROVIDER: 'android-sms-gateway', SMS_GATEWAY_USER: 'sms', SMS_GATEWAY_PASSWORD: 'x', SMS_GATEWAY_SIGNING_KEY: 'k' })
        .sms,
    ).toMatchObject({
      provider: 'android-sms-gateway',
      url: 'https://api.sms-gate.app/3rdparty/v1',
      citizenNotices: false,
    });
  });
});

describe('SMS length and rendering', () => {
  it("matches Twilio's published signature example", () => {
    const params = new URLSearchParams({
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    });
    expect(twilioSignature('12345', 'https://mycompany.com/myapp.php?foo=1&bar=2', params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
  });

  it('counts GSM-7 and UCS-2 segments, extension characters twice', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, segments: 2 });
    expect(smsLength('€'.repeat(80))).toMatchObject({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(smsLength('ñandú'.repeat(14))).toMatchObject({ encoding: 'ucs2', units: 70, segments: 1 });
    expect(smsLength('😀'.repeat(36))).toMatchObject({ encoding: 'ucs2', units: 72, segments: 2 });
    expect(smsLength('x'.repeat(135) + 'á')).toMatchObject({ encoding: 'ucs2', segments: 3 });
  });

  it('folds Spanish accents into GSM-7 when nothing else keeps the text out, and leaves an emoji alone', () => {
    expect(foldToGsm7('Atención: «sí», número, Ñuñoa, pingüino…')).toBe('Atencion: "si", numero, Ñuñoa, pingüino...');
    expect(foldToGsm7('Gracias 🙏 por avisar')).toBe('Gracias 🙏 por avisar');
  });

  it('renders options as numbered lines the citizen answers with a digit, and a long text as several SMS of at most ten segments', () => {
    const labels = {
      answerWithNumber: 'Responde con el número.',
      answerWith: 'Responde: {options}',
      writeAddress: 'Escribe la dirección.',
      skipHint: '«{skip}»',
    };
    const [text] = renderSms(
      {
        text: '¿Qué quieres hacer?',
        author: 'bot',
        prompt: {
          field: 'menu',
          kind: 'choice',
          optional: false,
          options: [
            { id: 'a', label: 'Reportar' },
            { id: 'b', label: 'Consultar folio' },
          ],
        },
      },
      labels,
    );
    expect(text).toBe('¿Qué quieres hacer?\n1 Reportar\n2 Consultar folio\nResponde con el numero.');
    expect(smsLength(text!)).toMatchObject({ encoding: 'gsm7', segments: 1 });
    const long = renderSms({ text: 'palabra '.repeat(400), author: 'staff' }, labels);
    expect(long.length).toBe(3);
    for (const part of long) expect(smsLength(part).segments).toBeLessThanOrEqual(10);
    expect(long.join(' ').split(' ').length).toBe(400);
  });
});

async function inbound(app: TestApp, phone: string) {
  return app.database.db
    .select({ externalId: messages.externalId, text: messages.text })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.channel, 'sms'), eq(conversations.channelUserId, phone), eq(messages.direction, 'in')));
}

async function outbound(app: TestApp, phone: string) {
  return app.database.db
    .select({ id: messages.id, externalId: messages.externalId, status: messages.deliveryStatus, error: messages.deliveryError })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .where(and(eq(conversations.channel, 'sms'), eq(conversations.channelUserId, phone), eq(messages.direction, 'out')))
    .orderBy(messages.id);
}

describe(`SMS through Twilio on ${databaseKind}`, () => {
  let twilio: TwilioStandIn;
  let app: TestApp;
  beforeAll(async () => {
    twilio = await startTwilio({ accountSid: ACCOUNT, authToken: AUTH_TOKEN });
    app = await createTestApp({
      channels: [smsChannel],
      env: {
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: ACCOUNT,
        TWILIO_AUTH_TOKEN: AUTH_TOKEN,
        TWILIO_FROM: FROM,
        TWILIO_API_ROOT: twilio.url,
        PUBLIC_URL: PUBLIC,
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await twilio?.close();
  });

  const post = (path: string, params: Record<string, string>, signature: string | null = twilio.sign(`${PUBLIC}${path}`, params)) =>
    app.app.inject({
      method: 'POST',
      url: path,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature === null ? {} : { 'x-twilio-signature': signature }) },
      payload: new URLSearchParams(params).toString(),
    });
  const sms = (sid: string, body: string, from = '+52 55 1234 5678') => ({
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: ACCOUNT,
    From: from,
    To: FROM,
    Body: body,
    NumMedia: '0',
    NumSegments: '1',
  });

  it('takes a signed SMS into the dialog, answers through the Messages API, and stores a retried one once', async () => {
    const first = await post('/webhooks/sms/twilio', sms('SM00000000000000000000000000000001', 'Hola'));
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toMatch(/^text\/xml/);
    expect(first.body).toContain('<Response></Response>');
    const again = await post('/webhooks/sms/twilio', sms('SM00000000000000000000000000000001', 'Hola'));
    expect(again.statusCode).toBe(200);
    expect(await inbound(app, CITIZEN)).toEqual([{ externalId: 'SM00000000000000000000000000000001', text: 'Hola' }]);

    await app.queue.runDue(DELIVERIES);
    const replies = twilio.sent.filter((m) => m.To === CITIZEN);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies[0]).toMatchObject({ From: FROM, StatusCallback: `${PUBLIC}/webhooks/sms/twilio/status` });
    for (const reply of replies) expect(smsLength(reply.Body).segments).toBeLessThanOrEqual(10);
    const stored = await outbound(app, CITIZEN);
    expect(stored.map((m) => m.externalId)).toEqual(replies.map((m) => m.sid));
  });

  it('takes a citizen to a folio by SMS, a menu answered with its number', async () => {
    const phone = '+525566667777';
    const say = async (n: number, body: string) => {
      const before = twilio.sent.length;
      expect((await post('/webhooks/sms/twilio', sms(`SM${String(n).padStart(32, '7')}`, body, phone))).statusCode).toBe(200);
      await app.queue.runDue(DELIVERIES);
      return twilio.sent
        .slice(before)
        .filter((m) => m.To === phone)
        .map((m) => m.Body)
        .join('\n');
    };
    const menu = await say(1, 'quiero comentarles algo del parque');
    expect(menu).toMatch(/^4 Sugerencia$/m);
    expect(menu).toContain('Responda con el numero.');
    expect(await say(2, '4')).toMatch(/nombre/);
    await say(3, 'Juan Pérez');
    await say(4, 'omitir');
    const done = await say(5, 'si');
    const folio = /AC-\d{4}-\d{6}/.exec(done)?.[0];
    expect(folio).toBeDefined();
    const [opened] = await app.database.db.select().from(cases).where(eq(cases.folio, folio!));
    expect(opened).toMatchObject({ type: 'sugerencia', channel: 'sms' });
  });

  it('stores an SMS carrying characters PostgreSQL refuses, without them', async () => {
    const res = await post('/webhooks/sms/twilio', sms('SM00000000000000000000000000000003', 'Hola\u0000 de nuevo', '+525544443333'));
    expect(res.statusCode).toBe(200);
    expect(await inbound(app, '+525544443333')).toEqual([{ externalId: 'SM00000000000000000000000000000003', text: 'Hola de nuevo' }]);
    await app.queue.runDue(DELIVERIES);
  });

  it('refuses a forged, a missing and a replayed-elsewhere signature with 403 and stores nothing', async () => {
    const params = sms('SM00000000000000000000000000000099', 'falso', '+525599999999');
    expect((await post('/webhooks/sms/twilio', params, 'bm90LWEtc2lnbmF0dXJl')).statusCode).toBe(403);
    expect((await post('/webhooks/sms/twilio', params, null)).statusCode).toBe(403);
    // Signed for another URL: a signature is only good for the address Twilio called.
    expect((await post('/webhooks/sms/twilio', params, twilio.sign(`${PUBLIC}/otra`, params))).statusCode).toBe(403);
    // The body changed after signing.
    expect(
      (await post('/webhooks/sms/twilio', { ...params, Body: 'otro' }, twilio.sign(`${PUBLIC}/webhooks/sms/twilio`, params))).statusCode,
    ).toBe(403);
    expect(await inbound(app, '+525599999999')).toEqual([]);
  });

  it("records Twilio's StatusCallback on the message, never backwards, and refuses a forged one", async () => {
    const [message] = await outbound(app, CITIZEN);
    const status = (s: string, extra: Record<string, string> = {}) => ({
      MessageSid: message!.externalId!,
      MessageStatus: s,
      AccountSid: ACCOUNT,
      To: CITIZEN,
      From: FROM,
      ...extra,
    });
    expect((await post('/webhooks/sms/twilio/status', status('delivered'), 'Zm9yZ2Vk')).statusCode).toBe(403);
    expect((await outbound(app, CITIZEN))[0]!.status).toBe(null);
    expect((await post('/webhooks/sms/twilio/status', status('sent'))).statusCode).toBe(204);
    expect((await outbound(app, CITIZEN))[0]!.status).toBe('sent');
    expect((await post('/webhooks/sms/twilio/status', status('delivered'))).statusCode).toBe(204);
    await post('/webhooks/sms/twilio/status', status('sent'));
    expect((await outbound(app, CITIZEN))[0]!.status).toBe('delivered');
  });

  it('keeps a refused number as a failed delivery, not retried', async () => {
    twilio.failNext({ status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    await post('/webhooks/sms/twilio', sms('SM00000000000000000000000000000002', 'Hola', '+525587654321'));
    await app.queue.runDue(DELIVERIES);
    const [failed] = await outbound(app, '+525587654321');
    expect(failed).toMatchObject({ status: 'failed', externalId: null });
    expect(failed!.error).toContain('21211');
    const sentBefore = twilio.sent.length;
    await app.queue.runDue(DELIVERIES);
    expect(twilio.sent.length).toBe(sentBefore);
  });
});

describe(`SMS through the Android SMS gateway on ${databaseKind}`, () => {
  const SIGNING_KEY = 'clave-de-firma-del-telefono';
  let gateway: GatewayStandIn;
  let app: TestApp;
  const clock = { now: OFFICE_HOURS_NOW };
  beforeAll(async () => {
    gateway = await startAndroidGateway({ user: 'sms', password: 'contraseña-del-gateway', signingKey: SIGNING_KEY });
    app = await createTestApp({
      channels: [smsChannel],
      now: () => clock.now,
      env: {
        SMS_PROVIDER: 'android-sms-gateway',
        SMS_GATEWAY_URL: gateway.url,
        SMS_GATEWAY_USER: 'sms',
        SMS_GATEWAY_PASSWORD: 'contraseña-del-gateway',
        SMS_GATEWAY_SIGNING_KEY: SIGNING_KEY,
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await gateway?.close();
  });

  const deliver = (hook: { body: string; headers: Record<string, string> }, headers: Record<string, string> = {}) =>
    app.app.inject({
      method: 'POST',
      url: '/webhooks/sms/android-sms-gateway',
      headers: { ...hook.headers, ...headers },
      payload: hook.body,
    });

  it('takes a signed sms:received into the dialog, answers through POST /messages, and stores a retried event once', async () => {
    // The phone reports the sender as the network gave it, without the country code.
    const hook = gateway.webhook(
      'sms:received',
      { messageId: 'abc123', message: 'Hola', phoneNumber: '5512345678', simNumber: 1, receivedAt: '2026-03-10T10:00:00.000-06:00' },
      clock.now,
      'evt-1',
    );
    expect((await deliver(hook)).statusCode).toBe(200);
    expect((await deliver(hook)).statusCode).toBe(200);
    expect(await inbound(app, CITIZEN)).toEqual([{ externalId: 'evt-1', text: 'Hola' }]);
    await app.queue.runDue(DELIVERIES);
    const replies = gateway.sent.filter((m) => m.phoneNumbers[0] === CITIZEN);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies[0]).toMatchObject({ withDeliveryReport: true });
    expect((await outbound(app, CITIZEN)).map((m) => m.externalId)).toEqual(replies.map((m) => m.id));
  });

  it('refuses a forged, a missing and a stale signature with 403', async () => {
    const hook = gateway.webhook('sms:received', { messageId: 'x', message: 'falso', phoneNumber: '+525599999999' }, clock.now);
    expect((await deliver(hook, { 'x-signature': 'a'.repeat(64) })).statusCode).toBe(403);
    expect(
      (
        await app.app.inject({
          method: 'POST',
          url: '/webhooks/sms/android-sms-gateway',
          headers: { 'content-type': 'application/json' },
          payload: hook.body,
        })
      ).statusCode,
    ).toBe(403);
    const stale = gateway.webhook(
      'sms:received',
      { messageId: 'y', message: 'viejo', phoneNumber: '+525599999999' },
      new Date(clock.now.getTime() - 10 * 60_000),
    );
    expect((await deliver(stale)).statusCode).toBe(403);
    expect(await inbound(app, '+525599999999')).toEqual([]);
  });

  it('records sms:delivered and sms:failed under the id Ventanilla gave the message', async () => {
    const [first] = await outbound(app, CITIZEN);
    expect(first!.externalId).toMatch(/^v\d+-1$/);
    await deliver(
      gateway.webhook(
        'sms:sent',
        { messageId: first!.externalId, phoneNumber: CITIZEN, sentAt: '2026-03-10T10:00:01.000-06:00' },
        clock.now,
      ),
    );
    await deliver(
      gateway.webhook(
        'sms:delivered',
        { messageId: first!.externalId, phoneNumber: CITIZEN, deliveredAt: '2026-03-10T10:00:05.000-06:00' },
        clock.now,
      ),
    );
    expect((await outbound(app, CITIZEN))[0]).toMatchObject({ status: 'delivered', error: null });

    const other = gateway.webhook('sms:received', { messageId: 'm2', message: 'Hola', phoneNumber: '+525587654321' }, clock.now, 'evt-2');
    await deliver(other);
    await app.queue.runDue(DELIVERIES);
    const [second] = await outbound(app, '+525587654321');
    await deliver(
      gateway.webhook(
        'sms:failed',
        {
          messageId: second!.externalId,
          phoneNumber: '+525587654321',
          failedAt: '2026-03-10T10:01:00.000-06:00',
          reason: 'RESULT_ERROR_NO_SERVICE',
        },
        clock.now,
      ),
    );
    expect((await outbound(app, '+525587654321'))[0]).toMatchObject({ status: 'failed', error: 'SMS gateway: RESULT_ERROR_NO_SERVICE' });
  });
});
