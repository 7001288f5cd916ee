import QRCode from 'qrcode';
import type { Client, Message } from 'whatsapp-web.js';
import { t } from '../../../i18n/index.js';
import { DeliveryFailed, DeliveryRefused, type ChannelSender } from '../../../messages/delivery.js';
import type { ChannelContext, ChannelLinkStatus, ChannelModule } from '../../channel.js';
import { WhatsAppWebConnection, type WebConnectionOptions } from './connection.js';
import { ignoreReason, wantsMedia, webAckToReport, webChatId, webMessageToInbound, type WebMediaLike } from './inbound.js';
import { renderWebText, type WebRenderLabels } from './outbound.js';

/** Files bigger than this are not downloaded from the phone (attachments live in the database). */
const MAX_MEDIA_BYTES = 16 * 1024 * 1024;

export interface WebChannelOptions extends Pick<WebConnectionOptions, 'backoff' | 'loadLibrary'> {
  /** Where the terminal QR goes; standard output by default. */
  print?: (text: string) => void;
}

/**
 * WhatsApp through an ordinary account linked to WhatsApp Web (whatsapp-web.js driving
 * Debian's Chromium). Unofficial: WhatsApp may block it; the Cloud API is the supported way.
 */
export function createWebChannel(context: ChannelContext, options: WebChannelOptions = {}): ChannelModule {
  const { config, conversations, deliveries, now } = context;
  const log = context.logger.child({ channel: 'whatsapp', mode: 'web' });
  const print = options.print ?? ((text: string) => void process.stdout.write(text));
  const labels: WebRenderLabels = {
    answerWithNumber: t(config.locale, 'whatsapp.answer_with_number'),
    answerWith: t(config.locale, 'whatsapp.answer_with'),
    shareLocation: t(config.locale, 'whatsapp.share_location'),
    skipHint: t(config.locale, 'whatsapp.skip_hint'),
  };

  async function onMessage(message: Message): Promise<void> {
    const skip = ignoreReason(message);
    if (skip) {
      log.debug({ id: message.id._serialized, reason: skip }, 'WhatsApp Web message ignored');
      return;
    }
    let media: WebMediaLike | null = null;
    if (wantsMedia(message)) {
      const downloaded = await message.downloadMedia();
      if (downloaded && Buffer.byteLength(downloaded.data, 'base64') <= MAX_MEDIA_BYTES) media = downloaded;
      else log.warn({ id: message.id._serialized }, 'WhatsApp Web media missing or too large; storing the message without it');
    }
    const inbound = webMessageToInbound(message, media);
    if (inbound) await conversations.receive(inbound);
  }

  async function onAck(message: Message, ack: number): Promise<void> {
    const report = webAckToReport(message.id._serialized, ack, now());
    // The phone may acknowledge before the sender has stored the id: hold the report until it has.
    if (report) await deliveries.report(report);
  }

  /**
   * WhatsApp Web only announces messages that arrive while it is connected; what came in while
   * Ventanilla was down waits as unread chats. Storing is idempotent by message id, so reading
   * them again after a reconnection stores nothing twice.
   */
  async function catchUp(client: Client): Promise<void> {
    let stored = 0;
    for (const chat of await client.getChats()) {
      if (chat.isGroup || chat.unreadCount <= 0) continue;
      for (const message of await chat.fetchMessages({ limit: Math.min(chat.unreadCount, 50) })) {
        await onMessage(message);
        stored += 1;
      }
    }
    if (stored > 0) log.info({ messages: stored }, 'WhatsApp Web: picked up messages that arrived while disconnected');
  }

  const connection = new WhatsAppWebConnection({
    dataDir: config.dataDir,
    chromiumPath: config.whatsapp.chromiumPath,
    timeoutMs: config.whatsapp.webTimeoutMs,
    logger: log,
    onMessage,
    onAck,
    onReady: catchUp,
    backoff: options.backoff,
    loadLibrary: options.loadLibrary,
    showQr: async (qr) =>
      print(`\n${t(config.locale, 'whatsapp.scan_qr')}\n${await QRCode.toString(qr, { type: 'terminal', small: true })}\n`),
  });

  const sender: ChannelSender = {
    async send(delivery) {
      const client = connection.ready();
      if (!client) throw new DeliveryFailed(`WhatsApp Web is not connected (${connection.status().state})`, 30_000);
      const chatId = webChatId(delivery.channelUserId);
      let last = '';
      try {
        if (!(await client.isRegisteredUser(chatId))) throw new DeliveryRefused(`${delivery.channelUserId} is not on WhatsApp`);
        for (const part of renderWebText(delivery.message, labels)) last = (await client.sendMessage(chatId, part)).id._serialized;
      } catch (error) {
        if (error instanceof DeliveryRefused) throw error;
        throw new DeliveryFailed(`WhatsApp Web could not send: ${(error as Error).message ?? error}`);
      }
      if (last) await deliveries.markSent('whatsapp', delivery.messageId, last);
      return { externalId: last };
    },
  };

  /** For the admin who links the office phone: the QR as text, SVG and PNG, and how the link is doing. */
  async function linkStatus(): Promise<ChannelLinkStatus> {
    const status = connection.status();
    const qr = status.qr
      ? {
          text: status.qr,
          svg: await QRCode.toString(status.qr, { type: 'svg', margin: 2 }),
          pngDataUrl: await QRCode.toDataURL(status.qr, { margin: 2, width: 320 }),
        }
      : null;
    return {
      mode: 'web',
      state: status.state,
      since: status.since.toISOString(),
      account: status.account,
      lastError: status.lastError,
      retryAt: status.retryAt?.toISOString() ?? null,
      qr,
    };
  }

  return {
    name: 'whatsapp',
    sender,
    linkStatus,
    start: async () => connection.start(),
    stop: () => connection.stop(),
  };
}
