// An API 3.0 request's parameters: a JSON body for POST, the query string for GET (form-encoded, nested
// names flattened with dots as the SDKs send them: `Filters.0.Name=x` is `{ Filters: [{ Name: 'x' }] }`).

export class ParamsError extends Error {}

type Tree = Record<string, unknown> | unknown[];

function unflatten(pairs: Iterable<[string, string]>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [name, value] of pairs) {
    const path = name.split('.');
    if (path.some((part) => part === '' || part === '__proto__' || part === 'constructor' || part === 'prototype')) throw new ParamsError(`The parameter name "${name}" is not valid.`);
    let node: Tree = root;
    for (const [i, part] of path.entries()) {
      const slot = Array.isArray(node) ? Number(part) : part;
      if (Array.isArray(node) && !Number.isInteger(slot)) throw new ParamsError(`The parameter name "${name}" mixes a list index and a field.`);
      const holder = node as Record<string | number, unknown>;
      if (i === path.length - 1) {
        if (holder[slot] !== undefined) throw new ParamsError(`The parameter "${name}" is given twice.`);
        holder[slot] = value;
      } else {
        const child: unknown = holder[slot] ?? (/^\d+$/.test(path[i + 1]!) ? [] : {});
        if (typeof child !== 'object' || child === null) throw new ParamsError(`The parameter "${name}" is both a value and a structure.`);
        holder[slot] = child;
        node = child as Tree;
      }
    }
  }
  return root;
}

export function requestParams(method: string, contentType: string, query: string, body: Buffer): Record<string, unknown> {
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (method === 'GET') {
    // The signature document: GET takes application/x-www-form-urlencoded only.
    if (mediaType !== 'application/x-www-form-urlencoded') throw new ParamsError(`GET requests take Content-Type application/x-www-form-urlencoded, not "${contentType}".`);
    return unflatten(new URLSearchParams(query));
  }
  if (method !== 'POST') throw new ParamsError(`The method ${method} is not supported: use POST (JSON) or GET (query string).`);
  if (mediaType !== 'application/json') throw new ParamsError(`POST requests to this action take Content-Type application/json, not "${contentType}".`);
  let params: unknown;
  try {
    params = JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new ParamsError('The request body is not valid JSON.');
  }
  if (typeof params !== 'object' || params === null || Array.isArray(params)) throw new ParamsError('The request body must be a JSON object.');
  return params as Record<string, unknown>;
}
