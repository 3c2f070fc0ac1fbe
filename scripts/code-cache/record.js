// Records V8's code cache of each bundle folder given: node record.js DIR... It must run on the Node.js
// release that will load the bundle (SCF's), since V8 accepts only a cache of its own version and flags.
// The bundle's top level is run before the cache is taken, so that the functions loading it compiles are
// in the cache too, not only the outermost one.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join, resolve } = require('node:path');
const { Script } = require('node:vm');

for (const dir of process.argv.slice(2).map((d) => resolve(d))) {
  const file = join(dir, 'bundle.js');
  // The text loader.js compiles, byte for byte.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(source, { filename: file });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dir);
  writeFileSync(join(dir, 'bundle.cache'), script.createCachedData());
}
