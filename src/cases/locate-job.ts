import type { Tx } from '../db/client.js';
import type { Case } from '../db/schema.js';
import { t, type Locale } from '../i18n/index.js';
import type { Geocoder } from '../places/geocoder.js';
import type { JobKind } from '../queue/job.js';
import { findClusterParent, joinCluster, lockCase, mayCluster, type ClusterSettings } from './clusters.js';
import { cases } from '../db/schema.js';
import { and, eq, isNull } from 'drizzle-orm';
import { followUpCitizen, type FollowUpChannels } from './follow-up/citizen-message.js';

/**
 * An address the gazetteer could not place is asked of the external geocoder after the case's
 * unit of work has committed (a network call never holds a transaction open). A point found is
 * stored, and the report then looks for the problem's other reports as it would have on opening;
 * joined, its citizen is told on their own channel.
 */
export interface LocateDeps {
  geocoder: Geocoder;
  clusters: ClusterSettings | undefined;
  channels: FollowUpChannels;
  locale: Locale;
}

export function locateCaseKind(deps: LocateDeps): JobKind {
  return {
    // Geocoding waits on another server: several cases are looked up side by side.
    concurrent: true,
    maxAttempts: 3,
    async run(job, context) {
      const caseId = Number(job.payload.caseId);
      const [pending] = await context.db.select().from(cases).where(eq(cases.id, caseId)).limit(1);
      const point = pending?.address && pending.latitude === null ? await deps.geocoder.geocode(pending.address) : null;
      await context.db.transaction(async (tx) => {
        if (point) {
          const [located] = await tx
            .update(cases)
            .set({ latitude: point.lat, longitude: point.lon })
            .where(and(eq(cases.id, caseId), isNull(cases.latitude)))
            .returning();
          if (located && deps.clusters) await joinIfOneProblem(tx, located, deps, context.now);
        }
        await context.finish(tx);
      });
    },
  };
}

async function joinIfOneProblem(tx: Tx, report: Case, deps: LocateDeps, now: Date): Promise<void> {
  if (!mayCluster(report)) return;
  // A report others have joined meanwhile is a parent: it stays one.
  const [child] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.clusterParentId, report.id)).limit(1);
  if (child) return;
  const match = await findClusterParent(tx, report, deps.clusters!);
  const parent = match ? await lockCase(tx, match.parent.id) : undefined;
  if (!match || !parent || !mayCluster(parent)) return;
  await joinCluster(tx, report, parent, { kind: 'system' }, match.how, match, now);
  await followUpCitizen(
    tx,
    report,
    { text: t(deps.locale, 'case.cluster_joined_notice', { folio: report.folio, parentFolio: parent.folio }), author: 'system' },
    deps.channels,
  );
}
