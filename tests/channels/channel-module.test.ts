import { afterEach, describe, expect, it } from 'vitest';
import type { ChannelFactory } from '../../src/channels/channel.js';
import { readChannelState, writeChannelState } from '../../src/db/channel-state.js';
import type { Delivery } from '../../src/messages/delivery.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { deliveryJobs } from '../helpers/jobs.js';

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

describe('a channel module', () => {
  it('receives through its routes (a stand-in named like a real channel), sends through the outbox, and starts and stops with the server', async () => {
    const sent: Delivery[] = [];
    const lifecycle: string[] = [];
    const standIn: ChannelFactory = ({ conversations }) => ({
      name: 'telegram',
      sender: { send: async (delivery) => (sent.push(delivery), { externalId: `stand-in-${delivery.messageId}` }) },
      routes: async (scope) => {
        scope.post('/webhooks/stand-in', async (request) => {
          const { id, from, text } = request.body as { id: string; from: string; text: string };
          const result = await conversations.receive({
            channel: 'telegram',
            channelUserId: from,
            conversationKey: from,
            externalId: id,
            text,
            attachments: [],
            receivedAt: new Date(),
          });
          return { duplicate: result.duplicate };
        });
      },
      start: async () => void lifecycle.push('start'),
      stop: async () => void lifecycle.push('stop'),
    });
    const unconfigured: ChannelFactory = () => null;
    app = await createTestApp({ channels: [standIn, unconfigured] });
    expect(app.channels.map((channel) => channel.name)).toEqual(['telegram']);

    const first = await app.app.inject({ method: 'POST', url: '/webhooks/stand-in', payload: { id: 'm1', from: 'u1', text: 'hola' } });
    const retry = await app.app.inject({ method: 'POST', url: '/webhooks/stand-in', payload: { id: 'm1', from: 'u1', text: 'hola' } });
    expect(first.json()).toEqual({ duplicate: false });
    expect(retry.json()).toEqual({ duplicate: true });

    // The started worker sends the replies on its own; a busy machine decides when, so wait for
    // every delivery to be done rather than assume one pass of the queue saw them all.
    await app.start();
    const db = app.database.db;
    await expect
      .poll(async () => (await deliveryJobs(db)).map((job) => job.status), { timeout: 30_000, interval: 20 })
      .toSatisfy((statuses: string[]) => statuses.length > 0 && statuses.every((status) => status === 'done'));
    expect(sent).toHaveLength((await deliveryJobs(db)).length);
    expect(sent.every((delivery) => delivery.channel === 'telegram' && delivery.channelUserId === 'u1')).toBe(true);
    await app.close();
    app = undefined;
    expect(lifecycle).toEqual(['start', 'stop']);
  });

  it('keeps its small state across reads and overwrites', async () => {
    app = await createTestApp();
    const db = app.database.db;
    expect(await readChannelState(db, 'echo', 'offset')).toBeNull();
    await writeChannelState(db, 'echo', 'offset', { updateId: 41 });
    await writeChannelState(db, 'echo', 'offset', { updateId: 42 });
    await writeChannelState(db, 'other', 'offset', { updateId: 7 });
    expect(await readChannelState(db, 'echo', 'offset')).toEqual({ updateId: 42 });
  });
});
