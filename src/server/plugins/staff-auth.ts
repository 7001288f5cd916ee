import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate, type StaffPrincipal } from '../../auth/sessions.js';
import { bearerToken } from '../../channels/web/verify.js';
import type { Db } from '../../db/client.js';
import { AppError, Forbidden } from '../../errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in staff member, inside a scope that called `staffAuth`. */
    staff?: StaffPrincipal;
  }
}

export const SESSION_COOKIE = 'ventanilla_staff';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The anti-CSRF token is derived from the session token: a page can learn it only from our API
 * (same origin), a forged cross-site request cannot, and nothing extra is stored.
 */
export const csrfTokenFor = (sessionToken: string) => createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url');

const cookieOptions = (secure: boolean) => ({ path: '/', httpOnly: true, sameSite: 'strict' as const, secure });

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { ...cookieOptions(secure), expires: expiresAt });
}

export function clearSessionCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(SESSION_COOKIE, cookieOptions(secure));
}

/** The session token a request carries: a bearer header (scripts) or the console's cookie (read by @fastify/cookie). */
export function sessionTokenOf(request: FastifyRequest): { token: string | undefined; viaCookie: boolean } {
  const bearer = bearerToken(request.headers.authorization);
  if (bearer) return { token: bearer, viaCookie: false };
  return { token: request.cookies[SESSION_COOKIE], viaCookie: true };
}

/** Authenticates, and for a cookie session's mutating request demands the anti-CSRF header. */
export async function authenticateStaff(db: Db, request: FastifyRequest): Promise<StaffPrincipal> {
  const { token, viaCookie } = sessionTokenOf(request);
  const staff = await authenticate(db, token);
  if (viaCookie && !SAFE_METHODS.has(request.method)) {
    const sent = Buffer.from(String(request.headers['x-csrf-token'] ?? ''));
    const expected = Buffer.from(csrfTokenFor(token!));
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) throw new AppError('error.csrf', 403);
  }
  return staff;
}

/**
 * The one staff authentication: every route registered in `scope` after this call needs a valid
 * session (bearer or cookie) and finds its staff member on `request.staff`. Call it inside a
 * `register`ed child so the public routes beside it stay public.
 */
export function staffAuth(scope: FastifyInstance, db: Db): void {
  scope.decorateRequest('staff', undefined);
  // The API's document marks these routes as needing a session (see openapi.ts).
  scope.addHook('onRoute', (route) => {
    route.config = Object.assign(route.config ?? {}, { staffSession: true });
  });
  scope.addHook('onRequest', async (request) => {
    request.staff = await authenticateStaff(db, request);
  });
}

/** The signed-in staff member of a request inside a `staffAuth` scope. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  if (!request.staff) throw new Error('staffOf() called outside a staffAuth scope');
  return request.staff;
}

/** The staff member, if their role is one of `roles`; otherwise 403. */
export function requireRole(request: FastifyRequest, roles: readonly StaffPrincipal['role'][]): StaffPrincipal {
  const staff = staffOf(request);
  if (!roles.includes(staff.role)) throw new Forbidden();
  return staff;
}
