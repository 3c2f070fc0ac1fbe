// Where the local COS server keeps a multipart upload's parts. SDKs send parts of one size (the last one
// shorter), mostly in order: each part that fits its upload's stride (the length of the first part to
// arrive) is written at (partNumber - 1) * stride in one data file, and when the parts chosen at Complete
// lie back to back from offset 0, that file already is the object and is renamed into place. Anything
// else (chunked bodies, a longer part, a retry racing itself, gaps) gets a file per part and a copy.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface PartRecord {
  etag: string;
  size: number;
  lastModified: number;
  /** Where the part lies in the upload's data file; absent for a part stored in a file of its own. */
  offset?: number;
}

/** True when the parts fill the data file from offset 0 with no gap: the file is the object. */
export function isContiguous(parts: readonly PartRecord[]): boolean {
  let expected = 0;
  for (const part of parts) {
    if (part.offset !== expected) return false;
    expected += part.size;
  }
  return true;
}

/** Each upload's stride, fixed by its first part and kept beside the parts, so a restarted server keeps it too. */
export class UploadStrides {
  private readonly known = new Map<string, Promise<number>>();

  of(uploadDir: string, firstLength: number): Promise<number> {
    const known = this.known.get(uploadDir);
    if (known) return known;
    const file = join(uploadDir, 'stride');
    const stride = writeFile(file, String(firstLength), { flag: 'wx' }).then(
      () => firstLength,
      async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
        // Unreadable (a crash while it was written) reads as 0 or NaN: no part fits, every part gets its own file.
        return Number(await readFile(file, 'utf8'));
      },
    );
    this.known.set(uploadDir, stride);
    stride.catch(() => this.known.delete(uploadDir));
    return stride;
  }

  forget(uploadDir: string): void {
    this.known.delete(uploadDir);
  }
}

/**
 * Who writes into each upload's data file right now. A second attempt at a part still being written, and
 * any part arriving while the upload completes, go to their own files: the data file never has two
 * writers for one range, and is not written once it may have become the object.
 */
export class InPlaceWriters {
  private readonly writing = new Map<string, Set<number>>();
  private readonly completing = new Set<string>();

  /** Claims a part's range in the data file; undefined when the part must go to a file of its own. */
  begin(uploadId: string, partNumber: number): { end(): void } | undefined {
    if (this.completing.has(uploadId)) return undefined;
    let parts = this.writing.get(uploadId);
    if (parts?.has(partNumber)) return undefined;
    if (!parts) this.writing.set(uploadId, (parts = new Set()));
    parts.add(partNumber);
    const claimed = parts;
    return {
      end: () => {
        claimed.delete(partNumber);
        if (claimed.size === 0 && this.writing.get(uploadId) === claimed) this.writing.delete(uploadId);
      },
    };
  }

  /** Claims the whole data file for Complete: false while any part is being written into it. */
  claimForComplete(uploadId: string): boolean {
    if (this.writing.has(uploadId) || this.completing.has(uploadId)) return false;
    this.completing.add(uploadId);
    return true;
  }

  releaseComplete(uploadId: string): void {
    this.completing.delete(uploadId);
  }
}
