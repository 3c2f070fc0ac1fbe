// cos-request (the COS SDK's HTTP client) builds a global cookie jar when it loads, but keeps cookies
// disabled unless a request passes `jar`, which the COS SDK never does. A jar that stores nothing.
class CookieJar {
  setCookieSync() {}
  getCookieStringSync() {
    return '';
  }
  getCookiesSync() {
    return [];
  }
}
module.exports = { CookieJar, Cookie: { parse: () => undefined } };
