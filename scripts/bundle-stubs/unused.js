// form-data, which the Tencent Cloud SDK loads for multipart form requests that no API this product calls
// makes, and whatwg-url, which node-fetch only uses where Node has no URL class. Using one is a bug.
function unused() {
  throw new Error('a module stubbed out of the SCF bundle was used (see scripts/bundle-stubs)');
}
module.exports = new Proxy(unused, { get: (target, name) => (name === '__esModule' ? false : name === 'URL' ? globalThis.URL : unused) });
