/** The SMS provider answered with an error: it said no (or, for 401/429/5xx, not now). */
export class SmsApiError extends Error {
  override name = 'SmsApiError';
  constructor(
    readonly httpStatus: number,
    readonly code: number | undefined,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** The request never got an answer (DNS, refused connection, timeout). */
export class SmsNetworkError extends Error {
  override name = 'SmsNetworkError';
}

/** What both providers do for Ventanilla: hand one SMS over and say under which id they will report on it. */
export interface SmsProvider {
  /** `reference` is stable across retries of one message. Returns the provider's id of the message. */
  send(to: string, text: string, reference: string): Promise<string>;
}

const TIMEOUT_MS = 15_000;

async function request(url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    const err = error as Error & { cause?: { code?: string; message?: string } };
    throw new SmsNetworkError(`${what} unreachable: ${err.cause?.code ?? err.cause?.message ?? err.message}`);
  }
}

function retryAfter(response: Response): number | undefined {
  const seconds = Number(response.headers.get('retry-after'));
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export interface TwilioOptions {
  apiRoot: string;
  accountSid: string;
  authToken: string;
  from: string | undefined;
  messagingServiceSid: string | undefined;
  /** Where Twilio reports each message's status. */
  statusCallback: string | undefined;
}

/** Twilio's Messages API: POST /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded, HTTP Basic. */
export function twilioProvider(options: TwilioOptions): SmsProvider {
  const url = `${options.apiRoot}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  return {
    async send(to, text) {
      const form = new URLSearchParams({ To: to, Body: text });
      // A Messaging Service picks the sender itself (and handles opt-outs): preferred when set.
      if (options.messagingServiceSid) form.set('MessagingServiceSid', options.messagingServiceSid);
      else form.set('From', options.from!);
      if (options.statusCallback) form.set('StatusCallback', options.statusCallback);
      const response = await request(
        url,
        {
          method: 'POST',
          headers: { authorization: basic(options.accountSid, options.authToken), 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        },
        'Twilio',
      );
      const json = (await response.json().catch(() => null)) as { sid?: string; code?: number; message?: string } | null;
      if (!response.ok) {
        throw new SmsApiError(
          response.status,
          json?.code,
          `Twilio ${response.status}${json?.code ? ` (code ${json.code})` : ''}: ${json?.message ?? response.statusText}`,
          retryAfter(response),
        );
      }
      if (!json?.sid) throw new SmsApiError(response.status, undefined, 'Twilio accepted the message but returned no sid');
      return json.sid;
    },
  };
}

export interface GatewayOptions {
  url: string;
  user: string;
  password: string;
}

/**
 * The Android SMS gateway (capcom6/android-sms-gateway): POST {url}/messages with JSON
 * `{ id, textMessage: { text }, phoneNumbers }`, HTTP Basic. Our own id goes with it, so its
 * webhooks report under the id we already know, and a retried send is the same message.
 */
export function gatewayProvider(options: GatewayOptions): SmsProvider {
  return {
    async send(to, text, reference) {
      const id = reference.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 36);
      const response = await request(
        `${options.url}/messages`,
        {
          method: 'POST',
          headers: { authorization: basic(options.user, options.password), 'content-type': 'application/json' },
          body: JSON.stringify({ id, textMessage: { text }, phoneNumbers: [to], withDeliveryReport: true }),
        },
        'SMS gateway',
      );
      // The id is already queued there: an earlier attempt got through and only its answer was lost.
      if (response.status === 409) return id;
      const json = (await response.json().catch(() => null)) as { id?: string; message?: string } | null;
      if (!response.ok) {
        throw new SmsApiError(
          response.status,
          undefined,
          `SMS gateway ${response.status}: ${json?.message ?? response.statusText}`,
          retryAfter(response),
        );
      }
      return json?.id ?? id;
    },
  };
}
