import pino, { type Logger } from 'pino';

/** Creates the process logger: JSON lines on stdout, secrets redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'outpost' },
    redact: {
      paths: ['password', '*.password', 'req.headers.cookie', 'req.headers["x-csrf-token"]', 'token', '*.token'],
      censor: '[redacted]',
    },
  });
}
