import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { WebChatHub } from '../../channels/web/hub.js';
import { MAX_PHOTO_BYTES, PHOTO_TYPES, WebChatMessageBody, webMessageToInbound, webPhotoToInbound } from '../../channels/web/inbound.js';
import { bearerToken, issueConversationToken, tokenMatches } from '../../channels/web/verify.js';
import type { ConversationService } from '../../conversations/service.js';
import { InvalidInput, NotFound, Unauthorized, UnsupportedMediaType } from '../../errors.js';
import { sniffImageType } from '../../messages/image-type.js';
import { catalogue, type Locale } from '../../i18n/index.js';
import { MAX_TEXT_LENGTH } from '../../messages/inbound.js';
import { escapeHtml } from '../../html.js';
import { sourceAsset } from '../../paths.js';
import { javascriptAsText, routePolicy } from '../security-headers.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The web chat conversation a message or photo route was authorized for, before its body was read. */
    webConversation?: { id: string };
  }
}

export interface WebChatOptions {
  conversations: ConversationService;
  hub: WebChatHub;
  locale: Locale;
  municipalityName: string;
  rateLimits: { newConversationsPerMinute: number; messagesPerMinute: number };
}

const MESSAGE_BODY_LIMIT = 16 * 1024;
const AUTH_TIMEOUT_MS = 10_000;
/** Proxies and phone networks drop idle connections after about a minute; a ping keeps them open. */
const PING_INTERVAL_MS = 25_000;
/** Conversations whose token is kept in memory (about 100 bytes each). */
const TOKEN_CACHE_SIZE = 50_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The chat page may be framed by any municipality site (the widget); nothing else may. */
const CHAT_CSP =
  "default-src 'self'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; style-src 'self'; script-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'none'";

export const webChatPlugin: FastifyPluginAsync<WebChatOptions> = async (plugin, options) => {
  const app = plugin.withTypeProvider<ZodTypeProvider>();
  const { conversations, hub } = options;
  let chatTemplate: string | undefined;

  async function renderChatPage(): Promise<string> {
    const strings = Object.fromEntries(Object.entries(catalogue(options.locale)).filter(([key]) => key.startsWith('chat.')));
    const json = JSON.stringify(strings).replace(/</g, '\\u003c');
    chatTemplate ??= await readFile(sourceAsset('channels', 'web', 'assets', 'chat.html'), 'utf8');
    return chatTemplate.replace(/\{\{([\w.]+)\}\}/g, (whole, key: string) => {
      if (key === 'locale') return options.locale;
      if (key === 'municipality') return escapeHtml(options.municipalityName);
      if (key === 'i18nJson') return json;
      return key in strings ? escapeHtml(strings[key]!) : whole;
    });
  }

  app.get('/chat', { helmet: routePolicy(CHAT_CSP) }, async (_request, reply) => {
    reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8');
    return renderChatPage();
  });

  // Every file of the chat's assets (scripts, modules, styles, widget.js) at the site's root, for any site that embeds the widget.
  // The files are listed when the app starts; chat.html is a template, served rendered above.
  await plugin.register(fastifyStatic, {
    root: sourceAsset('channels', 'web', 'assets'),
    prefix: '/',
    wildcard: false,
    index: false,
    globIgnore: ['**/*.html'],
    decorateReply: false,
    cacheControl: false,
    setHeaders: (reply, path) =>
      javascriptAsText(reply, path).header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*'),
  });

  // A conversation's token never changes, so checking it needs the database once, not on every message.
  const tokenHashes = new Map<string, string | null>();
  async function tokenHashOf(id: string): Promise<string | null | undefined> {
    const known = tokenHashes.get(id);
    if (known !== undefined) return known;
    const conversation = UUID.test(id) ? await conversations.find(id) : null;
    if (conversation?.channel !== 'web') return undefined;
    rememberToken(id, conversation.tokenHash);
    return conversation.tokenHash;
  }
  function rememberToken(id: string, tokenHash: string | null): void {
    if (tokenHashes.size >= TOKEN_CACHE_SIZE) tokenHashes.delete(tokenHashes.keys().next().value!);
    tokenHashes.set(id, tokenHash);
  }

  /** The conversation named in the URL, if the bearer token is its own. */
  async function authorizedConversation(given: string, token: string | undefined): Promise<{ id: string }> {
    // PostgreSQL reads a uuid in any letter case; the conversation's key is the lower-case one it was created with.
    const id = given.toLowerCase();
    const tokenHash = await tokenHashOf(id);
    if (tokenHash === undefined) throw new NotFound('error.conversation_not_found');
    if (!tokenMatches(token, tokenHash)) throw new Unauthorized();
    return { id };
  }

  /**
   * A `preParsing` hook: after the rate limit (`onRequest`), before any body is read, so a photo
   * with a wrong token is refused while its 5 MB are still on the way instead of being read whole
   * and then thrown away.
   */
  async function authorizeBeforeBody<P>(request: FastifyRequest, reply: FastifyReply, payload: P): Promise<P> {
    const { id } = request.params as { id: string };
    try {
      request.webConversation = await authorizedConversation(id, bearerToken(request.headers.authorization));
    } catch (error) {
      // Keeping the connection would mean reading (and discarding) the rest of the body first; closing it does not.
      reply.header('connection', 'close');
      throw error;
    }
    return payload;
  }
  const conversationOf = (request: FastifyRequest) => {
    if (!request.webConversation) throw new Error('conversationOf() on a route without authorizeBeforeBody');
    return request.webConversation;
  };

  /** Replies go back in the response itself, so the outbox need not push them again. */
  async function answer(reply: FastifyReply, replies: { id: string }[]) {
    return reply.send({ messages: replies });
  }

  // Per IP for new conversations; per conversation for messages, so citizens behind one carrier NAT do not share a quota.
  const perIp = { rateLimit: { max: options.rateLimits.newConversationsPerMinute, timeWindow: 60_000 } };
  const perConversation = {
    rateLimit: {
      max: options.rateLimits.messagesPerMinute,
      timeWindow: 60_000,
      // PostgreSQL reads a uuid in any letter case, so the key must too: one conversation, one quota.
      keyGenerator: (request: { params: unknown; ip: string }) => {
        const id = (request.params as { id?: string }).id;
        return id && UUID.test(id) ? `conversation:${id.toLowerCase()}` : `address:${request.ip}`;
      },
    },
  };

  app.post('/api/webchat/conversations', { bodyLimit: 1024, config: perIp }, async (_request, reply) => {
    const id = crypto.randomUUID();
    const { token, tokenHash } = issueConversationToken();
    const started = await conversations.start({ id, channel: 'web', conversationKey: id, channelUserId: id, tokenHash }, { inline: true });
    rememberToken(id, tokenHash);
    return reply.status(201).send({ conversationId: id, token, messages: started.replies });
  });

  app.post(
    '/api/webchat/conversations/:id/messages',
    {
      bodyLimit: MESSAGE_BODY_LIMIT,
      config: perConversation,
      preParsing: authorizeBeforeBody,
      schema: { params: z.object({ id: z.string() }), body: WebChatMessageBody },
    },
    async (request, reply) => {
      const conversation = conversationOf(request);
      const body = request.body;
      if ((body.text?.length ?? 0) > MAX_TEXT_LENGTH) throw new InvalidInput('error.message_too_long', { max: MAX_TEXT_LENGTH });
      if (!body.text?.trim() && !body.choice && !body.location) throw new InvalidInput('error.empty_message');
      const result = await conversations.receive(webMessageToInbound(conversation.id, body, new Date()), { inline: true });
      return answer(reply, result.replies);
    },
  );

  app.register(async (photos) => {
    photos.addContentTypeParser([...PHOTO_TYPES], { parseAs: 'buffer', bodyLimit: MAX_PHOTO_BYTES }, (_request, body, done) =>
      done(null, body),
    );
    photos.withTypeProvider<ZodTypeProvider>().post(
      '/api/webchat/conversations/:id/photos',
      {
        bodyLimit: MAX_PHOTO_BYTES,
        config: perConversation,
        preParsing: authorizeBeforeBody,
        schema: {
          consumes: [...PHOTO_TYPES],
          params: z.object({ id: z.string() }),
          headers: z.object({ 'x-client-message-id': z.string().regex(/^[A-Za-z0-9_-]{8,100}$/) }).passthrough(),
        },
      },
      async (request, reply) => {
        const conversation = conversationOf(request);
        const data = request.body as Buffer;
        if (!data?.byteLength) throw new InvalidInput('error.empty_message');
        const contentType = sniffImageType(data);
        if (!contentType) throw new UnsupportedMediaType({ type: String(request.headers['content-type'] ?? '') });
        const inbound = webPhotoToInbound(
          conversation.id,
          request.headers['x-client-message-id'],
          contentType,
          new Uint8Array(data),
          new Date(),
        );
        const result = await conversations.receive(inbound, { inline: true });
        return answer(reply, result.replies);
      },
    );
  });

  app.get('/api/webchat/conversations/:id/messages', { schema: { params: z.object({ id: z.string() }) } }, async (request) => {
    const conversation = await authorizedConversation(request.params.id, bearerToken(request.headers.authorization));
    return { messages: await conversations.history(conversation.id) };
  });

  // Browsers cannot set headers on a WebSocket, so the token travels in the first frame instead of the URL (and the logs).
  app.get('/api/webchat/conversations/:id/ws', { websocket: true }, (socket, request) => {
    const params = request.params as { id: string };
    let detach: (() => void) | undefined;
    const timer = setTimeout(() => socket.close(4401, 'auth timeout'), AUTH_TIMEOUT_MS);
    socket.once('message', async (raw: Buffer) => {
      clearTimeout(timer);
      try {
        const frame = JSON.parse(raw.toString('utf8')) as { type?: string; token?: string };
        if (frame.type !== 'auth' || typeof frame.token !== 'string') throw new Unauthorized();
        await authorizedConversation(params.id, frame.token);
        if (socket.readyState !== socket.OPEN) return;
        detach = hub.add(params.id, socket);
        const ping = setInterval(() => socket.ping(), PING_INTERVAL_MS);
        socket.once('close', () => clearInterval(ping));
        socket.send(JSON.stringify({ type: 'ready' }));
      } catch {
        socket.close(4401, 'unauthorized');
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      detach?.();
    });
  });
};
