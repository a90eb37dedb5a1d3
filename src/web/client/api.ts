/// <reference lib="dom" />
/** The page's one way to the API: the key from sessionStorage on every call, JSON in and out, errors as ApiError. */

const KEY_STORAGE = 'replen.apiKey';
export const UNAUTHORIZED_EVENT = 'replen:unauthorized';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ApiResponse<T> {
  body: T;
  etag: string | null;
}

export const storedKey = {
  get: (): string | null => sessionStorage.getItem(KEY_STORAGE),
  set: (key: string) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

export async function call<T>(method: string, path: string, options: { body?: unknown; ifMatch?: string } = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', Authorization: `Bearer ${storedKey.get() ?? ''}` };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.ifMatch) headers['If-Match'] = options.ifMatch;
  const response = await fetch(path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    // A key revoked while the page is open: the page goes back to its sign-in form (see main.ts).
    if (response.status === 401) window.dispatchEvent(new Event(UNAUTHORIZED_EVENT));
    const error = body?.error ?? {};
    throw new ApiError(response.status, error.code ?? 'http_error', error.message ?? `${method} ${path} answered ${response.status}`);
  }
  return { body: body as T, etag: response.headers.get('ETag') };
}

/** A query string from the filled-in fields only. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
