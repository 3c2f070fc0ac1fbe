// The XML the COS API speaks: fixed-shape answers written by hand, and the request bodies it parses (the
// part list of Complete Multipart Upload, the key list of DELETE Multiple Objects).
import { escapeXml, unescapeXml } from '../../util/xml-text';

export type XmlValue = string | number | boolean | null | undefined | XmlNode | XmlValue[];
export interface XmlNode {
  [tag: string]: XmlValue;
}

function render(tag: string, value: XmlValue): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => render(tag, v)).join('');
  if (value === null) return `<${tag}/>`;
  if (typeof value === 'object') return `<${tag}>${Object.entries(value).map(([k, v]) => render(k, v)).join('')}</${tag}>`;
  return `<${tag}>${escapeXml(String(value))}</${tag}>`;
}

export function xmlDocument(root: string, body: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${render(root, body)}`;
}

/** Parses `<CompleteMultipartUpload><Part><PartNumber>n</PartNumber><ETag>e</ETag></Part>...`; undefined if malformed. */
export function parseCompleteParts(xml: string): Array<{ partNumber: number; etag: string }> | undefined {
  if (!/<CompleteMultipartUpload[\s>]/.test(xml)) return undefined;
  const parts: Array<{ partNumber: number; etag: string }> = [];
  for (const match of xml.matchAll(/<Part>([\s\S]*?)<\/Part>/g)) {
    const number = /<PartNumber>\s*(\d+)\s*<\/PartNumber>/.exec(match[1]!)?.[1];
    const etag = /<ETag>([\s\S]*?)<\/ETag>/.exec(match[1]!)?.[1];
    if (number === undefined || etag === undefined) return undefined;
    parts.push({ partNumber: Number(number), etag: unescapeXml(etag).trim().replace(/^"|"$/g, '') });
  }
  return parts;
}

/** Parses `<Delete><Quiet>bool</Quiet><Object><Key>k</Key></Object>...</Delete>`; undefined if malformed. */
export function parseDeleteRequest(xml: string): { quiet: boolean; keys: string[] } | undefined {
  const body = /<Delete(?:\s[^>]*)?>([\s\S]*)<\/Delete>/.exec(xml)?.[1];
  if (body === undefined) return undefined;
  const quiet = /<Quiet>\s*([^<]*?)\s*<\/Quiet>/.exec(body)?.[1];
  if (quiet !== undefined && quiet !== 'true' && quiet !== 'false') return undefined;
  const keys: string[] = [];
  for (const match of body.matchAll(/<Object>([\s\S]*?)<\/Object>/g)) {
    const key = /<Key>([\s\S]*?)<\/Key>/.exec(match[1]!)?.[1];
    if (key === undefined) return undefined;
    keys.push(unescapeXml(key));
  }
  return { quiet: quiet === 'true', keys };
}
