// The little XML the COS API speaks: flat documents of known shape, read and written without a general
// parser. One reading of element text and entities serves the product's COS client (answers) and the local
// COS server (request bodies), so that both sides agree on what a document says.

const ESCAPES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' };
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };

export function escapeXml(value: string): string {
  return value.replace(/[<>&'"]/g, (c) => ESCAPES[c]!);
}

export function unescapeXml(value: string): string {
  return value.replace(/&(lt|gt|amp|apos|quot|#(\d+)|#x([0-9a-fA-F]+));/g, (_, name: string, dec?: string, hex?: string) => {
    if (dec) return String.fromCodePoint(Number(dec));
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    return NAMED[name]!;
  });
}

const patterns = new Map<string, RegExp>();

/** The raw inner text of every `<tag>...</tag>` (or empty `<tag/>`) in order; the tag must not nest in itself. */
export function xmlElements(xml: string, tag: string): string[] {
  let pattern = patterns.get(tag);
  if (!pattern) {
    pattern = new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g');
    patterns.set(tag, pattern);
  }
  return Array.from(xml.matchAll(pattern), (match) => match[1] ?? '');
}

/** The unescaped text of the first `<tag>` in `xml`, or undefined when there is none. */
export function xmlText(xml: string, tag: string): string | undefined {
  const first = xmlElements(xml, tag)[0];
  return first === undefined ? undefined : unescapeXml(first);
}

/** Whether `xml` is a document whose root element is `root`. */
export function hasXmlRoot(xml: string, root: string): boolean {
  return new RegExp(`^(?:\\uFEFF)?\\s*(?:<\\?xml[^>]*\\?>\\s*)?<${root}[\\s/>]`).test(xml);
}
