import { DELIVERIES } from '../../src/server/app.js';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../../src/db/schema.js';
import { InboundMessage } from '../../src/messages/inbound.js';
import { DeliveryFailed, DeliveryRefused, type ChannelSender, type Delivery } from '../../src/messages/delivery.js';
import { createTestApp, OFFICE_HOURS_NOW, type TestApp } from '../helpers/app.js';
import { deliveryJobOf } from '../helpers/jobs.js';
import { databaseKind } from '../helpers/database.js';

/** A channel whose behaviour each test sets: what a flaky platform looks like from the worker. */
class ScriptedChannel implements ChannelSender {
  sent: Delivery[] = [];
  next: Array<'ok' | 'fail' | 'fail-now' | 'refuse'> = [];
  async send(delivery: Delivery) {
    const outcome = this.next.shift() ?? 'ok';
    if (outcome === 'fail') throw new DeliveryFailed('network down');
    if (outcome === 'fail-now') throw new DeliveryFailed('rate limited', 0);
    if (outcome === 'refuse') throw new DeliveryRefused('chat not found');
    this.sent.push(delivery);
    return { externalId: `platform-${delivery.messageId}` };
  }
}

const channel = new ScriptedChannel();
let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ senders: new Map([['telegram', channel]]) });
});
afterAll(async () => app?.close());

let n = 0;
const say = (key: string, text: string) =>
  app.conversations.receive(
    InboundMessage.parse({
      channel: 'telegram',
      channelUserId: key,
      conversationKey: key,
      externalId: `w-${++n}`,
      text,
      receivedAt: new Date(),
    }),
  );

const jobOf = (messageId: string) => deliveryJobOf(app.database.db, messageId);

describe(`deliveries through the job queue on ${databaseKind}`, () => {
  it('sends queued replies in order and records the platform id', async () => {
    channel.sent = [];
    const result = await say('o1', 'hola');
    await app.queue.runDue(DELIVERIES);
    expect(channel.sent.map((d) => String(d.messageId))).toEqual(result.replies.map((r) => r.id));
    expect(channel.sent[0]!.conversationKey).toBe('o1');
    const [stored] = await app.database.db
      .select()
      .from(messages)
      .where(eq(messages.id, Number(result.replies[0]!.id)));
    expect(stored!.externalId).toBe(`platform-${result.replies[0]!.id}`);
    expect((await jobOf(result.replies[0]!.id)).status).toBe('done');
  });

  it('retries a failed send with the same idempotency key when the platform says it may', async () => {
    channel.sent = [];
    channel.next = ['fail-now'];
    const result = await say('o2', 'gracias');
    await app.queue.runDue(DELIVERIES);
    expect(await jobOf(result.replies[0]!.id)).toMatchObject({ status: 'done', attempts: 2 });
    expect(channel.sent.map((d) => d.idempotencyKey)).toEqual(result.replies.map((r) => `ventanilla-${r.id}`));
  });

  it('backs off after a network failure and holds the conversation’s later messages until the first goes', async () => {
    channel.sent = [];
    channel.next = ['fail'];
    const result = await say('o5', 'hola');
    expect(result.replies.length).toBeGreaterThan(1);
    await app.queue.runDue(DELIVERIES);
    const first = await jobOf(result.replies[0]!.id);
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: 'network down' });
    // Retried on the queue's clock (the app's: OFFICE_HOURS_NOW in tests), two seconds on.
    expect(first.runAt.getTime()).toBeGreaterThanOrEqual(OFFICE_HOURS_NOW.getTime() + 1900);
    // Nothing after it was sent: a citizen never reads the second line before the first.
    expect(channel.sent.filter((d) => d.conversationKey === 'o5')).toEqual([]);
  });

  it('gives up on a refused message at once and keeps the reason', async () => {
    channel.next = ['refuse'];
    const result = await say('o3', 'gracias');
    await app.queue.runDue(DELIVERIES);
    expect(await jobOf(result.replies[0]!.id)).toMatchObject({ status: 'failed', lastError: 'chat not found' });
  });

  it('never hands the same job to two workers at once', async () => {
    channel.sent = [];
    const result = await say('o4', 'hola');
    await Promise.all([app.queue.runDue(DELIVERIES), app.queue.runDue(DELIVERIES), app.queue.runDue(DELIVERIES)]);
    const ids = channel.sent.filter((d) => d.conversationKey === 'o4').map((d) => String(d.messageId));
    expect(ids).toEqual(result.replies.map((r) => r.id));
  });
});
