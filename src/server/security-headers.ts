import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** What a response may load when its route says nothing: nothing, and it may not be framed. */
export const DEFAULT_CSP = "default-src 'none'; frame-ancestors 'none'";

/** A policy written as browsers read it, in the shape helmet wants, with none of helmet's defaults added. */
export function contentSecurityPolicy(policy: string) {
  const directives = Object.fromEntries(
    policy
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name!, values]),
  );
  return { useDefaults: false, directives };
}

/**
 * `@fastify/helmet` for every response: nosniff, no referrer and a policy (the closed default,
 * or a route's own). Helmet's other headers are off on purpose: the chat is framed and
 * widget.js is loaded by municipality sites (no X-Frame-Options, no same-origin resource or
 * embedder policy), and HSTS belongs to the TLS proxy in front of us.
 */
export const securityHeaders: FastifyHelmetOptions = {
  contentSecurityPolicy: contentSecurityPolicy(DEFAULT_CSP),
  referrerPolicy: { policy: 'no-referrer' },
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  strictTransportSecurity: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xFrameOptions: false,
  xPermittedCrossDomainPolicies: false,
  xPoweredBy: false,
  xXssProtection: false,
};

/** A route's own policy, for `{ helmet: routePolicy(…) }` in its options. */
export const routePolicy = (policy: string) => ({ contentSecurityPolicy: contentSecurityPolicy(policy) });

/**
 * Gives every route registered in this scope from now on (those of plugins it registers too,
 * such as `@fastify/static`'s) the given policy.
 */
export function scopePolicy(scope: FastifyInstance, policy: string): void {
  const helmet = routePolicy(policy);
  scope.addHook('onRoute', (route) => {
    route.config = Object.assign(route.config ?? {}, { helmet });
  });
}

/**
 * Scripts go out as `text/javascript` (RFC 9239), as browsers and our checks expect, rather than
 * the older `application/javascript` the static plugin's type table gives.
 */
export function javascriptAsText(reply: FastifyReply, path: string): FastifyReply {
  return path.endsWith('.js') ? reply.header('content-type', 'text/javascript; charset=utf-8') : reply;
}
