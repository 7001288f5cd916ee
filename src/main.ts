import cluster from 'node:cluster';
import { classify } from './understanding/classify.js';
import { superviseWorkers } from './cluster.js';
import { createCatalogueSearch, loadCatalogue } from './catalogue/catalogue.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase } from './db/client.js';
import { isDatabaseUnavailable } from './db/unavailable.js';
import { DatabaseTooNew } from './db/migration-status.js';
import { loadDialogScript } from './dialogs/script-schema.js';
import { t } from './i18n/index.js';
import { seedDefaults, loadDefaultMunicipality } from './seed/seed.js';
import { buildApp } from './server/app.js';
import { version } from './version.js';
import { configuredChannels } from './channels/registry.js';
import { FollowUpPolicyError, loadFollowUpPolicy, type FollowUpPolicy } from './cases/follow-up/policy.js';
import { GazetteerError, type Gazetteer } from './places/gazetteer.js';
import { loadGazetteerFile } from './places/gazetteer-file.js';
import { gazetteerCentre } from './places/gazetteer-csv.js';
import type { GeoPoint } from './places/distance.js';

async function main(): Promise<void> {
  let config: Readonly<Config>;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(t('es', 'config.invalid'));
    for (const issue of error.issues) console.error('  ' + issue);
    process.exit(1);
  }
  const say = (line: string) => console.log(line);
  if (config.workers > 1 && cluster.isPrimary) {
    superviseWorkers(config.workers, say);
    return;
  }

  const script = loadDialogScript(config.dialogScriptPath, config.locale, config.tone);
  // Read and validated before anything starts: a broken catalogue stops the server with its errors.
  const catalogue = createCatalogueSearch(loadCatalogue(config.cataloguePath));
  let followUpPolicy: FollowUpPolicy;
  try {
    followUpPolicy = loadFollowUpPolicy(config.followUpPolicyPath);
  } catch (error) {
    if (!(error instanceof FollowUpPolicyError)) throw error;
    console.error(t(config.locale, 'config.invalid'));
    console.error('  FOLLOW_UP_POLICY ' + error.message);
    process.exit(1);
  }
  let gazetteer: Gazetteer | undefined;
  let placesCentre: GeoPoint | undefined;
  try {
    // A CSV gazetteer also carries coordinates; the dialog reads only its names, the map its middle.
    const file = config.gazetteerPath ? loadGazetteerFile(config.gazetteerPath) : undefined;
    gazetteer = file?.names;
    placesCentre = file?.located ? gazetteerCentre(file.located) : undefined;
  } catch (error) {
    if (!(error instanceof GazetteerError)) throw error;
    console.error(t(config.locale, 'config.invalid'));
    console.error('  GAZETTEER_FILE ' + error.message);
    process.exit(1);
  }
  const municipality = loadDefaultMunicipality();
  const database = await openDatabase(config.database);
  try {
    await database.migrate();
  } catch (error) {
    if (!(error instanceof DatabaseTooNew)) throw error;
    // A downgrade: the older code would misread the newer tables, so it does not start at all.
    console.error(t(config.locale, 'db.too_new', { unknown: error.status.unknown, version }));
    await database.close();
    process.exit(1);
  }
  const seeded = await seedDefaults(database.db, {
    adminEmail: config.adminEmail,
    adminPassword: config.adminPassword,
    config: municipality,
  });

  const ventanilla = await buildApp({
    config,
    database,
    script,
    classify,
    municipalityName: config.municipalityName ?? municipality.municipality,
    version,
    channels: configuredChannels,
    catalogue,
    followUpPolicy,
    gazetteer,
    placesCentre,
  });
  const address = await ventanilla.app.listen({ port: config.port, host: config.host });
  await ventanilla.start();

  const url = config.publicUrl ?? address.replace('0.0.0.0', 'localhost').replace('[::]', 'localhost');
  say(t(config.locale, 'start.listening', { url: address }));
  say(
    config.database.kind === 'pglite'
      ? t(config.locale, 'start.database_embedded', { dir: config.database.dataDir ?? '(memoria)' })
      : t(config.locale, 'start.database_server', { host: new URL(config.database.url).host }),
  );
  say(t(config.locale, 'start.chat_at', { url }));
  say(t(config.locale, 'start.widget_at', { url }));
  say(t(config.locale, 'start.console_at', { url }));
  if (config.email) {
    const mail = config.email;
    say(
      mail.imap
        ? t(config.locale, 'start.email_inbox', {
            folder: mail.folder,
            imap: mail.imap.host,
            smtp: mail.smtp.host,
            from: mail.from.address,
          })
        : t(config.locale, 'start.email_send_only', { smtp: mail.smtp.host, from: mail.from.address }),
    );
  }
  if (seeded.adminCreated?.generated)
    say(t(config.locale, 'start.admin_created', { email: seeded.adminCreated.email, password: seeded.adminCreated.password }));

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    ventanilla.app.log.info({ signal }, 'shutting down');
    // app.close stops accepting requests, lets those in flight finish, ends the console's event
    // streams, then stops the channels and the queue (whose running jobs finish and release their
    // claim). systemd kills the process after TimeoutStopSec (30 s): leave first, saying why.
    let stage = 'closing the server';
    const late = setTimeout(() => {
      console.error(`shutdown did not finish within 25 s (${stage}); exiting`);
      process.exit(1);
    }, 25_000);
    late.unref();
    try {
      await ventanilla.app.close();
    } finally {
      stage = 'closing the database';
      await database.close();
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

// The last line of defence for "a lost connection never kills the process": a background task
// that forgot a catch while PostgreSQL is away is logged, and the workers' own retries go on.
// Any other unhandled rejection is a bug of unknown reach and still stops the process.
process.on('unhandledRejection', (reason) => {
  if (!isDatabaseUnavailable(reason)) throw reason;
  console.error(`database unavailable in a background task: ${(reason as Error).message}`);
});

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
