/**
 * Slows down password guessing without locking anyone out. Failures are counted per submitted
 * email and address, and per address: past a few free failures each further attempt must wait
 * twice as long as the last (1 s, 2 s, 4 s … up to 15 minutes). The owner signing in from their
 * own desk is never held back by someone else's failures from elsewhere, an email that names no
 * account is counted exactly like one that does (so the answers cannot tell them apart), and a
 * success clears that email's count from that address.
 *
 * Per instance and in memory, like the rate limits: it blunts guessing, it is not a ledger.
 */

interface Rule {
  /** Failures allowed before any wait. */
  free: number;
  /** The first wait; each later failure doubles it. */
  firstWaitMs: number;
  maxWaitMs: number;
}

export const LOGIN_THROTTLE_RULES = {
  /** One email from one address: a person mistyping a few times is not slowed. */
  account: { free: 5, firstWaitMs: 1000, maxWaitMs: 15 * 60_000 },
  /** One address trying many emails (password spraying). */
  address: { free: 30, firstWaitMs: 1000, maxWaitMs: 15 * 60_000 },
} as const satisfies Record<string, Rule>;

/** Counts with no failure for this long are forgotten. */
const FORGET_AFTER_MS = 60 * 60_000;
/** Memory stays bounded however many addresses and emails are tried; the oldest counts go first. */
const MAX_ENTRIES = 50_000;

interface Failures {
  count: number;
  lastAt: number;
}

export class LoginThrottle {
  private readonly failures = new Map<string, Failures>();

  constructor(private readonly now: () => Date) {}

  /** Milliseconds before `email` may be tried again from `ip`; 0 when it may now. */
  waitMs(email: string, ip: string): number {
    const at = this.now().getTime();
    return Math.max(
      this.waitOf(this.entry(accountKey(email, ip), at), LOGIN_THROTTLE_RULES.account, at),
      this.waitOf(this.entry(addressKey(ip), at), LOGIN_THROTTLE_RULES.address, at),
    );
  }

  failed(email: string, ip: string): void {
    const at = this.now().getTime();
    for (const key of [accountKey(email, ip), addressKey(ip)]) {
      const count = (this.entry(key, at)?.count ?? 0) + 1;
      // Re-inserted so the Map's order is by last failure, oldest first.
      this.failures.delete(key);
      this.failures.set(key, { count, lastAt: at });
    }
    while (this.failures.size > MAX_ENTRIES) this.failures.delete(this.failures.keys().next().value!);
  }

  succeeded(email: string, ip: string): void {
    this.failures.delete(accountKey(email, ip));
  }

  private entry(key: string, at: number): Failures | undefined {
    const entry = this.failures.get(key);
    if (entry && at - entry.lastAt > FORGET_AFTER_MS) {
      this.failures.delete(key);
      return undefined;
    }
    return entry;
  }

  private waitOf(entry: Failures | undefined, rule: Rule, at: number): number {
    if (!entry || entry.count < rule.free) return 0;
    const wait = Math.min(rule.firstWaitMs * 2 ** (entry.count - rule.free), rule.maxWaitMs);
    return Math.max(0, entry.lastAt + wait - at);
  }
}

const normalEmail = (email: string) => email.trim().toLowerCase();
const accountKey = (email: string, ip: string) => `account:${ip} ${normalEmail(email)}`;
const addressKey = (ip: string) => `address:${ip}`;
