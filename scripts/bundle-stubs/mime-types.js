// mime-types (with the 200 KB mime-db) guesses content types from file names, for uploads from file
// paths; the product always sets Content-Type itself and uploads Buffers.
module.exports = { lookup: () => false, contentType: () => false, extension: () => false, charset: () => false, types: {}, extensions: {} };
