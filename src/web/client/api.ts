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

/**
 * Saves what the API answers at `path` as a file (an export: CSV or XLSX): fetched with the key, then handed to the
 * browser as a download under the name the API gives in Content-Disposition.
 */
export async function download(path: string): Promise<string> {
  const response = await fetch(path, { headers: { Authorization: `Bearer ${storedKey.get() ?? ''}` } });
  if (!response.ok) {
    const error = (await response.json().catch(() => null))?.error ?? {};
    throw new ApiError(response.status, error.code ?? 'http_error', error.message ?? `GET ${path} answered ${response.status}`);
  }
  const name = /filename="([^"]+)"/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? 'export';
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
