// The entry file (index.js) of each bundle scripts/build.mjs makes: runs bundle.js beside it with the V8
// code cache recorded for it at build time on SCF's Node.js release (bundle.cache, see record.js). A cold
// start then loads the bundle's compiled code instead of parsing and compiling about 850 KB of JavaScript.
// V8 rejects a cache recorded by another V8 or under other V8 flags, and the bundle then compiles as it
// would without one: `require('./index.js').codeCache` says which happened.
'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const { Script } = require('node:vm');

const file = join(__dirname, 'bundle.js');
// The text record.js compiles, byte for byte: V8 accepts a cache only for the source it was made from.
const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
let cachedData;
try {
  cachedData = readFileSync(join(__dirname, 'bundle.cache'));
} catch {
  // Built without a cache (SCF's Node.js could not be fetched): compile as usual.
}
const script = new Script(source, { filename: file, cachedData });
script.runInThisContext().call(module.exports, module.exports, require, module, file, __dirname);
Object.defineProperty(module.exports, 'codeCache', { value: cachedData === undefined ? 'absent' : script.cachedDataRejected ? 'rejected' : 'accepted' });
