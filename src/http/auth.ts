import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { ApiKey, ApiKeyRole } from '../../db/repositories/api-keys';
import { ForbiddenError, UnauthorizedError } from '../errors';
import type { ApiKeyService } from '../services/api-key-service';
import { type BodyLimits, DEFAULT_BODY_LIMITS, readBody } from './body';

declare module 'express-serve-static-core' {
  interface Request {
    apiKey?: ApiKey;
  }
}

/** What each role may do; admin may do everything. */
const grants: Record<ApiKeyRole, ReadonlySet<Permission>> = {
  viewer: new Set(['read']),
  buyer: new Set(['read', 'decide']),
  erp: new Set(['read', 'import', 'export']),
  admin: new Set(['read', 'decide', 'import', 'export', 'admin']),
};

export type Permission = 'read' | 'decide' | 'import' | 'export' | 'admin';

/**
 * Bearer-key authentication and a permission check, for one route; then the body is read (readBody, within
 * `bodyLimits`): a request that may not call the route costs no read, inflation or parse of its body.
 */
export function requirePermission(apiKeys: ApiKeyService, permission: Permission, bodyLimits: BodyLimits = DEFAULT_BODY_LIMITS): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError();
    const apiKey = await apiKeys.authenticate(match[1]);
    if (!grants[apiKey.role].has(permission)) throw new ForbiddenError(`role ${apiKey.role} may not ${permission}`);
    req.apiKey = apiKey;
    await readBody(req, bodyLimits);
    next();
  };
}
