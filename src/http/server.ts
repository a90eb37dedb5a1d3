import http from 'node:http';
import type { Express } from 'express';

export interface ServerOptions {
  host: string;
  port: number;
  /** HTTP_HEADERS_TIMEOUT_SECONDS: the headers of a request must arrive within this. */
  headersTimeoutSeconds: number;
  /** HTTP_REQUEST_TIMEOUT_SECONDS: the whole request, body included, must arrive within this. */
  requestTimeoutSeconds: number;
}

/**
 * The HTTP server of the app, listening. A client slower than the timeouts (a body sent a byte a second) gets a 408
 * and loses the connection; Node checks them every second instead of its default 30.
 */
export function listen(app: Express, options: ServerOptions): Promise<http.Server> {
  const requestTimeout = options.requestTimeoutSeconds * 1000;
  const server = http.createServer(
    { requestTimeout, headersTimeout: Math.min(options.headersTimeoutSeconds * 1000, requestTimeout), connectionsCheckingInterval: 1000 },
    app,
  );
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}
