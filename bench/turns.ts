import { classify } from '../src/understanding/classify.js';
import { openDatabase, type DatabaseTarget } from '../src/db/client.js';
import { createConversationService } from '../src/conversations/service.js';
import { DomainEvents } from '../src/events/domain-events.js';
import { parseBusinessHours } from '../src/business-hours.js';
import { loadDialogScript } from '../src/dialogs/script-schema.js';
import { InboundMessage } from '../src/messages/inbound.js';
import { seedDefaults } from '../src/seed/seed.js';

/** One citizen's report, message by message: five turns to a folio. */
export const REPORT = ['Hay un bache enorme frente a la escuela de la calle Hidalgo 123', 'Juan Pérez', '55 1234 5678', 'omitir', 'sí'];

/** Whole example conversations through the pipeline (store, dialog, case, outbox), `concurrency` at a time. */
export async function benchTurns(target: DatabaseTarget, conversations = 60, concurrency = 4): Promise<Record<string, string>> {
  const database = await openDatabase(target);
  await database.migrate();
  await seedDefaults(database.db, { adminEmail: 'bench@ventanilla.local', adminPassword: 'benchmark-password' });
  const service = createConversationService({
    db: database.db,
    script: loadDialogScript(undefined, 'es'),
    classify,
    events: new DomainEvents(),
    settings: {
      folioPrefix: 'BE',
      defaultDueDays: 30,
      timeZone: 'America/Mexico_City',
      businessHours: parseBusinessHours('lun-vie 08:00-15:00'),
      municipalityName: 'Bench',
      locale: 'es',
    },
  });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < conversations) {
      const key = `bench-${next++}-${Math.random()}`;
      for (const [i, text] of REPORT.entries()) {
        const t0 = performance.now();
        await service.receive(
          InboundMessage.parse({
            channel: 'telegram',
            channelUserId: key,
            conversationKey: key,
            externalId: `${key}-${i}`,
            text,
            receivedAt: new Date(),
          }),
        );
        latencies.push(performance.now() - t0);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  await database.close();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!.toFixed(1);
  const label = target.kind === 'pglite' ? 'PGlite (in memory)' : 'PostgreSQL server';
  return {
    [`${label}: turns per second (${conversations} conversations × ${REPORT.length} turns, ${concurrency} at a time)`]: (
      latencies.length / seconds
    ).toFixed(0),
    [`${label}: turn latency p50 / p95`]: `${pct(0.5)} ms / ${pct(0.95)} ms`,
  };
}
