import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError, NotFoundError, ValidationError } from '../errors';

/** Turns every thrown error into JSON with a stable code; unknown errors become a 500 without internals. */
export const errorMiddleware: ErrorRequestHandler = (error, req, res, _next) => {
  const known = toAppError(error);
  if (known) {
    res.status(known.statusCode).json(known.toJSON());
    return;
  }
  req.log?.error({ err: error }, 'unhandled error');
  res.status(500).json({ error: { code: 'internal', message: 'internal error' } });
};

export const notFoundHandler: RequestHandler = (req, _res, next) => next(new NotFoundError(`route ${req.method} ${req.path}`));

function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) {
    const details = error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
    return new ValidationError('request is invalid', details);
  }
  const bodyError = error as { type?: string; status?: number; message?: string };
  if (bodyError?.type === 'entity.too.large') return new AppError(413, 'payload_too_large', 'request body is too large');
  if (bodyError?.type === 'entity.parse.failed') return new ValidationError('request body is not valid JSON');
  return undefined;
}
