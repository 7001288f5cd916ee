import { createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Stand-ins for the two SMS providers on 127.0.0.1, speaking their wire formats: Twilio's
 * Messages API (form-encoded, HTTP Basic with the Account SID and auth token, JSON answers and
 * errors) and the Android SMS gateway's `POST /3rdparty/v1/messages` (JSON, HTTP Basic). Each
 * also signs webhooks the way its provider does, written here from the providers' documents and
 * not from Ventanilla's code, so a wrong algorithm there fails the tests.
 */

export interface TwilioSent {
  To: string;
  From: string | null;
  MessagingServiceSid: string | null;
  Body: string;
  StatusCallback: string | null;
  sid: string;
}

export async function startTwilio(options: { accountSid: string; authToken: string }) {
  const sent: TwilioSent[] = [];
  const failures: Array<{ status: number; code: number; message: string }> = [];
  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => json(response, 500, { message: String(error) }));
  });
  const expectedAuth = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString('base64')}`;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (request.headers.authorization !== expectedAuth) {
      return json(response, 401, {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
    }
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    // Fetch an Account (https://www.twilio.com/docs/iam/api/account#fetch-an-account-resource): what `ventanilla doctor` asks.
    if (request.method === 'GET' && path === `/2010-04-01/Accounts/${options.accountSid}.json`) {
      return json(response, 200, {
        sid: options.accountSid,
        friendly_name: 'Municipio de Prueba',
        status: 'active',
        type: 'Full',
        uri: `/2010-04-01/Accounts/${options.accountSid}.json`,
      });
    }
    if (request.method !== 'POST' || path !== `/2010-04-01/Accounts/${options.accountSid}/Messages.json`) {
      return json(response, 404, { code: 20404, message: 'The requested resource was not found', status: 404 });
    }
    if (!String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')) {
      return json(response, 415, { code: 20415, message: 'Unsupported media type', status: 415 });
    }
    const form = new URLSearchParams(await readBody(request));
    const to = form.get('To');
    const body = form.get('Body');
    if (!to || !body) return json(response, 400, { code: 21604, message: "A 'To' phone number is required.", status: 400 });
    if (!form.get('From') && !form.get('MessagingServiceSid'))
      return json(response, 400, { code: 21603, message: "A 'From' phone number is required.", status: 400 });
    const failure = failures.shift();
    if (failure) return json(response, failure.status, { ...failure, more_info: `https://www.twilio.com/docs/errors/${failure.code}` });
    const sid = `SM${randomBytes(16).toString('hex')}`;
    sent.push({
      To: to,
      From: form.get('From'),
      MessagingServiceSid: form.get('MessagingServiceSid'),
      Body: body,
      StatusCallback: form.get('StatusCallback'),
      sid,
    });
    return json(response, 201, {
      account_sid: options.accountSid,
      sid,
      to,
      from: form.get('From'),
      body,
      status: 'queued',
      num_segments: '1',
      direction: 'outbound-api',
      api_version: '2010-04-01',
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sent,
    failNext(...errors: Array<{ status: number; code: number; message: string }>) {
      failures.push(...errors);
    },
    /** Twilio's X-Twilio-Signature: base64 HMAC-SHA1 (auth token) of the URL, then each parameter name and value, sorted by name. */
    sign(url: string, params: Record<string, string>): string {
      const data = Object.keys(params)
        .sort()
        .reduce((acc, key) => acc + key + params[key], url);
      return createHmac('sha1', options.authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type TwilioStandIn = Awaited<ReturnType<typeof startTwilio>>;

export interface GatewaySent {
  id: string | undefined;
  textMessage: { text: string };
  phoneNumbers: string[];
  withDeliveryReport?: boolean;
}

export async function startAndroidGateway(options: { user: string; password: string; signingKey: string }) {
  const sent: GatewaySent[] = [];
  const failures: number[] = [];
  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => json(response, 500, { message: String(error) }));
  });
  const expectedAuth = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (request.headers.authorization !== expectedAuth) return json(response, 401, { message: 'Unauthorized' });
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (request.method !== 'POST' || path !== '/3rdparty/v1/messages') return json(response, 404, { message: 'Not Found' });
    const body = JSON.parse(await readBody(request)) as GatewaySent & { message?: string };
    if (!Array.isArray(body.phoneNumbers) || body.phoneNumbers.length === 0 || !body.textMessage?.text)
      return json(response, 400, { message: 'phoneNumbers and textMessage are required' });
    const failure = failures.shift();
    if (failure) return json(response, failure, { message: 'Service Unavailable' });
    if (body.id && sent.some((m) => m.id === body.id)) return json(response, 409, { message: 'message with this id already exists' });
    const id = body.id ?? randomBytes(10).toString('base64url');
    sent.push({ ...body, id });
    return json(response, 202, {
      id,
      state: 'Pending',
      isHashed: false,
      isEncrypted: false,
      recipients: body.phoneNumbers.map((phoneNumber) => ({ phoneNumber, state: 'Pending' })),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    /** What SMS_GATEWAY_URL is set to (a private server's API root). */
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/3rdparty/v1`,
    sent,
    failNext(...statuses: number[]) {
      failures.push(...statuses);
    },
    /** A webhook as the app sends it: the event envelope, and X-Signature = hex HMAC-SHA256 (signing key) of the raw body followed by X-Timestamp. */
    webhook(event: string, payload: Record<string, unknown>, at: Date, id = randomBytes(10).toString('base64url')) {
      const body = JSON.stringify({ deviceId: 'ffffffffceb0b1db0000018e937c815b', event, id, payload, webhookId: 'wh-1' });
      const timestamp = String(Math.floor(at.getTime() / 1000));
      const signature = createHmac('sha256', options.signingKey)
        .update(body + timestamp)
        .digest('hex');
      return { body, headers: { 'content-type': 'application/json', 'x-signature': signature, 'x-timestamp': timestamp } };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type GatewayStandIn = Awaited<ReturnType<typeof startAndroidGateway>>;

function json(response: ServerResponse, status: number, body: unknown) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
