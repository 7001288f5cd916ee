import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { SmsConfig } from '../../config.js';
import { Forbidden, InvalidInput } from '../../errors.js';
import { t } from '../../i18n/index.js';
import { DeliveryFailed, DeliveryRefused, type ChannelSender, type DeliveryStatusReport } from '../../messages/delivery.js';
import { InboundMessage, type InboundMessageInput } from '../../messages/inbound.js';
import { storableStrings, storableText } from '../../messages/storable-text.js';
import type { ChannelContext, ChannelFactory, ChannelModule } from '../channel.js';
import { gatewayProvider, SmsApiError, SmsNetworkError, twilioProvider, type SmsProvider } from './client.js';
import { gatewayWebhook, twilioInbound, twilioStatus } from './inbound.js';
import { renderSms, type SmsLabels } from './outbound.js';
import { smsLength } from './segments.js';
import { hasValidGatewaySignature, hasValidTwilioSignature } from './verify.js';

const WEBHOOK_BODY_LIMIT = 64 * 1024;
export const TWILIO_INBOUND_PATH = '/webhooks/sms/twilio';
export const TWILIO_STATUS_PATH = '/webhooks/sms/twilio/status';
export const GATEWAY_WEBHOOK_PATH = '/webhooks/sms/android-sms-gateway';

/**
 * SMS, through the gateway SMS_PROVIDER names: Twilio's Messages API or the self-hosted Android
 * SMS gateway. Either way the channel is `sms`, one conversation per phone number, the same
 * dialog as every other channel; this module only maps payloads and checks signatures.
 */
export const smsChannel: ChannelFactory = (context) => {
  const settings = context.config.sms;
  if (!settings) return null;
  return createSmsChannel(context, settings);
};

function createSmsChannel(context: ChannelContext, settings: SmsConfig): ChannelModule {
  const { config, conversations, deliveries, now } = context;
  const log = context.logger.child({ channel: 'sms', provider: settings.provider });
  const labels: SmsLabels = {
    answerWithNumber: t(config.locale, 'sms.answer_with_number'),
    answerWith: t(config.locale, 'sms.answer_with'),
    writeAddress: t(config.locale, 'sms.write_address'),
    skipHint: t(config.locale, 'sms.skip_hint'),
  };
  const provider: SmsProvider =
    settings.provider === 'twilio'
      ? twilioProvider({
          apiRoot: settings.apiRoot,
          accountSid: settings.accountSid,
          authToken: settings.authToken,
          from: settings.from,
          messagingServiceSid: settings.messagingServiceSid,
          // Twilio needs a public address to report to; without PUBLIC_URL there is none to give.
          statusCallback: config.publicUrl ? `${config.publicUrl}${TWILIO_STATUS_PATH}` : undefined,
        })
      : gatewayProvider({ url: settings.url, user: settings.user, password: settings.password });

  const sender: ChannelSender = {
    async send(delivery) {
      const parts = renderSms(delivery.message, labels);
      let externalId = '';
      try {
        for (const [index, part] of parts.entries()) {
          const length = smsLength(part);
          log.debug({ messageId: delivery.messageId, part: index + 1, ...length }, 'SMS handed to the provider');
          externalId = await provider.send(delivery.channelUserId, part, `v${delivery.messageId}-${index + 1}`);
        }
      } catch (error) {
        throw classify(error);
      }
      // The SMS is out: failing to note its id early must not make the outbox send it twice.
      await deliveries.markSent('sms', delivery.messageId, externalId).catch(() => undefined);
      return { externalId };
    },
  };

  async function store(inbound: InboundMessageInput, log: FastifyBaseLogger): Promise<void> {
    const parsed = InboundMessage.safeParse(inbound);
    if (!parsed.success) {
      log.error({ externalId: inbound.externalId, issues: parsed.error.issues.slice(0, 3) }, 'SMS could not be mapped; skipped');
      return;
    }
    // Stored before the webhook is answered: a failure here is a 500, and the provider sends it again.
    const result = await conversations.receive(parsed.data);
    if (result.duplicate) log.info({ externalId: inbound.externalId }, 'SMS delivered again; already stored');
  }

  async function report(status: DeliveryStatusReport): Promise<void> {
    const changed = await deliveries.report(status);
    if (status.status === 'failed') log.warn({ externalId: status.externalId, error: status.error }, 'an outbound SMS failed');
    if (!changed) log.debug({ externalId: status.externalId, status: status.status }, 'SMS status held or older than the one recorded');
  }

  async function twilioRoutes(app: FastifyInstance, authToken: string): Promise<void> {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

    /** The URL Twilio called, as it signed it: PUBLIC_URL when behind a proxy, else what reached us. */
    const calledUrl = (request: FastifyRequest) => `${config.publicUrl ?? `${request.protocol}://${request.host}`}${request.url}`;
    const signedParams = (request: FastifyRequest) => {
      const params = new URLSearchParams(typeof request.body === 'string' ? request.body : '');
      if (!hasValidTwilioSignature(request.headers['x-twilio-signature'], authToken, calledUrl(request), params)) {
        log.warn(
          { ip: request.ip, signed: request.headers['x-twilio-signature'] !== undefined },
          'Twilio webhook with a missing or wrong signature refused',
        );
        throw new Forbidden();
      }
      // Made storable once, here, after the check (the signature covers the bytes as sent): a NUL must not make PostgreSQL refuse the SMS.
      return new URLSearchParams([...params].map(([name, value]): [string, string] => [storableText(name), storableText(value)]));
    };

    app.post(TWILIO_INBOUND_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const params = signedParams(request);
      const inbound = twilioInbound(params, config.phoneRegion, now());
      if (inbound) await store(inbound, log);
      else log.error({ fields: [...params.keys()] }, 'Twilio webhook is not an incoming SMS; acknowledged and skipped');
      // Replies go through the outbox like every channel's, so the TwiML answer says nothing.
      return reply.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
    });

    app.post(TWILIO_STATUS_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const status = twilioStatus(signedParams(request), now());
      if (status) await report(status);
      return reply.status(204).send();
    });
  }

  async function gatewayRoutes(app: FastifyInstance, signingKey: string): Promise<void> {
    // The signature covers the exact bytes sent, so they stay raw until checked.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

    app.post(GATEWAY_WEBHOOK_PATH, { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!hasValidGatewaySignature(request.headers['x-signature'], request.headers['x-timestamp'], signingKey, raw, now())) {
        log.warn(
          { ip: request.ip, signed: request.headers['x-signature'] !== undefined },
          'SMS gateway webhook with a missing, stale or wrong signature refused',
        );
        throw new Forbidden();
      }
      let json: unknown;
      try {
        json = storableStrings(JSON.parse(raw.toString('utf8')));
      } catch {
        throw new InvalidInput('error.invalid_json');
      }
      const webhook = gatewayWebhook(json, config.phoneRegion, now());
      if (webhook.kind === 'message') await store(webhook.inbound, log);
      else if (webhook.kind === 'status') await report(webhook.report);
      // Signed, so it is the gateway's: an error answer would only bring the same payload back for two days.
      else if (webhook.kind === 'unreadable')
        log.error({ issue: webhook.issue }, 'SMS gateway webhook not understood; acknowledged and skipped');
      return reply.status(200).send({ ok: true });
    });
  }

  return {
    name: 'sms',
    sender,
    routes: (app) => (settings.provider === 'twilio' ? twilioRoutes(app, settings.authToken) : gatewayRoutes(app, settings.signingKey)),
  };
}

/** Refusals (a number that cannot take SMS, a blocked sender) are final; credentials, throttling, outages and the network are retried. */
function classify(error: unknown): Error {
  if (error instanceof DeliveryRefused || error instanceof DeliveryFailed) return error;
  if (error instanceof SmsNetworkError) return new DeliveryFailed(error.message);
  if (error instanceof SmsApiError) {
    const transient = error.httpStatus === 401 || error.httpStatus === 429 || error.httpStatus >= 500 || error.code === 20429;
    return transient ? new DeliveryFailed(error.message, error.retryAfterMs) : new DeliveryRefused(error.message);
  }
  return new DeliveryFailed(String((error as Error)?.message ?? error));
}
