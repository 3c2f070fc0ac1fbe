// cos-request copies every request body that "is a typed array" into a new Buffer, to turn typed arrays
// into Buffers; a Buffer is a Uint8Array, so every 8 MiB part was copied once more in memory. Buffers are
// Buffers already: only other typed arrays need the conversion.
const original = require('../../node_modules/is-typedarray/index.js');
const strict = (value) => !Buffer.isBuffer(value) && original.strict(value);
module.exports = Object.assign((value) => !Buffer.isBuffer(value) && original(value), { strict, loose: original.loose });
