import { sql } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDoctor } from '../../src/cli/doctor.js';
import { openDatabase } from '../../src/db/client.js';
import { dovecotAvailable, freePort, startDovecot, type Dovecot } from '../helpers/dovecot.js';
import { startGraphApi, type GraphApi } from '../helpers/graph-api.js';
import { startAndroidGateway, startTwilio, type GatewayStandIn, type TwilioStandIn } from '../helpers/sms-gateways.js';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/smtp-receiver.js';
import { BOT_TOKEN, TelegramStandIn } from '../helpers/telegram-stand-in.js';
import { createServerDatabaseUrl } from '../helpers/database.js';

const ACCOUNT_SID = `AC${'0123456789abcdef'.repeat(2)}`;
const PHONE_NUMBER_ID = '1098765432';

const dir = mkdtempSync(join(tmpdir(), 'ventanilla-doctor-'));
let telegram: TelegramStandIn;
let graph: GraphApi;
let smtp: SmtpReceiver;
let dovecot: Dovecot;
let twilio: TwilioStandIn;
let gateway: GatewayStandIn;
/** A migrated database: PGlite in a folder, or a fresh database on TEST_DATABASE_URL's server. */
let database: Record<string, string>;
let dropServerDatabase: () => Promise<void> = async () => undefined;

beforeAll(async () => {
  if (!dovecotAvailable()) throw new Error('Dovecot is not installed (Debian: dovecot-imapd); scripts/test-all.sh installs it');
  [telegram, graph, smtp, dovecot, twilio, gateway] = await Promise.all([
    new TelegramStandIn().start(),
    startGraphApi({
      accessToken: 'graph-token',
      version: 'v21.0',
      phoneNumber: { id: PHONE_NUMBER_ID, display: '+52 55 1234 5678', verifiedName: 'Municipio de Prueba' },
    }),
    startSmtpReceiver(),
    startDovecot(),
    startTwilio({ accountSid: ACCOUNT_SID, authToken: 'twilio-token' }),
    startAndroidGateway({ user: 'gw-user', password: 'gw-password', signingKey: 'gw-key' }),
  ]);
  const server = await createServerDatabaseUrl();
  dropServerDatabase = server.drop;
  const target = server.url
    ? ({ kind: 'postgres', url: server.url, poolSize: 2 } as const)
    : ({ kind: 'pglite', dataDir: join(dir, 'migrated', 'pgdata') } as const);
  const migrated = await openDatabase(target);
  await migrated.migrate();
  await migrated.close();
  database = server.url ? { DATA_DIR: join(dir, 'migrated'), DATABASE_URL: server.url } : { DATA_DIR: join(dir, 'migrated') };
});

afterAll(async () => {
  await Promise.all([telegram?.close(), graph?.close(), smtp?.stop(), dovecot?.destroy(), twilio?.close(), gateway?.close()]);
  await dropServerDatabase();
  rmSync(dir, { recursive: true, force: true });
});

async function doctor(env: Record<string, string>) {
  const lines: string[] = [];
  const code = await runDoctor((line) => lines.push(line), { LOG_LEVEL: 'silent', ...database, ...env }, { timeoutMs: 3000 });
  return { code, lines, out: lines.join('\n') };
}

const channels = () => ({
  TELEGRAM_BOT_TOKEN: BOT_TOKEN,
  TELEGRAM_API_ROOT: telegram.apiRoot,
  WHATSAPP_MODE: 'cloud',
  WHATSAPP_VERIFY_TOKEN: 'verify',
  WHATSAPP_APP_SECRET: 'secret',
  WHATSAPP_ACCESS_TOKEN: 'graph-token',
  WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
  WHATSAPP_GRAPH_ROOT: graph.url,
  IMAP_URL: dovecot.url,
  SMTP_URL: smtp.url,
  EMAIL_FROM: 'Atención Ciudadana <atencion@municipio.test>',
  SMS_PROVIDER: 'twilio',
  TWILIO_ACCOUNT_SID: ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: 'twilio-token',
  TWILIO_FROM: '+525512345678',
  TWILIO_API_ROOT: twilio.url,
});

describe('ventanilla doctor', () => {
  it('passes every check when each channel accepts its credentials and the database is migrated', async () => {
    const { code, out, lines } = await doctor(channels());
    expect(out).toContain('✔ Configuración válida');
    expect(out).toContain('✔ Base de datos');
    expect(out).toContain('conexión correcta y al día');
    expect(out).toMatch(/[✔⚠] Disco de /);
    expect(out).toContain('✔ Telegram: el bot @ventanilla_test_bot está activo');
    expect(out).toContain('✔ WhatsApp Cloud API: número +52 55 1234 5678 Municipio de Prueba');
    expect(out).toMatch(/✔ IMAP \(127\.0\.0\.1:\d+\): acceso correcto/);
    expect(out).toMatch(/✔ SMTP \(127\.0\.0\.1:\d+\): el servidor acepta la conexión/);
    expect(out).toContain('✔ Twilio: credenciales aceptadas (Municipio de Prueba)');
    expect(lines.filter((line) => line.startsWith('✖'))).toEqual([]);
    expect(code).toBe(0);
  });

  it('says what is wrong and how to fix it when the platforms refuse the credentials, and exits 1', async () => {
    const wrongImap = new URL(dovecot.url);
    wrongImap.password = 'not-the-password';
    const { code, out } = await doctor({
      ...channels(),
      TELEGRAM_BOT_TOKEN: '987654321:AAH-another-token_that-telegram-refuses',
      WHATSAPP_PHONE_NUMBER_ID: '55555555',
      IMAP_URL: wrongImap.toString(),
      SMTP_URL: `smtp://127.0.0.1:${await freePort()}`,
      SMS_PROVIDER: 'android-sms-gateway',
      SMS_GATEWAY_URL: gateway.url,
      SMS_GATEWAY_USER: 'gw-user',
      SMS_GATEWAY_PASSWORD: 'wrong',
      SMS_GATEWAY_SIGNING_KEY: 'gw-key',
    });
    expect(out).toContain('✖ TELEGRAM_BOT_TOKEN rechazado por Telegram (401): copie el token que le dio @BotFather');
    expect(out).toContain('✖ WHATSAPP_PHONE_NUMBER_ID 55555555 no existe para este token');
    expect(out).toContain('copie el «Identificador del número de teléfono» (no el número)');
    expect(out).toMatch(
      /✖ IMAP \(127\.0\.0\.1:\d+\): el servidor rechazó el usuario o la contraseña: revise el usuario y la contraseña en IMAP_URL/,
    );
    expect(out).toMatch(/✖ SMTP: no se pudo conectar con 127\.0\.0\.1:\d+ \(ECONNREFUSED\): revise el servidor y el puerto de SMTP_URL/);
    expect(out).toContain('✖ SMS gateway rechazó las credenciales (401): copie el usuario y la contraseña');
    expect(out).toContain('✔ Base de datos');
    expect(out).toMatch(/5 problemas por resolver\.$/);
    expect(code).toBe(1);
  });

  it('tells a wrong access token, a closed IMAP port and refused Twilio credentials apart', async () => {
    const { code, out } = await doctor({
      ...channels(),
      WHATSAPP_ACCESS_TOKEN: 'expired-token',
      IMAP_URL: `imap://user:pass@127.0.0.1:${await freePort()}`,
      TWILIO_AUTH_TOKEN: 'wrong',
    });
    expect(out).toContain('✖ WHATSAPP_ACCESS_TOKEN rechazado por Meta (401');
    expect(out).toContain('genere un token permanente de un usuario del sistema en Meta Business');
    expect(out).toMatch(/✖ IMAP: no se pudo conectar con 127\.0\.0\.1:\d+ \(ECONNREFUSED\): revise el servidor y el puerto de IMAP_URL/);
    expect(out).toContain('✖ Twilio rechazó las credenciales (401): copie el Account SID y el Auth Token');
    expect(out).toContain('✔ Telegram');
    expect(code).toBe(1);
  });

  it('prints the configuration errors as loadConfig gives them and checks nothing else', async () => {
    const { code, out } = await doctor({ TELEGRAM_BOT_TOKEN: 'not-a-token', WORKERS: '2' });
    expect(out).toContain('✖ TELEGRAM_BOT_TOKEN="not-a-token": el token que da @BotFather, como 123456789:AAH…');
    expect(out).toContain('corrija la variable en el archivo de entorno');
    expect(out).not.toContain('Base de datos');
    expect(code).toBe(1);
  });

  it('warns, without failing, about a database not created yet and one with pending migrations', async () => {
    const fresh = await doctor({ DATA_DIR: join(dir, 'fresh'), DATABASE_URL: '' });
    expect(fresh.out).toContain('⚠ Base de datos: aún no existe en');
    expect(fresh.out).toContain('se crea al iniciar Ventanilla por primera vez');
    expect(fresh.code).toBe(0);

    // A new data folder may come migrated from the build's template: the last migration is taken back.
    const unmigrated = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'unmigrated', 'pgdata') });
    await unmigrated.migrate();
    await unmigrated.db.execute(
      sql`delete from drizzle.__drizzle_migrations where created_at = (select max(created_at) from drizzle.__drizzle_migrations)`,
    );
    await unmigrated.close();
    const pending = await doctor({ DATA_DIR: join(dir, 'unmigrated'), DATABASE_URL: '' });
    expect(pending.out).toMatch(/⚠ Base de datos \(.*\): 1 migración pendiente: se aplican solas al iniciar Ventanilla/);
    expect(pending.code).toBe(0);
  });
});
