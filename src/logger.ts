import pino from 'pino';

export type Logger = pino.Logger;

/** JSON logs; secrets that may pass through headers are redacted. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.apiKey', '*.password'], censor: '[redacted]' },
  });
}
