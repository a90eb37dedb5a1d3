import fs from 'node:fs';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { signatureHeader } from '../../../src/services/webhook-service';

/** The README's signature check, run as a receiver would copy it, against the header replen sends. */
function readmeVerifier(): (secret: string, header: string, rawBody: string, nowSeconds?: number) => boolean {
  const readme = fs.readFileSync(path.resolve(__dirname, '../../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Telling customers when their order ships'));
  const code = /```js\n([\s\S]*?)```/.exec(section)![1];
  expect(code.trim().split('\n').length).toBeLessThanOrEqual(10);
  return new Function('require', `${code}\nreturn verifyReplenSignature;`)(require);
}

describe('Replen-Signature', () => {
  const secret = 'whsec_test-secret';
  const body = '{"id":"evt_1","type":"backorder.covered","createdAt":"2026-12-02T10:00:00.000Z","data":{}}';
  const t = 1_796_205_600;

  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    // The HMAC computed independently of signatureHeader, as RFC 2104 via node:crypto over the same text.
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signatureHeader(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(expected).toMatch(/^[0-9a-f]{64}$/);
  });

  it("passes the README's check, which refuses another body, another secret and a timestamp over 5 minutes old", () => {
    const verify = readmeVerifier();
    const header = signatureHeader(secret, body, t);
    expect(verify(secret, header, body, t + 299)).toBe(true);
    expect(verify(secret, header, body, t + 301)).toBe(false);
    expect(verify(secret, header, body.replace('covered', 'uncovered'), t)).toBe(false);
    expect(verify('whsec_other', header, body, t)).toBe(false);
    expect(verify(secret, 'garbage', body, t)).toBe(false);
  });
});
