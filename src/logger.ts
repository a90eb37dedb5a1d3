import pino from 'pino';

export type Logger = pino.Logger;

/**
 * JSON logs. Secrets that may pass through headers (authorization, cookies) are redacted wherever headers are logged
 * (request lines carry them only at debug level). `destination`: where lines go (stdout unless a test listens).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const redact = {
    paths: ['headers.authorization', 'headers.cookie', 'req.headers.authorization', 'req.headers.cookie', '*.apiKey', '*.password'],
    censor: '[redacted]',
  };
  return destination ? pino({ level, redact }, destination) : pino({ level, redact });
}
