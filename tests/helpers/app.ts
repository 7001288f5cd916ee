import { classify } from '../../src/understanding/classify.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/client.js';
import { loadDialogScript } from '../../src/dialogs/script-schema.js';
import type { ChannelFactory } from '../../src/channels/channel.js';
import type { ChannelSender } from '../../src/messages/delivery.js';
import { seedDefaults } from '../../src/seed/seed.js';
import { buildApp, type Ventanilla } from '../../src/server/app.js';
import { createTestDatabase } from './database.js';

export const ADMIN = { email: 'admin@ventanilla.test', password: 'contraseña-de-prueba-123' };

/** A Tuesday at 10:00 in Mexico City: inside the default office hours. */
export const OFFICE_HOURS_NOW = new Date('2026-03-10T16:00:00Z');

/**
 * A clock that starts at `from` and moves with real time: for tests that run the background
 * workers and wait for a retry to come due, as time passes in production.
 */
export function advancingClock(from: Date = OFFICE_HOURS_NOW): () => Date {
  const startedAt = Date.now();
  return () => new Date(from.getTime() + (Date.now() - startedAt));
}

export interface TestApp extends Ventanilla {
  database: Database;
  close(): Promise<void>;
}

export async function createTestApp(
  options: {
    env?: Record<string, string>;
    now?: () => Date;
    senders?: Map<string, ChannelSender>;
    channels?: ChannelFactory[];
    database?: Database;
    /** Receives the app's log lines (set LOG_LEVEL in `env` to see any). */
    logStream?: { write(line: string): void };
  } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = loadConfig({ LOG_LEVEL: 'silent', QUEUE_POLL_MS: '60000', ...options.env });
  await seedDefaults(database.db, { adminEmail: ADMIN.email, adminPassword: ADMIN.password });
  const ventanilla = await buildApp({
    config,
    database,
    script: loadDialogScript(undefined, config.locale, config.tone), // as main.ts loads it
    classify,
    municipalityName: 'Municipio de Prueba',
    version: 'test',
    now: options.now ?? (() => OFFICE_HOURS_NOW),
    senders: options.senders,
    channels: options.channels,
    logStream: options.logStream,
  });
  await ventanilla.app.ready();
  return {
    ...ventanilla,
    database,
    close: async () => {
      await ventanilla.app.close();
      if (!options.database) await database.close();
    },
  };
}
