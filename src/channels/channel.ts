import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { ConversationService } from '../conversations/service.js';
import type { ChannelSender, DeliveryReports } from '../messages/delivery.js';

/** A channel's own small durable values (a polling offset, a mailbox position), shared by every instance. */
export interface ChannelStateStore {
  read<T>(key: string): Promise<T | null>;
  write(key: string, value: unknown): Promise<void>;
}

/**
 * What a channel gets from the application: the way into the pipeline, its reports on what it
 * sent, and its own state — no database, no cases, nothing further down the pipeline.
 */
export interface ChannelContext {
  config: Readonly<Config>;
  conversations: ConversationService;
  deliveries: DeliveryReports;
  /** The state store of the channel with this name. */
  state(channel: string): ChannelStateStore;
  logger: FastifyBaseLogger;
  now: () => Date;
}

/** How a channel that links to an account (WhatsApp Web's QR code) is doing, for the admin who links it. */
export interface ChannelLinkStatus {
  mode: string;
  state: string;
  since: string;
  account: unknown;
  lastError: string | null | undefined;
  retryAt: string | null;
  qr: { text: string; svg: string; pngDataUrl: string } | null;
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
  /** For channels linked to an account: served to admins at `GET /api/staff/<name>/qr`. */
  linkStatus?(): Promise<ChannelLinkStatus>;
  /** Background work that begins once the server is listening. Must not throw for a platform that is unreachable. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

/** Builds a channel once the pipeline exists; returns `null` when the channel is not configured. */
export type ChannelFactory = (context: ChannelContext) => ChannelModule | null;
