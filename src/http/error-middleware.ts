import type { Application, ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, NotFoundError, ValidationError } from '../errors';

/** Turns every thrown error into JSON with a stable code; unknown errors become a 500 without internals. */
export const errorMiddleware: ErrorRequestHandler = (error, req, res, _next) => {
  // A body left unread (refused before reading it, or cut off): close the connection after the answer instead of reading on.
  if (!req.complete) res.setHeader('Connection', 'close');
  const known = toAppError(error);
  if (known) {
    if (known.statusCode === 405) res.setHeader('Allow', (known.details as { allow: string[] }).allow.join(', '));
    res.status(known.statusCode).json(known.toJSON());
    return;
  }
  req.log?.error({ err: error }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
};

/** No route answers: 405 with Allow when the path has routes for other methods, else 404. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  const allow = allowedMethods(req.app, req.path);
  if (allow.length === 0) next(new NotFoundError(`route ${req.method} ${req.path}`));
  else next(new AppError(405, 'method_not_allowed', `${req.method} is not allowed on ${req.path}`, { allow }));
};

/** Codes of the 4xx errors Express and its body and path handling raise themselves (http-errors with a status). */
const httpErrorCodes: Record<number, string> = { 400: 'bad_request', 413: 'payload_too_large', 415: 'unsupported_media_type' };

function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    const details = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return new ValidationError('request is invalid', details);
  }
  // Express's own client errors (a path it cannot decode, …) keep their status; their message is meant for clients.
  const httpError = error as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  const status = Number(httpError?.status ?? httpError?.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    const message = httpError.expose && typeof httpError.message === 'string' ? httpError.message : 'the request cannot be served';
    return new AppError(status, httpErrorCodes[status] ?? `http_${status}`, message);
  }
  return undefined;
}

interface RouterLayer {
  /** Mounted at '/': matches every path and strips nothing. */
  slash: boolean;
  matchers: Array<(path: string) => false | { path: string }>;
  route?: { methods: Record<string, boolean> };
  handle: { stack?: RouterLayer[] };
}

/** The methods the app's routes serve on a path (HEAD with GET), found by walking its router the way it matches. */
function allowedMethods(app: Application, path: string): string[] {
  const methods = new Set<string>();
  const walk = (stack: RouterLayer[], rest: string) => {
    for (const layer of stack) {
      let matched: false | { path: string } = false;
      try {
        matched = layer.slash ? { path: '' } : layer.matchers.reduce<false | { path: string }>((found, matcher) => found || matcher(rest), false);
      } catch {
        continue;
      }
      if (!matched) continue;
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) if (method !== '_all') methods.add(method.toUpperCase());
      } else if (layer.handle.stack) {
        walk(layer.handle.stack, rest.slice(matched.path.length) || '/');
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, path);
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
