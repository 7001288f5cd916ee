import type { Tx } from '../db/client.js';
import type { Channel } from '../messages/inbound.js';

/**
 * What one part of the pipeline tells the others without knowing them. The emitter names what
 * happened; listeners (registered by `buildApp`) decide what follows, inside the emitter's
 * transaction, so the reaction commits or rolls back with the fact.
 */
export interface DomainEventMap {
  /** A message to a citizen will never arrive: given up on by the queue, or bounced back. */
  'delivery.failed': {
    messageId: number;
    conversationId: string;
    caseId: number | null;
    channel: Channel;
    at: Date;
    error?: string | undefined;
    /** Set when the failure came back as a bounce message. */
    bounceMessageId?: number | undefined;
  };
}

export type DomainEventType = keyof DomainEventMap;
export type DomainEventListener<K extends DomainEventType> = (tx: Tx, event: DomainEventMap[K]) => Promise<void>;

export class DomainEvents {
  private readonly listeners = new Map<DomainEventType, Array<DomainEventListener<DomainEventType>>>();

  on<K extends DomainEventType>(type: K, listener: DomainEventListener<K>): this {
    const list = this.listeners.get(type) ?? [];
    list.push(listener as DomainEventListener<DomainEventType>);
    this.listeners.set(type, list);
    return this;
  }

  async emit<K extends DomainEventType>(tx: Tx, type: K, event: DomainEventMap[K]): Promise<void> {
    for (const listener of this.listeners.get(type) ?? []) await listener(tx, event);
  }
}
