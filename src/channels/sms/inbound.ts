import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { DeliveryStatusReport } from '../../messages/delivery.js';
import type { InboundMessageInput } from '../../messages/inbound.js';
import { toE164 } from '../../messages/phone-number.js';
import { storableText } from '../../messages/storable-text.js';

/**
 * SMS payloads → the pipeline's shapes, pure. Both providers give the citizen's number, which
 * is the conversation: one SMS thread per phone, as on the phone itself.
 */

function smsFrom(phone: string, externalId: string, text: string, receivedAt: Date): InboundMessageInput {
  return {
    channel: 'sms',
    channelUserId: phone,
    conversationKey: phone,
    externalId,
    text: storableText(text).slice(0, 4000),
    senderPhone: phone,
    receivedAt,
  };
}

/** Twilio's incoming-message webhook (form fields MessageSid, From, To, Body…); null when it is not one. */
export function twilioInbound(params: URLSearchParams, region: CountryCode, receivedAt: Date): InboundMessageInput | null {
  const sid = params.get('MessageSid') ?? params.get('SmsSid');
  const from = toE164(params.get('From'), region);
  if (!sid || !from) return null;
  return smsFrom(from, sid, params.get('Body') ?? '', receivedAt);
}

/** Twilio's MessageStatus values that say something about arrival; queued, sending and accepted do not. */
const TWILIO_STATUSES: Record<string, DeliveryStatusReport['status']> = {
  sent: 'sent',
  delivered: 'delivered',
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
};

/** Twilio's StatusCallback; null for the statuses that change nothing. */
export function twilioStatus(params: URLSearchParams, at: Date): DeliveryStatusReport | null {
  const sid = params.get('MessageSid');
  const status = TWILIO_STATUSES[params.get('MessageStatus') ?? ''];
  if (!sid || !status) return null;
  const code = params.get('ErrorCode');
  return {
    channel: 'sms',
    externalId: sid,
    status,
    at,
    ...(status === 'failed' ? { error: `Twilio ${code ? `error ${code}` : 'failed'}` } : {}),
  };
}

const GatewayEvent = z.object({
  /** The event's own id: the same on every retry of one delivery, unlike `messageId` of a received SMS (a hash of its content). */
  id: z.string().min(1).max(200),
  event: z.string(),
  payload: z.record(z.string(), z.unknown()),
});

export type GatewayWebhook =
  | { kind: 'message'; inbound: InboundMessageInput }
  | { kind: 'status'; report: DeliveryStatusReport }
  | { kind: 'ignored'; event: string }
  | { kind: 'unreadable'; issue: string };

const GATEWAY_STATUSES: Record<string, DeliveryStatusReport['status'] | undefined> = {
  'sms:sent': 'sent',
  'sms:delivered': 'delivered',
  'sms:failed': 'failed',
};

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

/** One webhook of the Android SMS gateway (`sms:received`, `sms:sent`, `sms:delivered`, `sms:failed`…). */
export function gatewayWebhook(json: unknown, region: CountryCode, at: Date): GatewayWebhook {
  const parsed = GatewayEvent.safeParse(json);
  if (!parsed.success) return { kind: 'unreadable', issue: parsed.error.issues[0]?.message ?? 'not an event' };
  const { id, event, payload } = parsed.data;
  if (event === 'sms:received') {
    const from = toE164(text(payload.phoneNumber), region);
    if (!from) return { kind: 'unreadable', issue: 'sms:received without a readable phoneNumber' };
    return { kind: 'message', inbound: smsFrom(from, id, text(payload.message) ?? '', at) };
  }
  const status = GATEWAY_STATUSES[event];
  const messageId = text(payload.messageId);
  if (!status) return { kind: 'ignored', event };
  if (!messageId) return { kind: 'unreadable', issue: `${event} without messageId` };
  return {
    kind: 'status',
    report: {
      channel: 'sms',
      externalId: messageId,
      status,
      at,
      ...(status === 'failed' ? { error: `SMS gateway: ${text(payload.reason) ?? 'failed'}`.slice(0, 500) } : {}),
    },
  };
}
