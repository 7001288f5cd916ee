import type { z } from 'zod';
import type { MessageKey } from './i18n/index.js';

/**
 * Deliberate errors: domain code throws these and the HTTP layer maps them to a status and a
 * localized message. Anything else is a bug and is logged and masked as a 500.
 */
export class AppError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly status: number,
    readonly params: Record<string, string | number> = {},
    readonly details?: unknown,
  ) {
    super(code);
    this.name = new.target.name;
  }
}

export class InvalidInput extends AppError {
  constructor(code: MessageKey = 'error.invalid_input', params: Record<string, string | number> = {}, details?: unknown) {
    super(code, 400, params, details);
  }
}

/** An error that is its status and a default message, nothing more. */
function plainError(status: number, fallback: MessageKey) {
  return class extends AppError {
    constructor(code: MessageKey = fallback) {
      super(code, status);
    }
  };
}

export class Unauthorized extends plainError(401, 'error.unauthorized') {}
export class Forbidden extends plainError(403, 'error.forbidden') {}
export class NotFound extends plainError(404, 'error.not_found') {}
export class Conflict extends plainError(409, 'error.conflict') {}

export class PayloadTooLarge extends AppError {
  constructor(code: MessageKey = 'error.payload_too_large', params: Record<string, string | number> = {}) {
    super(code, 413, params);
  }
}

export class UnsupportedMediaType extends AppError {
  constructor(params: Record<string, string | number>) {
    super('error.unsupported_media_type', 415, params);
  }
}

export class TooManyRequests extends AppError {
  constructor(code: MessageKey = 'error.too_many_requests') {
    super(code, 429);
  }
}

/** A zod failure as indented `path: message` lines, for errors about files an admin edits. */
export function describeIssues(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }): string {
  return error.issues.map((i) => `  ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('\n');
}

/** Parses a file's JSON with its schema, or throws the error `fail` makes of the issues. */
export function parseOrThrow<S extends z.ZodType>(schema: S, json: unknown, fail: (issues: string) => Error): z.infer<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw fail(describeIssues(parsed.error));
  return parsed.data;
}
