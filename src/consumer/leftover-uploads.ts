// Multipart uploads dead consumers left behind: their parts are billed until someone aborts them. Two
// kinds: the ones a crashed holder's lease record names (it records each upload as it starts), and the
// ones COS created but no record names, because the holder died between sending Initiate and recording
// its answer. Only a listing finds the second kind. It runs at every acquisition (one request): a holder
// is the partition's only writer, so any upload of the partition in progress then is one nobody finishes,
// as long as the listing ends before this holder starts an upload of its own and before it lets the lease
// go (the caller's to ensure: see runConsumer).
import { listAllUploads, type ObjectStore } from '../cos/store';
import { dataFolder, parseDataObjectKey, type Layout } from '../dump/keys';
import type { Lease } from '../lease/lease';
import type { Logger } from '../log';

/** Aborts the uploads the lease names, then clears them from it (only once all are gone, or the next holder retries). */
export async function abortRecordedUploads(store: ObjectStore, lease: Lease, logger: Logger): Promise<void> {
  const leftovers = lease.leftoverUploads;
  if (leftovers.length === 0) return;
  let aborted = true;
  for (const upload of leftovers) {
    await store.abortMultipart(upload.key, upload.uploadId).then(
      () => logger.info({ key: upload.key, uploadId: upload.uploadId }, 'aborted a multipart upload left by a crashed consumer'),
      (err) => {
        aborted = false;
        logger.warn({ key: upload.key, err: (err as Error).message }, 'could not abort a leftover multipart upload');
      },
    );
  }
  if (aborted) await lease.clearLeftoverUploads();
}

/**
 * Aborts this partition's uploads in progress that no record names: nobody else may write the partition now.
 * Never rejects (a failure is logged), so it can run beside other work and be awaited later.
 */
export async function abortUnrecordedUploads(store: ObjectStore, layout: Layout, partition: number, logger: Logger): Promise<void> {
  try {
    for await (const upload of listAllUploads(store, dataFolder(layout))) {
      if (parseDataObjectKey(upload.key)?.partition !== partition) continue;
      await store.abortMultipart(upload.key, upload.uploadId);
      logger.info({ key: upload.key, uploadId: upload.uploadId }, 'aborted a multipart upload no lease recorded (its consumer died before recording it)');
    }
  } catch (err) {
    // Not worth failing a dump for: a lifecycle rule on the bucket reclaims what is left.
    logger.warn({ err: (err as Error).message }, 'could not list or abort unrecorded multipart uploads (does the role allow cos:ListMultipartUploads?); a lifecycle rule aborting incomplete uploads reclaims them');
  }
}
