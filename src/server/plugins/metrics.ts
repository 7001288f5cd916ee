import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIPv4 } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import { Forbidden, Unauthorized } from '../../errors.js';
import type { Metrics } from '../../metrics/metrics.js';

export interface MetricsOptions {
  metrics: Metrics;
  /** METRICS_TOKEN: when set, a scrape must send it as `Authorization: Bearer …`. */
  token: string | undefined;
  /** METRICS_ALLOW: the addresses that may scrape; unset, this machine only, or anyone holding the token. */
  allow: readonly string[] | undefined;
}

/** What a scraper may read when nothing is configured: the machine itself. */
const LOOPBACK = ['127.0.0.0/8', '::1'];

/**
 * GET /metrics in the Prometheus text format (issue 21). It tells how busy the office is, so
 * it is not public: a token, an admin network, or — with neither configured — this machine
 * only. The address is Fastify's `request.ip`, which believes X-Forwarded-For only from
 * TRUST_PROXY: behind a reverse proxy on the same machine, set TRUST_PROXY or METRICS_TOKEN.
 */
export const metricsPlugin: FastifyPluginAsync<MetricsOptions> = async (app, { metrics, token, allow }) => {
  const ranges = allow ?? (token ? undefined : LOOPBACK);
  const allowed = ranges ? blockListOf(ranges) : undefined;
  const expected = token ? digest(token) : undefined;

  app.get('/metrics', async (request, reply) => {
    if (allowed && !isAllowed(allowed, request.ip)) throw new Forbidden();
    if (expected) {
      const sent = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
      // Both sides hashed to one length, so the comparison takes the same time whatever was sent.
      if (!sent || !timingSafeEqual(digest(sent), expected)) throw new Unauthorized();
    }
    reply.header('cache-control', 'no-store').type(metrics.contentType);
    return metrics.render();
  });
};

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function blockListOf(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const range of ranges) {
    const [address = '', prefix] = range.split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** An IPv4 client on a dual-stack socket shows as `::ffff:10.0.0.5`: checked as the IPv4 address it is. */
function isAllowed(list: BlockList, ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  const address = mapped ?? ip;
  try {
    return list.check(address, isIPv4(address) ? 'ipv4' : 'ipv6');
  } catch {
    return false;
  }
}
