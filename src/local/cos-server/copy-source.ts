// The `x-cos-copy-source` header of PUT Object - Copy and Upload Part - Copy:
// `<bucket>.cos.<region>.myqcloud.com/<percent-encoded key>`, optionally `?versionId=...`.
import { CosRequestError } from './disk-store';

export interface CopySource {
  bucket: string;
  region: string;
  key: string;
}

const SOURCE = /^(?:https?:\/\/)?([a-z0-9-]+-\d+)\.cos\.([a-z0-9-]+)\.myqcloud\.com\/([^?]+)(?:\?(.*))?$/;

export function parseCopySource(header: string): CopySource {
  const m = SOURCE.exec(header.trim());
  const invalid = () => new CosRequestError(400, 'InvalidArgument', `x-cos-copy-source "${header}" is not <bucket>.cos.<region>.myqcloud.com/<key>.`);
  if (!m) throw invalid();
  let key: string;
  try {
    key = decodeURIComponent(m[3]!);
  } catch {
    throw invalid();
  }
  // Versioning is not kept by the local server: there is no other version to copy from.
  const version = new URLSearchParams(m[4] ?? '').get('versionId');
  if (version !== null && version !== '' && version !== 'null') throw new CosRequestError(404, 'NoSuchVersion', `The local COS server keeps no version "${version}" of "${key}".`);
  return { bucket: m[1]!, region: m[2]!, key };
}

/** `x-cos-copy-source-range: bytes=first-last`, both ends given and inside the source object. */
export function parseCopyRange(header: string | undefined, size: number): { start: number; end: number } | undefined {
  if (header === undefined || header === '') return undefined;
  const m = /^bytes=(\d+)-(\d+)$/.exec(header.trim());
  if (!m || Number(m[1]) > Number(m[2]) || Number(m[2]) >= size) {
    throw new CosRequestError(400, 'InvalidArgument', `x-cos-copy-source-range "${header}" is not bytes=first-last within the ${size}-byte source object.`);
  }
  return { start: Number(m[1]), end: Number(m[2]) };
}
