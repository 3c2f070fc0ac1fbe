// The XML the COS API speaks: fixed-shape answers written by hand, and the request bodies it parses (the
// part list of Complete Multipart Upload, the key list of DELETE Multiple Objects).
import { unquote } from '../../cos/answers';
import { escapeXml, xmlElements, xmlText } from '../../util/xml-text';

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
  for (const part of xmlElements(xml, 'Part')) {
    const number = xmlText(part, 'PartNumber')?.trim();
    const etag = xmlText(part, 'ETag');
    if (number === undefined || !/^\d+$/.test(number) || etag === undefined) return undefined;
    parts.push({ partNumber: Number(number), etag: unquote(etag.trim()) });
  }
  return parts;
}

/** Parses `<Delete><Quiet>bool</Quiet><Object><Key>k</Key></Object>...</Delete>`; undefined if malformed. */
export function parseDeleteRequest(xml: string): { quiet: boolean; keys: string[] } | undefined {
  const body = xmlElements(xml, 'Delete')[0];
  if (body === undefined) return undefined;
  const quiet = xmlText(body, 'Quiet')?.trim();
  if (quiet !== undefined && quiet !== 'true' && quiet !== 'false') return undefined;
  const keys: string[] = [];
  for (const object of xmlElements(body, 'Object')) {
    const key = xmlText(object, 'Key');
    if (key === undefined) return undefined;
    keys.push(key);
  }
  return { quiet: quiet === 'true', keys };
}
