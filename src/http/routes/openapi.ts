import { Router } from 'express';
import { docsPage, openApiDocument } from '../openapi';

/** The API description, public like /health: it holds no data. Built once; it only changes with the code. */
export function openApiRoutes(): Router {
  const router = Router();
  const document = openApiDocument();
  const page = docsPage(document);
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.get('/docs', (_req, res) => {
    res.type('html').send(page);
  });
  return router;
}
