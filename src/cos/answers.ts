// Reads the XML answers of the COS API the store uses. Each reader checks the document is the answer it
// expects and that every field the product relies on is there; anything else is an InvalidResponse that
// names the operation, never a silently empty list.
import { CosError } from './errors';
import type { ListPage, ListedObject, UploadPage, UploadRef } from './store';
import { hasXmlRoot, xmlElements, xmlText } from '../util/xml-text';

export type CosErrorFields = { Code?: string; Message?: string; RequestId?: string };

/** COS error bodies are `<Error><Code>..</Code><Message>..</Message><RequestId>..</RequestId></Error>`. */
export function parseErrorBody(body: string): CosErrorFields | undefined {
  if (!hasXmlRoot(body, 'Error')) return undefined;
  const fields: CosErrorFields = {};
  for (const name of ['Code', 'Message', 'RequestId'] as const) {
    const value = xmlText(body, name);
    if (value !== undefined) fields[name] = value;
  }
  return fields.Code ? fields : undefined;
}

/** One answer being read: which request it answers (`where` is bucket/key or bucket/prefix) and its text. */
class Answer {
  constructor(
    readonly operation: string,
    readonly where: string,
    readonly body: string,
  ) {}

  invalid(what: string): CosError {
    return new CosError(`COS ${this.operation} ${this.where} answered ${what}: ${this.body.slice(0, 200)}`, 'InvalidResponse', undefined, undefined);
  }

  document(root: string): string {
    if (!hasXmlRoot(this.body, root)) throw this.invalid(`something other than ${root}`);
    return this.body;
  }

  required(xml: string, tag: string): string {
    const value = xmlText(xml, tag);
    if (value === undefined || value === '') throw this.invalid(`without ${tag}`);
    return value;
  }

  truncated(xml: string): boolean {
    const value = xmlText(xml, 'IsTruncated') ?? 'false';
    if (value !== 'true' && value !== 'false') throw this.invalid(`IsTruncated ${value}`);
    return value === 'true';
  }
}

/** COS sends ETags in quotes, in headers and in XML alike. */
export const unquote = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

/** GET Bucket (List Objects): the page's objects and the marker of the next page, if any. */
export function readListObjects(body: string, where: string): ListPage {
  const answer = new Answer('ListObjects', where, body);
  const xml = answer.document('ListBucketResult');
  const objects: ListedObject[] = xmlElements(xml, 'Contents').map((entry) => {
    const size = Number(answer.required(entry, 'Size'));
    if (!Number.isSafeInteger(size) || size < 0) throw answer.invalid('a Size that is not a byte count');
    const lastModified = new Date(answer.required(entry, 'LastModified'));
    if (Number.isNaN(lastModified.getTime())) throw answer.invalid('a LastModified that is not a date');
    return { key: answer.required(entry, 'Key'), size, etag: unquote(xmlText(entry, 'ETag')), lastModified };
  });
  if (!answer.truncated(xml)) return { objects };
  const nextMarker = xmlText(xml, 'NextMarker') || objects[objects.length - 1]?.key;
  if (!nextMarker) throw answer.invalid('a truncated page without NextMarker or objects');
  return { objects, nextMarker };
}

/** List Multipart Uploads: the page's uploads and where the next page starts, if any. */
export function readListUploads(body: string, where: string): UploadPage {
  const answer = new Answer('ListMultipartUploads', where, body);
  const xml = answer.document('ListMultipartUploadsResult');
  const uploads: UploadRef[] = xmlElements(xml, 'Upload').map((entry) => ({ key: answer.required(entry, 'Key'), uploadId: answer.required(entry, 'UploadId') }));
  if (!answer.truncated(xml)) return { uploads };
  const key = xmlText(xml, 'NextKeyMarker');
  const next = key ? { key, uploadId: xmlText(xml, 'NextUploadIdMarker') ?? '' } : uploads[uploads.length - 1];
  if (!next) throw answer.invalid('a truncated page without NextKeyMarker or uploads');
  return { uploads, next };
}

/** Initiate Multipart Upload: the upload id. */
export function readInitiateUpload(body: string, where: string): string {
  const answer = new Answer('InitiateMultipartUpload', where, body);
  return answer.required(answer.document('InitiateMultipartUploadResult'), 'UploadId');
}

/**
 * Complete Multipart Upload: the object's ETag. The answer's status is sent before the assembly ends, so a
 * failure during it arrives as an `<Error>` document in a 200 answer; that is returned for the caller to
 * raise as the error it is.
 */
export function readCompleteUpload(body: string, where: string): { etag: string } | { error: CosErrorFields } {
  const error = parseErrorBody(body);
  if (error) return { error };
  const answer = new Answer('CompleteMultipartUpload', where, body);
  return { etag: unquote(answer.required(answer.document('CompleteMultipartUploadResult'), 'ETag')) };
}
