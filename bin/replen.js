#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's CommonJS loader, so the package needs no build step.
require('tsx/cjs');
require('../src/cli/index.ts');
