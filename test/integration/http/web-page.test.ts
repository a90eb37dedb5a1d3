import request from 'supertest';
import { openTestApp, type TestApp } from '../../helpers/catalogue';

/**
 * The buyers' page as served (its behaviour in a browser is test/e2e/buyers-page.test.ts, which needs chromium):
 * public shell, script bundled by esbuild from src/web/client, stylesheet, the CSP they run under, and /app/session.
 */
describe('the buyers’ page over HTTP on pglite', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp('pglite');
  });
  afterAll(() => t.testDb.drop());

  it('serves the page without a key, loading only same-origin script and style, nothing inline', async () => {
    const page = await request(t.app).get('/').expect(200).expect('Content-Type', /html/);
    expect(page.text).toContain('<script src="/app/main.js" defer></script>');
    expect(page.text).toContain('<link rel="stylesheet" href="/app/styles.css">');
    expect(page.text).not.toMatch(/<script>|<style|\sstyle="|\son\w+="|https?:\/\//);
  });

  it('sends helmet’s CSP, which allows exactly that, without upgrade-insecure-requests (it breaks plain HTTP on a LAN)', async () => {
    const csp = (await request(t.app).get('/').expect(200)).headers['content-security-policy'];
    const directives = Object.fromEntries(csp.split(';').map((part: string) => part.trim().split(/\s+/)).map(([name, ...values]: string[]) => [name, values]));
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['script-src-attr']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives).not.toHaveProperty('upgrade-insecure-requests');
  });

  it('bundles the client once: a minified script with no module loader left, the same bytes on every request', async () => {
    const first = await request(t.app).get('/app/main.js').expect(200).expect('Content-Type', /javascript/);
    expect(first.text).toContain('/recommendations');
    expect(first.text).not.toMatch(/\brequire\(|^import /m);
    const second = await request(t.app).get('/app/main.js').expect(200);
    expect(second.text).toBe(first.text);
    await request(t.app).get('/app/styles.css').expect(200).expect('Content-Type', /css/);
  });

  it('answers /app/session with the key’s name and role, and 401 without a key', async () => {
    await request(t.app).get('/app/session').expect(401);
    for (const role of ['viewer', 'buyer'] as const) {
      const response = await request(t.app).get('/app/session').set('Authorization', `Bearer ${t.keys[role]}`).expect(200);
      expect(response.body).toEqual({ name: role, role });
      expect(response.headers['cache-control']).toBe('no-store');
    }
  });
});
