/**
 * Kinds of failure a service reports to its caller. Each transport maps a
 * kind to its own status (the admin API to HTTP 4xx), so services stay free
 * of HTTP.
 */
export type ServiceErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'gone'
  | 'too_large'
  | 'unsupported_media_type'
  | 'unprocessable';

/**
 * A failure caused by the request, with a message for the person who sent
 * it: what is wrong and how to fix it. `field` names the input at fault.
 */
export class ServiceError extends Error {
  constructor(
    readonly kind: ServiceErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class InvalidInputError extends ServiceError {
  constructor(message: string, field?: string) {
    super('invalid', 'invalid_request', message, field);
  }
}

export class UnauthorizedError extends ServiceError {
  constructor(message: string) {
    super('unauthorized', 'unauthorized', message);
  }
}

export class ForbiddenError extends ServiceError {
  constructor(message: string, code = 'forbidden') {
    super('forbidden', code, message);
  }
}

export class NotFoundError extends ServiceError {
  constructor(message: string, field?: string) {
    super('not_found', 'not_found', message, field);
  }
}

export class ConflictError extends ServiceError {
  constructor(code: string, message: string, field?: string) {
    super('conflict', code, message, field);
  }
}

export class GoneError extends ServiceError {
  constructor(code: string, message: string) {
    super('gone', code, message);
  }
}

export class PayloadTooLargeError extends ServiceError {
  constructor(message: string) {
    super('too_large', 'payload_too_large', message);
  }
}

export class UnsupportedMediaTypeError extends ServiceError {
  constructor(message: string) {
    super('unsupported_media_type', 'unsupported_media_type', message);
  }
}

export class UnprocessableError extends ServiceError {
  constructor(code: string, message: string, field?: string) {
    super('unprocessable', code, message, field);
  }
}
