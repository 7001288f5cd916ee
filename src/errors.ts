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

export class Unauthorized extends AppError {
  constructor(code: MessageKey = 'error.unauthorized') {
    super(code, 401);
  }
}

export class Forbidden extends AppError {
  constructor(code: MessageKey = 'error.forbidden') {
    super(code, 403);
  }
}

export class NotFound extends AppError {
  constructor(code: MessageKey = 'error.not_found') {
    super(code, 404);
  }
}

export class Conflict extends AppError {
  constructor(code: MessageKey = 'error.conflict') {
    super(code, 409);
  }
}

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
