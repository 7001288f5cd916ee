import { sql } from 'drizzle-orm';
import type { PushBus } from '../channels/web/hub.js';
import type { Database } from '../db/client.js';

/** The NOTIFY channel every instance's web chat hub listens on. */
export const WEBCHAT_CHANNEL = 'ventanilla_webchat';

/**
 * Pushes to browsers cross instances through PostgreSQL (PGlite listens too): the instance that
 * sends a message need not be the one holding the citizen's socket. Outside a transaction the
 * NOTIFY is delivered at once; a failure is thrown to the sender.
 */
export function webChatBus(database: Database): PushBus {
  return {
    publish: async (payload) => {
      await database.db.execute(sql`select pg_notify(${WEBCHAT_CHANNEL}, ${payload})`);
    },
    listen: (onPayload) => database.listen(WEBCHAT_CHANNEL, onPayload),
  };
}
