import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real Dovecot IMAP server for one test file: its own config, users, maildirs, sockets and log
 * in a temporary directory, listening on 127.0.0.1 on a free port, with one user and a plain
 * password. Runs as root (how CI runs) and as an ordinary user. `stop()`/`start()` take it away
 * and bring it back on the same port, as a mail server restart does.
 */
export interface Dovecot {
  host: string;
  port: number;
  user: string;
  password: string;
  /** `imap://user:password@127.0.0.1:port`, user and password URL-encoded. */
  url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  log(): string;
  /** Stops the server and removes its directory. */
  destroy(): Promise<void>;
}

const DOVECOT = '/usr/sbin/dovecot';

export function dovecotAvailable(): boolean {
  try {
    execFileSync(DOVECOT, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function dovecotMajorMinor(): [number, number] {
  const version = execFileSync(DOVECOT, ['--version'], { encoding: 'utf8' }).trim();
  const [major, minor] = version.split(/[.\s]/).map(Number);
  return [major ?? 2, minor ?? 3];
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`Dovecot did not listen on ${port} within ${timeoutMs} ms:\n${log()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startDovecot(options: { user?: string; password?: string } = {}): Promise<Dovecot> {
  const user = options.user ?? 'atencion';
  // passwd-file separates fields with colons, so the password may hold anything else.
  const password = options.password ?? 'clave/con@raros#y%';
  const dir = mkdtempSync(join(tmpdir(), 'ventanilla-dovecot-'));
  const root = process.getuid?.() === 0;
  // Mail processes never run as root: as root they run as `nobody`, who must own the maildirs.
  const mailUid = root ? 65534 : process.getuid!();
  const mailGid = root ? 65534 : process.getgid!();
  const loginUser = root ? 'dovenull' : (process.env.USER ?? execFileSync('id', ['-un'], { encoding: 'utf8' }).trim());
  const internalUser = root ? 'dovecot' : loginUser;
  // Dovecot's sockets belong to this group; an ordinary user can only hand them to their own.
  const internalGroup = root ? 'dovecot' : execFileSync('id', ['-gn'], { encoding: 'utf8' }).trim();
  chmodSync(dir, 0o755);
  for (const sub of ['run', 'state', 'mail', 'home']) mkdirSync(join(dir, sub));
  for (const sub of ['mail', 'home']) if (root) chownSync(join(dir, sub), mailUid, mailGid);
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}:${mailUid}:${mailGid}::${join(dir, 'home', user)}::\n`);
  const port = await freePort();
  const [major, minor] = dovecotMajorMinor();
  // Dovecot 2.4 (Debian 13) renamed much of the configuration; 2.3 is Debian 12's. The global
  // `listen` is the listener address in both (2.4 has no per-listener `address`).
  const modern = major > 2 || (major === 2 && minor >= 4);
  const common = `
protocols = imap
listen = 127.0.0.1
base_dir = ${join(dir, 'run')}
state_dir = ${join(dir, 'state')}
log_path = ${join(dir, 'dovecot.log')}
ssl = no
auth_mechanisms = plain login
default_login_user = ${loginUser}
default_internal_user = ${internalUser}
default_internal_group = ${internalGroup}
first_valid_uid = 1
first_valid_gid = 1
service imap-login {
  chroot =
  inet_listener imap {
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
`;
  const legacy = `
disable_plaintext_auth = no
mail_location = maildir:${join(dir, 'mail')}/%u
passdb {
  driver = passwd-file
  args = ${join(dir, 'users')}
}
userdb {
  driver = passwd-file
  args = ${join(dir, 'users')}
}
`;
  const current = `
dovecot_config_version = ${major}.${minor}.0
dovecot_storage_version = ${major}.${minor}.0
auth_allow_cleartext = yes
mail_driver = maildir
mail_path = ${join(dir, 'mail')}/%{user}
namespace inbox {
  inbox = yes
}
passdb passwd-file {
  passwd_file_path = ${join(dir, 'users')}
}
userdb passwd-file {
  passwd_file_path = ${join(dir, 'users')}
}
`;
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(conf, (modern ? current : '') + common + (modern ? '' : legacy));
  const readLog = () => {
    try {
      return readFileSync(join(dir, 'dovecot.log'), 'utf8');
    } catch {
      return '';
    }
  };

  let child: ChildProcess | undefined;
  let output = '';
  async function start() {
    output = '';
    child = spawn(DOVECOT, ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitForPort(port, 15_000, () => output + readLog());
  }
  async function stop() {
    const proc = child;
    child = undefined;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    await exited;
  }
  // A test run that dies must not leave a Dovecot behind.
  process.once('exit', () => child?.kill('SIGKILL'));
  await start();
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    url: `imap://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    start,
    stop,
    log: () => output + readLog(),
    destroy: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
