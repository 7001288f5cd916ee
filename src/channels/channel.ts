import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { ConversationService } from '../conversations/service.js';
import type { Db } from '../db/client.js';
import type { ChannelSender } from '../outbox/delivery.js';

/** What a channel gets from the application: the way into the pipeline, and nothing further down it. */
export interface ChannelContext {
  config: Readonly<Config>;
  db: Db;
  conversations: ConversationService;
  logger: FastifyBaseLogger;
  now: () => Date;
}

/**
 * One channel, as the application sees it. Adapters in `src/channels/<name>/` build one of these;
 * `buildApp` registers its routes, gives its sender to the outbox, and starts and stops its
 * background work (long polling, IMAP IDLE) with the server.
 */
export interface ChannelModule {
  /** The `channel` value of its messages and conversations (`telegram`, `whatsapp`, `email`…). */
  readonly name: string;
  readonly sender?: ChannelSender;
  /** Webhook routes, registered in their own encapsulated context. */
  routes?(app: FastifyInstance): Promise<void>;
  /** Background work that begins once the server is listening. Must not throw for a platform that is unreachable. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Builds a channel once the pipeline exists; returns `null` when the channel is not configured. */
export type ChannelFactory = (context: ChannelContext) => ChannelModule | null;
