import type { ChannelFactory } from '../channel.js';
import { createCloudChannel } from './cloud.js';
import { createWebChannel } from './web/web.js';

/**
 * WhatsApp, in the mode WHATSAPP_MODE chooses: `cloud` (Meta's official Cloud API) or `web`
 * (an ordinary account linked through WhatsApp Web). Both produce the same normalized messages
 * on the channel `whatsapp`, so a conversation survives a change of mode.
 */
export const whatsappChannel: ChannelFactory = (context) => {
  const settings = context.config.whatsapp;
  if (settings.mode === 'cloud') {
    // loadConfig refuses cloud mode without these, so they are present here.
    return createCloudChannel(context, {
      verifyToken: settings.verifyToken!,
      appSecret: settings.appSecret!,
      accessToken: settings.accessToken!,
      phoneNumberId: settings.phoneNumberId!,
    });
  }
  if (settings.mode === 'web') return createWebChannel(context);
  return null;
};
