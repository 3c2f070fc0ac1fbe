'use strict';
// Jest transformer: strips TypeScript with esbuild. Type errors are caught by `npm run typecheck`.
const { transformSync } = require('esbuild');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');

// A change to this transformer must invalidate jest's cache of transformed files.
const SELF = readFileSync(__filename);

module.exports = {
  getCacheKey(source, filename) {
    return createHash('sha1').update(SELF).update(filename).update('\0').update(source).digest('hex');
  },
  process(source, filename) {
    const out = transformSync(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
      // jest runs CommonJS without ESM support: dynamic import() becomes require().
      supported: { 'dynamic-import': false },
    });
    return { code: out.code };
  },
};
