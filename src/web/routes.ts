import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { build } from 'esbuild';
import type { ApiKeyService } from '../services/api-key-service';
import { requirePermission } from '../http/auth';

/**
 * The client bundled by esbuild in memory, once per process on first request: no build step, no files written,
 * and a code change shows after a restart. A failed build is not cached, so the next request tries again.
 */
function bundler(): () => Promise<string> {
  let pending: Promise<string> | undefined;
  return () => {
    pending ??= build({
      entryPoints: [path.join(__dirname, 'client', 'main.ts')],
      bundle: true,
      write: false,
      format: 'iife',
      target: 'es2020',
      minify: true,
      legalComments: 'none',
      logLevel: 'silent',
    }).then(
      (result) => result.outputFiles[0].text,
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

/**
 * The buyers' page: one HTML shell, its script and stylesheet, all public (they hold no data; the page's calls
 * to the API carry the buyer's key), and /app/session, which tells the page whose key it holds.
 */
export function webRoutes(apiKeys: ApiKeyService): Router {
  const router = Router();
  const page = fs.readFileSync(path.join(__dirname, 'page', 'index.html'), 'utf8');
  const styles = fs.readFileSync(path.join(__dirname, 'page', 'styles.css'), 'utf8');
  const script = bundler();

  router.get('/', (_req, res) => {
    res.type('html').setHeader('Cache-Control', 'no-cache').send(page);
  });
  router.get('/app/styles.css', (_req, res) => {
    res.type('css').setHeader('Cache-Control', 'no-cache').send(styles);
  });
  router.get('/app/main.js', async (_req, res) => {
    res.type('js').setHeader('Cache-Control', 'no-cache').send(await script());
  });
  router.get('/app/session', requirePermission(apiKeys, 'read'), (req, res) => {
    const { name, role } = req.apiKey!;
    res.setHeader('Cache-Control', 'no-store').json({ name, role });
  });
  return router;
}
