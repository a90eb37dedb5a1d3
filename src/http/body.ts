import type { Request } from 'express';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { AppError, ValidationError } from '../errors';
import { lineOfFirstBadByte, undecodableCsv } from '../services/imports/parse';

/**
 * Request bodies, read only once the key is known good (requirePermission calls readBody after authenticating):
 * a request without a valid key never costs a read, an inflation or a parse.
 */
export interface BodyLimits {
  /** Most bytes of a JSON body, after inflation. */
  json: number;
  /** Most bytes of a CSV body, after inflation; absent: the route takes no CSV (a CSV body is a 415). */
  csv?: number;
}

/** What every route but the imports takes: small JSON documents. */
export const DEFAULT_BODY_LIMITS: BodyLimits = { json: 100 * 1024 };

const inflaters: Record<string, () => zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress> = {
  gzip: zlib.createGunzip,
  'x-gzip': zlib.createGunzip,
  deflate: zlib.createInflate,
  br: zlib.createBrotliDecompress,
};

const unsupportedMediaType = (message: string) => new AppError(415, 'unsupported_media_type', message);
const payloadTooLarge = (limit: number) => new AppError(413, 'payload_too_large', `request body is larger than ${limit} bytes`);

/**
 * Reads, inflates (gzip, deflate, br) and decodes the body into req.body: JSON parsed, CSV as text. Refused with the
 * error body format: an unknown Content-Type, Content-Encoding or charset (415), more than the limit once inflated
 * (413: inflation stops there), bad compressed data, bytes that are not valid in the charset (strict: never
 * replaced by U+FFFD), malformed JSON, and a NUL character in any JSON string (400).
 */
export async function readBody(req: Request, limits: BodyLimits): Promise<void> {
  req.body = undefined;
  const length = req.headers['content-length'];
  if ((length === undefined && req.headers['transfer-encoding'] === undefined) || length === '0') return;
  const format = req.is(limits.csv === undefined ? ['application/json'] : ['application/json', 'text/csv']);
  if (!format) {
    const accepted = limits.csv === undefined ? 'application/json' : 'application/json or text/csv';
    throw unsupportedMediaType(`Content-Type ${req.headers['content-type'] ?? '(none)'} is not accepted here: send ${accepted}`);
  }
  const csv = format === 'text/csv';
  const limit = csv ? limits.csv! : limits.json;
  const charset = charsetOf(req.headers['content-type']!) ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset, { fatal: true });
  } catch {
    throw unsupportedMediaType(`charset ${charset} is not supported`);
  }
  if (!csv && decoder.encoding !== 'utf-8') throw unsupportedMediaType(`JSON must be UTF-8, not ${charset}`);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && !inflaters[encoding]) {
    throw unsupportedMediaType(`Content-Encoding ${encoding} is not supported: send identity, gzip, deflate or br`);
  }
  if (encoding === 'identity' && Number(length) > limit) throw payloadTooLarge(limit);

  const bytes = await readAll(req, encoding, limit);
  // An empty body (chunked, or inflated to nothing) is no body, as one without Content-Length.
  if (bytes.length === 0) return;
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    const line = lineOfFirstBadByte(bytes, decoder.encoding);
    if (csv) throw undecodableCsv(new TextDecoder(decoder.encoding).decode(bytes), line);
    throw new ValidationError(`request body is not valid UTF-8 at line ${line}`, { line });
  }
  req.body = csv ? text : parseJson(text);
}

/** The charset parameter of a Content-Type header, unquoted. */
function charsetOf(contentType: string): string | undefined {
  return /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType)?.[1];
}

/**
 * The body's bytes, inflated, up to `limit`: past it the inflater and the request are stopped. On any error the rest
 * of the request is left unread and the connection closed after the answer (the error middleware sees req.complete).
 */
function readAll(req: Request, encoding: string, limit: number): Promise<Buffer> {
  const inflater = encoding === 'identity' ? undefined : inflaters[encoding]();
  const source: Readable = inflater ? req.pipe(inflater) : req;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (error: Error) => {
      source.removeAllListeners('data');
      if (inflater) {
        req.unpipe(inflater);
        inflater.destroy();
      }
      req.pause();
      reject(error);
    };
    source.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) stop(payloadTooLarge(limit));
      else chunks.push(chunk);
    });
    source.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('close', () => {
      if (!req.complete) stop(new ValidationError('the request body was cut off (the client went away)'));
    });
    source.once('error', (error) => stop(inflater ? new ValidationError(`request body is not valid ${encoding} data: ${error.message}`) : error));
    if (inflater) req.once('error', stop);
  });
}

function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`request body is not valid JSON: ${(error as Error).message}`);
  }
  // A NUL can only reach a parsed string as the escape \u0000 (a raw one is invalid JSON): walk only then.
  const path = /\\u0000/i.test(text) ? pathOfNul(value) : undefined;
  if (path !== undefined) throw new ValidationError('request is invalid', [{ path, message: 'text must not contain a NUL character (\\u0000)' }]);
  return value;
}

/** The path of a string or field name holding a NUL (PostgreSQL text cannot hold one), walked without recursion. */
function pathOfNul(root: unknown): string | undefined {
  const stack: Array<{ value: unknown; path: Array<string | number> }> = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\0')) return path.join('.');
    } else if (value !== null && typeof value === 'object') {
      const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
      for (const [key, item] of entries) {
        if (typeof key === 'string' && key.includes('\0')) return [...path, key].join('.');
        stack.push({ value: item, path: [...path, key] });
      }
    }
  }
  return undefined;
}
