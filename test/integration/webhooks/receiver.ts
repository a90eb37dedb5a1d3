import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, unknown>;
  /** Whether Replen-Signature checked out against the secret, within 5 minutes of the receiver's clock. */
  verified: boolean;
  /** What the receiver answered: a status code, or 'hang' (it never answered). */
  answered: number | 'hang';
}

/**
 * A real webhook receiver on 127.0.0.1, written as a customer would (the README's check): it verifies the signature
 * of every request with the endpoint's secret and answers what `respond` says, or never answers ('hang').
 */
export class Receiver {
  readonly received: Received[] = [];
  secret = '';
  respond: (event: Received, index: number) => number | 'hang' = () => 200;
  /** The receiver's clock in unix seconds (the tests that move replen's clock move this one too). */
  nowSeconds: () => number = () => Math.floor(Date.now() / 1000);
  private readonly server: http.Server;
  private readonly hanging = new Set<http.ServerResponse>();

  constructor() {
    this.server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const event = JSON.parse(body) as Received;
        event.verified = verifySignature(this.secret, String(request.headers['replen-signature'] ?? ''), body, this.nowSeconds());
        event.answered = this.respond(event, this.received.length);
        this.received.push(event);
        if (event.answered === 'hang') {
          this.hanging.add(response);
          return;
        }
        response.statusCode = event.answered;
        response.end('ok');
      });
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks/replen`;
  }

  ids(): string[] {
    return this.received.map((event) => event.id);
  }

  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** `t=<unix>,v1=<hex HMAC-SHA256("t.body")>`, and t no more than 5 minutes from now (a replay is refused). */
export function verifySignature(secret: string, header: string, body: string, nowSeconds: number): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2) as [string, string]));
  if (!parts.t || !parts.v1 || Math.abs(nowSeconds - Number(parts.t)) > 300) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex'));
  const given = Buffer.from(parts.v1);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
