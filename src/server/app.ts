import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import { open311KeysPlugin, open311Plugin } from './plugins/open311.js';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Classification } from '../understanding/classification.js';
import { WebChatHub, type FrameLookup } from '../channels/web/hub.js';
import { createWebSender, webMessageFrame } from '../channels/web/outbound.js';
import type { Config } from '../config.js';
import { createConversationService, type ConversationService } from '../conversations/service.js';
import type { Database } from '../db/client.js';
import { GroupCommit } from '../db/group-commit.js';
import type { DialogScript } from '../dialogs/script-schema.js';
import { TooManyRequests } from '../errors.js';
import { setTone } from '../i18n/index.js';
import type { ChannelSender } from '../messages/delivery.js';
import type { ChannelContext, ChannelFactory, ChannelModule } from '../channels/channel.js';
import { DELIVER_JOB } from '../outbox/enqueue.js';
import { createDeliveryReports } from '../outbox/delivery-status.js';
import { channelStateStore } from '../db/channel-state.js';
import { deliveryKind } from '../outbox/deliver.js';
import { DomainEvents } from '../events/domain-events.js';
import { listenForCases } from '../cases/delivery-failures.js';
import { jobKind, type JobKind } from '../queue/job.js';
import { JobQueue, type KindFilter } from '../queue/queue.js';
import { installErrorHandling } from './errors.js';
import { serializeErrorForLog } from './log-redaction.js';
import { registerOpenApi } from './openapi.js';
import { securityHeaders } from './security-headers.js';
import { cleanJsonBodies, parseStorableQuerystring } from './storable-input.js';
import { webChatBus } from './webchat-bus.js';
import { healthPlugin } from './plugins/health.js';
import { metricsPlugin } from './plugins/metrics.js';
import { createMetrics } from '../metrics/metrics.js';
import pretty from 'pino-pretty';
import { Writable } from 'node:stream';
import { staffApiPlugin } from './plugins/staff-api.js';
import { webChatPlugin } from './plugins/webchat.js';
import { LiveUpdates } from './plugins/console/live.js';
import { consolePagesPlugin } from './plugins/console/pages.js';
import { createCatalogueSearch, loadCatalogue, type CatalogueSearch } from '../catalogue/catalogue.js';
import { understandingApiPlugin } from './plugins/understanding-api.js';
import { mapApiPlugin } from './plugins/map-api.js';
import { doctorApiPlugin } from './plugins/doctor-api.js';
import { exportApiPlugin } from './plugins/export-api.js';
import { BusinessCalendar } from '../calendar/business-calendar.js';
import type { CaseTerms } from '../cases/deadlines.js';
import { createFollowUp, loadLinkSecret, type FollowUp } from '../cases/follow-up/follow-up.js';
import { followUpParts } from '../cases/follow-up/parts.js';
import { loadFollowUpPolicy, type FollowUpPolicy } from '../cases/follow-up/policy.js';
import { createMailer } from '../channels/email/client.js';
import { acknowledgementPlugin } from './plugins/acknowledgement.js';
import { importsApiPlugin } from './plugins/imports-api.js';
import { IMPORT_JOB, importKind } from '../imports/imports.js';
import type { GeoPoint } from '../places/distance.js';
import type { Gazetteer } from '../places/gazetteer.js';
import { loadGazetteerFile } from '../places/gazetteer-file.js';
import { createGeocoder } from '../places/geocoder.js';
import { LOCATE_CASE_JOB } from '../cases/open-case.js';
import { locateCaseKind } from '../cases/locate-job.js';
import { reportsApiPlugin } from './plugins/reports-api.js';
import { statusPagePlugin } from './plugins/status-page.js';
import { BACKUP_JOB, nightlyBackupKind, scheduleNightlyBackup, type NightlyBackup } from '../backup/nightly.js';

export interface AppDeps {
  config: Readonly<Config>;
  database: Database;
  script: DialogScript;
  classify(text: string): Classification;
  municipalityName: string;
  version: string;
  now?: () => Date;
  /** Extra channel senders (tests add stand-ins). */
  senders?: ReadonlyMap<string, ChannelSender>;
  /** Channels besides the web chat, each built once the pipeline exists (see `src/channels/channel.ts`). */
  channels?: readonly ChannelFactory[];
  /** The catalogue of procedures; the bundled example when not given. */
  catalogue?: CatalogueSearch;
  /** The municipality's place names; GAZETTEER_FILE's, when not given. */
  gazetteer?: Gazetteer | undefined;
  /** The middle of a CSV gazetteer's places: where the console's map opens with no case and no MAP_CENTER. */
  placesCentre?: GeoPoint | undefined;
  /** The follow-up rules; FOLLOW_UP_POLICY's file, or the bundled default, when not given. */
  followUpPolicy?: FollowUpPolicy;
  /** Where the log lines go; standard output when not given (tests read them). */
  logStream?: { write(line: string): void };
}

export interface Ventanilla {
  app: FastifyInstance;
  hub: WebChatHub;
  conversations: ConversationService;
  channels: readonly ChannelModule[];
  /**
   * All background work — deliveries to citizens, staff mail, follow-up rules — is jobs of this
   * one queue; tests run `queue.runDue(DELIVERIES)` or `queue.runDue(FOLLOW_UPS)` after moving their clock.
   */
  queue: JobQueue;
  followUp: FollowUp;
  /** Starts the queue and every channel's background work; call after `listen`. */
  start(): Promise<void>;
}

/** The queue's deliveries of messages to citizens. */
export const DELIVERIES: KindFilter = { kinds: [DELIVER_JOB] };
/** Everything else in the queue: the automatic follow-up and staff mail. */
export const FOLLOW_UPS: KindFilter = { except: [DELIVER_JOB] };

/** Builds the whole application without listening, so tests can `inject()` or listen on port 0. */
export async function buildApp(deps: AppDeps): Promise<Ventanilla> {
  const { config, database } = deps;
  // Before anything renders a string: every citizen-facing text of this instance speaks in one register.
  setTone(config.tone);
  const logStream = config.logFormat === 'pretty' ? prettyLines(deps.logStream) : deps.logStream;
  const app = Fastify({
    // Errors are logged without the values they carry (query parameters, citizens' words): see log-redaction.ts.
    logger: {
      level: config.logLevel,
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: { err: serializeErrorForLog },
      ...(logStream ? { stream: logStream } : {}),
    },
    // Fastify's two lines per request at `info` drown what matters; ours is one line at `debug`.
    logController: new OneLinePerRequest(),
    // Client addresses feed the rate limits; a forwarded header is believed only from configured proxies.
    trustProxy: typeof config.trustProxy === 'number' ? hopsTrusted(config.trustProxy) : config.trustProxy,
    // Citizens' messages are small; bigger bodies (photos) raise this per route.
    bodyLimit: 64 * 1024,
    routerOptions: { querystringParser: parseStorableQuerystring },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app, config.locale);
  cleanJsonBodies(app);

  // Security headers and cookies for every route; routes with pages declare their own policy (see security-headers.ts).
  await app.register(helmet, securityHeaders);
  await app.register(cookie);
  // Before any route: the OpenAPI document lists the routes registered after it.
  await registerOpenApi(app, { version: deps.version, locale: config.locale });

  const policy = deps.followUpPolicy ?? loadFollowUpPolicy(config.followUpPolicyPath);
  const calendar = new BusinessCalendar(config.timeZone, config.businessHours, policy.holidays);
  const terms: CaseTerms = { policy, calendar, defaultDueDays: config.caseDueDays };
  // Where reports are: the gazetteer places addresses at once, an external geocoder after commit (issue 20).
  const gazetteerFile = config.gazetteerPath ? loadGazetteerFile(config.gazetteerPath) : undefined;
  const nearby = createGeocoder({ gazetteer: gazetteerFile?.located });
  const geocoder = config.geocoder.url
    ? createGeocoder({
        gazetteer: gazetteerFile?.located,
        nominatimUrl: config.geocoder.url,
        timeoutMs: config.geocoder.timeoutMs,
        countryCodes: config.geocoder.countryCodes,
        onError: (error) => app.log.warn({ err: error }, 'the external geocoder gave no answer'),
      })
    : undefined;
  const caseSettings = {
    folioPrefix: config.folioPrefix,
    defaultDueDays: config.caseDueDays,
    timeZone: config.timeZone,
    terms,
    phoneRegion: config.phoneRegion,
    places: {
      locate: gazetteerFile?.located ? async (address: string) => nearby.geocode(address) : undefined,
      locateLater: geocoder !== undefined,
      clusters: config.clusters,
    },
  };

  // Built before the conversations it reads from; `lookup` is called only once a push arrives.
  let lookupFrame: FrameLookup = async () => undefined;
  const hub = new WebChatHub({
    bus: webChatBus(database),
    lookup: (conversationId, messageId) => lookupFrame(conversationId, messageId),
    onError: (error) => app.log.warn({ err: error }, 'web chat pushes: could not listen, or not handed to this instance’s sockets'),
  });
  app.addHook('onClose', await hub.listen());
  // What one part of the pipeline tells another without knowing it (a failed delivery shows on its case).
  const events = listenForCases(new DomainEvents());
  const catalogue = deps.catalogue ?? createCatalogueSearch(loadCatalogue());
  const metrics = createMetrics({ database, now: deps.now ?? (() => new Date()) });
  const conversations = createConversationService({
    observer: metrics.observer,
    db: database.db,
    script: deps.script,
    classify: deps.classify,
    now: deps.now,
    events,
    commits: groupCommitFor(database),
    catalogue,
    settings: {
      ...caseSettings,
      calendar,
      businessHours: config.businessHours,
      municipalityName: deps.municipalityName,
      locale: config.locale,
      emergencyPhone: config.emergencyPhone,
      civilProtectionPhone: config.civilProtectionPhone,
      phoneRegion: config.phoneRegion,
      gazetteer: deps.gazetteer ?? gazetteerFile?.names,
      publicUrl: config.publicUrl,
    },
  });

  lookupFrame = async (conversationId, messageId) => {
    const id = Number(messageId);
    const message = Number.isSafeInteger(id) ? await conversations.message(conversationId, id) : null;
    return message ? webMessageFrame(message) : undefined;
  };

  const now = deps.now ?? (() => new Date());
  const context: ChannelContext = {
    config,
    conversations,
    deliveries: createDeliveryReports(database.db, now),
    state: (channel) => channelStateStore(database.db, channel),
    logger: app.log,
    now,
  };
  const channels = (deps.channels ?? []).map((factory) => factory(context)).filter((channel): channel is ChannelModule => channel !== null);
  const senders = new Map<string, ChannelSender>([['web', createWebSender(hub)]]);
  for (const channel of channels) if (channel.sender) senders.set(channel.name, channel.sender);
  for (const [name, sender] of deps.senders ?? []) senders.set(name, sender);
  for (const [name, sender] of senders) senders.set(name, metrics.countDeliveries(name, sender));

  const followUpChannels = {
    email: senders.has('email'),
    sms: senders.has('sms') ? { region: config.phoneRegion, notices: config.sms?.citizenNotices ?? false } : undefined,
    publicUrl: config.publicUrl,
  };
  // Automatic follow-up (issue 8): staff mail goes straight over SMTP; citizens' notices through the outbox.
  const mailer = config.email ? createMailer(config.email) : undefined;
  app.addHook('onClose', async () => mailer?.close());
  const followUp = createFollowUp(
    {
      db: database.db,
      policy,
      calendar,
      terms,
      locale: config.locale,
      municipalityName: deps.municipalityName,
      publicUrl: config.publicUrl ?? `http://localhost:${config.port}`,
      mail: { enabled: mailer !== undefined, fromDomain: config.email?.from.address.split('@')[1] ?? 'localhost' },
      channels: followUpChannels,
      communicationsOffice: config.communicationsOfficeEmail,
      linkSecret: await loadLinkSecret(database.db),
      logger: app.log,
    },
    followUpParts,
    mailer,
  );
  const kinds = new Map<string, JobKind>([[DELIVER_JOB, deliveryKind({ senders, events })]]);
  for (const [kind, handler] of followUp.handlers) kinds.set(kind, jobKind(handler));
  if (geocoder)
    kinds.set(LOCATE_CASE_JOB, locateCaseKind({ geocoder, clusters: config.clusters, channels: followUpChannels, locale: config.locale }));
  kinds.set(
    IMPORT_JOB,
    importKind({ classify: deps.classify, caseSettings, calendar, phoneRegion: config.phoneRegion, locale: config.locale }),
  );
  // The nightly backup (BACKUP_DIR): a recurring job of its own, like the digests.
  const nightly: NightlyBackup | undefined = config.backup ? { ...config.backup, timeZone: config.timeZone } : undefined;
  if (nightly) kinds.set(BACKUP_JOB, nightlyBackupKind({ database, settings: nightly, version: deps.version, tools: config.pgTools }));
  // Every commit that enqueues a job NOTIFYs the queue, on every instance: nobody calls wake() by hand.
  const queue = new JobQueue({ db: database.db, kinds, now, logger: app.log, pollMs: config.queuePollMs, listen: database.listen });

  // Limits are per instance (in memory) and opt-in per route; they blunt floods, not determined attackers.
  await app.register(rateLimit, { global: false, errorResponseBuilder: () => new TooManyRequests() });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  await app.register(healthPlugin, { database, version: deps.version });
  await app.register(metricsPlugin, { metrics, token: config.metrics.token, allow: config.metrics.allow });
  await app.register(webChatPlugin, {
    conversations,
    hub,
    locale: config.locale,
    municipalityName: deps.municipalityName,
    rateLimits: config.rateLimits,
  });
  // The staff API (the console's under /api/staff, the scripts' under /api/auth and /api/cases) and the console's pages under /console.
  const live = new LiveUpdates(database.db, 1500);
  // Before the HTTP server closes, which waits for every open request: event streams stay open for ever.
  app.addHook('preClose', async () => live.endStreams());
  // On a stop Fastify closes the idle keep-alive connections; one busy then would stay open until
  // its keep-alive timeout (72 s) and hold the stop up: its last response closes it.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  app.addHook('onClose', async () => live.stop());
  await app.register(staffApiPlugin, {
    db: database.db,
    sessionTtlMs: config.sessionTtlMs,
    secureCookies: config.publicUrl?.startsWith('https:') ?? false,
    locale: config.locale,
    caseSettings,
    registrationFields: config.citizenRegistrationFields,
    live,
    now,
    followUp: followUpChannels,
    channels,
  });
  // The map's tiles are the one thing the console loads from elsewhere, and only when a tile server is configured.
  await app.register(consolePagesPlugin, { locale: config.locale, tileOrigin: config.map.tiles?.origin });
  await app.register(understandingApiPlugin, { db: database.db, timeZone: config.timeZone, now });
  await app.register(mapApiPlugin, { db: database.db, map: config.map, placesCentre: deps.placesCentre, now });
  await app.register(doctorApiPlugin, { config, database });
  await app.register(exportApiPlugin, { db: database.db, locale: config.locale, timeZone: config.timeZone, now, catalogue });
  await app.register(acknowledgementPlugin, { deps: followUp.deps, now });
  await app.register(reportsApiPlugin, {
    db: database.db,
    calendar,
    catalogue,
    municipalityName: deps.municipalityName,
    locale: config.locale,
    now,
  });
  await app.register(importsApiPlugin, { db: database.db, live, now });
  await app.register(open311Plugin, {
    db: database.db,
    settings: { locale: config.locale, publicTypes: config.open311.publicTypes, maxRequests: 1000 },
    caseSettings,
    filedPerMinute: config.open311.requestsPerMinute,
    publicUrl: config.publicUrl,
    now,
  });
  await app.register(open311KeysPlugin, { db: database.db, now });
  await app.register(statusPagePlugin, {
    db: database.db,
    locale: config.locale,
    municipalityName: deps.municipalityName,
    folioPrefix: config.folioPrefix,
    timeZone: config.timeZone,
    labels: { statusLabels: deps.script.statusLabels, typeLabels: deps.script.typeLabels },
    lookupsPerMinute: config.statusPage.lookupsPerMinute,
    now,
  });
  for (const channel of channels) {
    if (channel.routes) await app.register(async (scope) => channel.routes!(scope));
  }
  app.get('/', async (_request, reply) => reply.redirect('/chat'));

  let started = false;
  app.addHook('onClose', async () => {
    if (started) await Promise.allSettled(channels.map((channel) => channel.stop?.()));
    await queue.stop();
  });
  async function start() {
    await followUp.ensureScheduled(now());
    if (nightly) await scheduleNightlyBackup(database.db, nightly, now());
    await queue.start();
    started = true;
    for (const channel of channels) {
      try {
        await channel.start?.();
      } catch (error) {
        app.log.error({ err: error, channel: channel.name }, 'channel failed to start; the rest of Ventanilla goes on');
      }
    }
  }
  return { app, hub, conversations, channels, queue, followUp, start };
}

/**
 * One line per request at `debug`: method, route, status and time. The route's pattern
 * (`/acuse/:token`) stands for the path, so ids and signed tokens in URLs stay out of the logs;
 * a path that matched no route is written without its query. A request that ended in an error
 * keeps Fastify's line at `error`, with its context.
 */
class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override routeNotFound(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      super.requestCompleted(error, request, reply);
      return;
    }
    const url = request.routeOptions.url ?? request.url.split('?')[0];
    reply.log.debug({ method: request.method, url, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  }
}

/** LOG_FORMAT=pretty: the same records as coloured lines, for a person at a terminal. */
function prettyLines(destination: { write(line: string): void } | undefined) {
  return pretty({
    colorize: destination ? false : process.stdout.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
    // pino-pretty pipes into a stream; the tests' sink is only an object with `write`.
    ...(destination
      ? {
          destination: new Writable({
            write(chunk, _encoding, done) {
              destination.write(String(chunk));
              done();
            },
          }),
        }
      : {}),
  });
}

function hopsTrusted(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

/**
 * PGlite is one connection, so one lane; a server gets a few lanes, leaving connections of the
 * pool to the queue, the console and the webhooks' reads.
 */
function groupCommitFor(database: Database): GroupCommit {
  const lanes = database.target.kind === 'postgres' ? Math.max(1, Math.min(4, database.target.poolSize - 2)) : 1;
  return new GroupCommit({ db: database.db, lanes, maxBatch: 64 });
}
