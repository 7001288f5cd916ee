import type { FastifyInstance } from 'fastify';
import { InvalidInput, Unauthorized } from '../../errors.js';
import { InboundMessage } from '../../messages/inbound.js';
import { storableStrings } from '../../messages/storable-text.js';
import { t } from '../../i18n/index.js';
import type { ChannelContext, ChannelModule } from '../channel.js';
import { GraphApiError, GraphClient, MediaTooLarge } from './client.js';
import { createCloudSender } from './cloud-sender.js';
import { cloudMessageToInbound, cloudStatusToReport, mediaOf, readWebhook, type CloudMessage, type DownloadedMedia } from './inbound.js';
import type { RenderLabels } from './outbound.js';
import { handshakeChallenge, hasValidSignature } from './verify.js';

/** Meta's payloads are small; a megabyte leaves room for a bundle of many messages and statuses. */
const WEBHOOK_BODY_LIMIT = 1024 * 1024;

function isPermanentMediaError(error: GraphApiError): boolean {
  return error.httpStatus >= 400 && error.httpStatus < 500 && error.httpStatus !== 401 && error.httpStatus !== 429 && error.code !== 190;
}

export interface CloudCredentials {
  verifyToken: string;
  appSecret: string;
  accessToken: string;
  phoneNumberId: string;
}

/** The official WhatsApp Business Cloud API: Meta calls our webhook, we call the Graph API. */
export function createCloudChannel(context: ChannelContext, credentials: CloudCredentials): ChannelModule {
  const { config, conversations, deliveries, logger, now } = context;
  const log = logger.child({ channel: 'whatsapp', mode: 'cloud' });
  const client = new GraphClient({
    graphRoot: config.whatsapp.graphRoot,
    graphVersion: config.whatsapp.graphVersion,
    phoneNumberId: credentials.phoneNumberId,
    accessToken: credentials.accessToken,
  });
  const labels: RenderLabels = {
    listButton: t(config.locale, 'whatsapp.list_button'),
    chooseOption: t(config.locale, 'whatsapp.choose_option'),
    answerWithNumber: t(config.locale, 'whatsapp.answer_with_number'),
  };

  async function fetchMedia(message: CloudMessage): Promise<DownloadedMedia | null> {
    const ref = mediaOf(message);
    if (!ref) return null;
    try {
      return await client.downloadMedia(ref.id);
    } catch (error) {
      // Too big to keep, or gone for good (expired, deleted): the message still counts, without its file.
      // A network failure, an outage or a bad token is thrown, so Meta delivers the webhook again later.
      if (error instanceof MediaTooLarge || (error instanceof GraphApiError && isPermanentMediaError(error))) {
        log.warn({ err: error, wamid: message.id }, 'WhatsApp media not fetched; stored the message without it');
        return null;
      }
      throw error;
    }
  }

  async function routes(app: FastifyInstance): Promise<void> {
    // The signature covers the exact bytes Meta sent, so this scope keeps bodies raw and parses after checking.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: WEBHOOK_BODY_LIMIT }, (_request, body, done) => done(null, body));

    app.get('/webhooks/whatsapp', async (request, reply) => {
      const challenge = handshakeChallenge(request.query as Record<string, unknown>, credentials.verifyToken);
      if (challenge === null) {
        log.warn('WhatsApp webhook verification refused: wrong hub.verify_token or hub.mode');
        return reply.status(403).type('text/plain').send('Forbidden');
      }
      log.info('WhatsApp webhook verified by Meta');
      return reply.type('text/plain').send(challenge);
    });

    app.post('/webhooks/whatsapp', { bodyLimit: WEBHOOK_BODY_LIMIT }, async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      if (!hasValidSignature(raw, request.headers['x-hub-signature-256'], credentials.appSecret)) {
        log.warn(
          { ip: request.ip, signed: request.headers['x-hub-signature-256'] !== undefined },
          'WhatsApp webhook with a missing or wrong signature refused',
        );
        throw new Unauthorized();
      }
      let json: unknown;
      try {
        // Strings made storable once, here: a NUL in one message must not make PostgreSQL refuse it.
        json = storableStrings(JSON.parse(raw.toString('utf8')));
      } catch {
        throw new InvalidInput('error.invalid_json');
      }
      const contents = readWebhook(json, credentials.phoneNumberId);
      if (!contents.understood) {
        // Signed, so it is Meta's: an error answer would only make Meta send the same thing again, forever.
        log.error({ issues: contents.issues }, 'WhatsApp webhook payload not understood; acknowledged and skipped');
        return reply.status(200).send({ ok: true });
      }
      const { messages, statuses, unreadable } = contents;
      for (const skipped of unreadable) log.error(skipped, 'WhatsApp webhook item not understood; skipped');
      // Each message on its own: stored before answering, and one that fails does not keep the next from being stored.
      // Any failure ends in a 500 so Meta delivers the bundle again; what was stored is recognised then by its wamid.
      let failure: unknown;
      for (const message of messages) {
        try {
          const inbound = InboundMessage.safeParse(cloudMessageToInbound(message, await fetchMedia(message)));
          if (!inbound.success) {
            // Retrying cannot fix it, so it is not worth a 500.
            log.error(
              { wamid: message.id, type: message.type, issues: inbound.error.issues.slice(0, 3) },
              'WhatsApp message could not be mapped; skipped',
            );
            continue;
          }
          const result = await conversations.receive(inbound.data);
          if (result.duplicate) log.info({ wamid: message.id }, 'WhatsApp message delivered again; already stored');
        } catch (error) {
          log.error({ err: error, wamid: message.id }, 'WhatsApp message not stored; Meta will deliver it again');
          failure ??= error;
        }
      }
      if (failure !== undefined) throw failure;
      for (const status of statuses) {
        const report = cloudStatusToReport(status);
        if (!report) continue;
        const changed = await deliveries.report(report);
        if (report.status === 'failed')
          log.warn({ wamid: report.externalId, error: report.error }, 'WhatsApp reports an outbound message failed');
        if (!changed)
          log.debug(
            { wamid: report.externalId, status: report.status },
            'WhatsApp status held for a message not yet known, or older than what is recorded',
          );
      }
      return reply.status(200).send({ ok: true });
    });
  }

  return {
    name: 'whatsapp',
    sender: createCloudSender({
      client,
      templates: config.whatsapp.templates,
      labels,
      now,
      onSent: (messageId, wamid) => deliveries.markSent('whatsapp', messageId, wamid),
    }),
    routes,
  };
}
