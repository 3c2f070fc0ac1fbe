// Records V8's code cache of each bundle folder given: node record.js DIR... It must run on the Node.js
// release that will load the bundle (SCF's), since V8 accepts only a cache of its own version and flags.
// The bundle's top level is run before the cache is taken, so that the functions loading it compiles are
// in the cache too, not only the outermost one.
// With CODE_CACHE_TRAINING (JSON: event, resultFile; the consumer's configuration in the environment; see
// src/local/code-cache.ts), the bundle's handler is invoked once before the cache is taken, so that the
// cache holds every function an invocation runs; its result goes to resultFile.
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join, resolve } = require('node:path');
const v8 = require('node:v8');
const { Script } = require('node:vm');

async function record(dir, training) {
  const file = join(dir, 'bundle.js');
  // The text loader.js compiles, byte for byte.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(source, { filename: file });
  const module = { exports: {} };
  script.runInThisContext().call(module.exports, module.exports, createRequire(file), module, file, dir);
  if (training) {
    const { event, resultFile } = JSON.parse(training);
    if (typeof module.exports.main_handler !== 'function') throw new Error(`${file} exports no main_handler to train with`);
    const context = { request_id: 'code-cache-training', function_name: 'code-cache-training', time_limit_in_ms: 60000, memory_limit_in_mb: 128 };
    writeFileSync(resultFile, JSON.stringify(await module.exports.main_handler(event, context)));
  }
  writeFileSync(join(dir, 'bundle.cache'), script.createCachedData());
}

async function main() {
  const training = process.env.CODE_CACHE_TRAINING;
  // V8 rejects a cache taken under other flags than the loading process has, and the consumer tunes its
  // young generation with a V8 flag when it runs (src/util/young-generation.ts): during training, flags
  // stay as a fresh process has them.
  if (training) v8.setFlagsFromString = () => {};
  for (const dir of process.argv.slice(2).map((d) => resolve(d))) await record(dir, training);
  // The handler's sockets and timers would keep the process alive.
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
