// zod for every schema in the product, from here only, imported as a namespace (`import * as z`).
// `zod/mini` is the same validation as zod's classic API in functions rather than methods, so the bundler
// keeps only the functions used: classic kept all of zod in the consumer bundle, every locale included
// (448 KiB of its 1.26 MiB), where this keeps 35 KiB. zod's own `z` export is an object holding everything,
// which would keep it all again: hence the namespace import.
// Mini sets no locale, so every default message would be "Invalid input"; those messages are part of the
// configuration and event errors users read, so the English locale classic uses is set here, before any
// schema in a module importing this one can parse.
import { config } from 'zod/mini';
import { en } from 'zod/locales';

config(en());

export * from 'zod/mini';
