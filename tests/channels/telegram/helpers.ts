import type { LimiterClock } from '../../../src/channels/telegram/rate-limit.js';

/** A clock that jumps to the end of every wait instead of waiting, remembering how long each was. */
export class JumpingClock implements LimiterClock {
  time = 1_000_000;
  readonly waits: number[] = [];
  now = () => this.time;
  sleep = async (ms: number) => {
    this.waits.push(ms);
    this.time = Math.max(this.time, this.time + ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
}

/** Polls `check` until it returns something truthy (or the time runs out): for work the app does in the background. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A small but real JPEG (1×1 pixel). */
export const JPEG = Uint8Array.from(
  Buffer.from(
    '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
    'base64',
  ),
);
