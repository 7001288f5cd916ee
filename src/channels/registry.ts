import type { ChannelFactory } from './channel.js';
import { telegramChannel } from './telegram/channel.js';
import { whatsappChannel } from './whatsapp/index.js';
import { emailChannel } from './email/index.js';
import { smsChannel } from './sms/index.js';

/**
 * Every channel besides the web chat (which the server always serves). Each factory returns
 * `null` when its settings are absent, so an install runs only the channels it configured.
 */
export const configuredChannels: readonly ChannelFactory[] = [telegramChannel(), whatsappChannel, emailChannel, smsChannel];
