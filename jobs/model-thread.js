// Worker-thread entry for jobs/model-pool.ts. Plain JavaScript so that it loads under any runner (tsx, node, jest):
// it registers tsx's require hook, then loads the TypeScript thread body.
require('tsx/cjs');
require('./model-thread-body.ts');
