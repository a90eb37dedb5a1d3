import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import { ValidationError } from '../errors';
import type { Logger } from '../logger';

/** A client's X-Request-Id is kept when it is a short token; anything else (long, markup, spaces) is replaced. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * One log line per answered request (none for /health and /ready): request id, method, route pattern, status and
 * duration in ms; at debug level also the URL and the headers (authorization and cookies redacted by the logger).
 * The request id is the client's X-Request-Id when it is a short token, else a new UUID, and is sent back.
 */
export function requestLogging(logger: Logger): RequestHandler {
  const debug = logger.isLevelEnabled('debug');
  const line = (req: IncomingMessage, res: ServerResponse, responseTime: number) => {
    const request = req as Request;
    return {
      method: req.method,
      route: request.route ? `${request.baseUrl}${String(request.route.path)}` : 'unmatched',
      status: res.statusCode,
      ms: responseTime,
      ...(debug ? { url: request.originalUrl, headers: req.headers } : {}),
    };
  };
  return pinoHttp({
    logger,
    quietReqLogger: true,
    quietResLogger: true,
    genReqId: (req, res) => {
      const given = req.headers['x-request-id'];
      const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    customSuccessObject: (req, res, values) => line(req, res, values.responseTime as number),
    customSuccessMessage: () => 'request',
    customErrorObject: (req, res, error, values) => ({ ...line(req, res, values.responseTime as number), err: error }),
    customErrorMessage: () => 'request failed',
    autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' },
  });
}

/**
 * Refuses (400, before any route) a path that is not valid percent-encoding (/skus/%E0%A4%A) and a path or query
 * value holding a NUL character (PostgreSQL text cannot hold one), naming where.
 */
export const requestChecks: RequestHandler = (req, _res, next) => {
  const invalid = (where: string, message: string) => new ValidationError('request is invalid', [{ path: where, message }]);
  const [path, query = ''] = req.originalUrl.split(/\?(.*)/s, 2);
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(path);
  } catch {
    throw invalid('path', 'not valid percent-encoding (a % must start a UTF-8 byte sequence such as %C3%A9)');
  }
  if (decodedPath.includes('\0')) throw invalid('path', 'must not contain a NUL character');
  for (const part of query.split('&')) {
    const equals = part.indexOf('=');
    const [rawName, rawValue] = equals === -1 ? [part, ''] : [part.slice(0, equals), part.slice(equals + 1)];
    let name: string;
    let value: string;
    try {
      [name, value] = [rawName, rawValue].map((text) => decodeURIComponent(text.replace(/\+/g, ' ')));
    } catch {
      throw invalid(`query.${rawName}`, 'not valid percent-encoding');
    }
    if (`${name}${value}`.includes('\0')) throw invalid(`query.${name.replace(/\0/g, '\\0')}`, 'must not contain a NUL character');
  }
  next();
};
