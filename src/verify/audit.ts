// Checks one partition's dump from what COS holds: the manifests must chain without gap or overlap from
// the first dumped offset to the committed one, and every data object must exist with the size its
// manifest records. Pure: the listing comes in, the findings go out.
import type { Manifest } from '../dump/manifest';

export interface StoredDataObject {
  key: string;
  size: number;
}

export type Finding =
  | { kind: 'gap'; from: number; to: number }
  | { kind: 'overlap'; from: number; to: number; keys: Array<string | null> }
  | { kind: 'missing-object'; key: string; startOffset: number }
  | { kind: 'size-mismatch'; key: string; expected: number; actual: number }
  | { kind: 'orphan-object'; key: string }
  | { kind: 'uncommitted'; from: number; to: number }
  | { kind: 'group-offset-missing' }
  | { kind: 'plan-pending'; key: string; startOffset: number }
  | { kind: 'commit-outside-chain'; committed: number }
  | { kind: 'lost'; from: number; to: number };

export interface PartitionAudit {
  partition: number;
  firstOffset: number | null;
  endOffset: number | null;
  committed: number | null;
  objects: number;
  records: number;
  bytes: number;
  tombstones: number;
  lostOffsets: number;
  findings: Finding[];
}

/** Findings that mean the dump is wrong (the others are informational). */
export function isProblem(finding: Finding): boolean {
  // The chain is the record of the dump; the group's offset only mirrors it, and a pending plan is finished
  // by the next invocation.
  return !['uncommitted', 'lost', 'group-offset-missing', 'commit-outside-chain', 'plan-pending'].includes(finding.kind);
}

/**
 * `committed` is the group's offset (null: the group has none) when the chain is the one the group mirrors,
 * undefined when the mirror is not to be judged (an older chain, or no Kafka at hand).
 */
export function auditPartition(partition: number, manifests: Manifest[], objects: StoredDataObject[], committed: number | null | undefined): PartitionAudit {
  const sorted = [...manifests].sort((a, b) => a.startOffset - b.startOffset || a.nextOffset - b.nextOffset);
  const findings: Finding[] = [];
  const byKey = new Map(objects.map((o) => [o.key, o]));
  const referenced = new Set<string>();
  let records = 0;
  let bytes = 0;
  let tombstones = 0;
  let lostOffsets = 0;
  let objectCount = 0;

  for (const [i, m] of sorted.entries()) {
    const previous = sorted[i - 1];
    if (previous) {
      if (m.startOffset > previous.nextOffset) findings.push({ kind: 'gap', from: previous.nextOffset, to: m.startOffset });
      if (m.startOffset < previous.nextOffset) findings.push({ kind: 'overlap', from: m.startOffset, to: Math.min(previous.nextOffset, m.nextOffset), keys: [previous.key, m.key] });
    }
    records += m.records;
    tombstones += m.tombstones;
    lostOffsets += m.lostOffsets;
    if (m.lostOffsets > 0) findings.push({ kind: 'lost', from: m.startOffset, to: m.nextOffset });
    if (m.key === null) continue;
    referenced.add(m.key);
    const object = byKey.get(m.key);
    if (!object) {
      // The chain's last manifest may be a plan whose object is being written, or will be finished by the
      // next invocation; anywhere else a manifest without its object is a hole in the dump.
      findings.push(i === sorted.length - 1 ? { kind: 'plan-pending', key: m.key, startOffset: m.startOffset } : { kind: 'missing-object', key: m.key, startOffset: m.startOffset });
      continue;
    }
    objectCount++;
    bytes += object.size;
    if (object.size !== m.bytes) findings.push({ kind: 'size-mismatch', key: m.key, expected: m.bytes, actual: object.size });
  }
  for (const object of objects) if (!referenced.has(object.key)) findings.push({ kind: 'orphan-object', key: object.key });

  const firstOffset = sorted[0]?.startOffset ?? null;
  const endOffset = sorted[sorted.length - 1]?.nextOffset ?? null;
  if (committed === null && endOffset !== null) findings.push({ kind: 'group-offset-missing' });
  if (committed !== undefined && committed !== null && endOffset !== null) {
    const boundaries = new Set([firstOffset, ...sorted.map((m) => m.nextOffset)]);
    if (!boundaries.has(committed)) findings.push({ kind: 'commit-outside-chain', committed });
    else if (committed < endOffset) findings.push({ kind: 'uncommitted', from: committed, to: endOffset });
  }
  return { partition, firstOffset, endOffset, committed: committed ?? null, objects: objectCount, records, bytes, tombstones, lostOffsets, findings };
}

export function describeFinding(f: Finding): string {
  switch (f.kind) {
    case 'gap':
      return `gap: offsets ${f.from}..${f.to - 1} are in no object`;
    case 'overlap':
      return `overlap: offsets ${f.from}..${f.to - 1} are in more than one object (${f.keys.join(', ')})`;
    case 'missing-object':
      return `missing object: ${f.key} (offsets from ${f.startOffset}) has a manifest but is not in COS`;
    case 'size-mismatch':
      return `size mismatch: ${f.key} holds ${f.actual} bytes, its manifest says ${f.expected}`;
    case 'orphan-object':
      return `orphan object: ${f.key} has no manifest`;
    case 'uncommitted':
      return `the group's offset is behind the chain: offsets ${f.from}..${f.to - 1} are stored but not yet committed (the next invocation re-commits)`;
    case 'commit-outside-chain':
      return `the group's offset ${f.committed} is not a boundary of the chain in COS (moved by hand?); the next invocation re-commits the chain's end`;
    case 'group-offset-missing':
      return "the group has no committed offset (Kafka forgets a memberless group's offsets after offsets.retention.minutes); the next invocation re-commits the chain's end";
    case 'plan-pending':
      return `planned object not stored yet: ${f.key} (offsets from ${f.startOffset}); the next invocation finishes it`;
    case 'lost':
      return `lost to retention before they were dumped: offsets ${f.from}..${f.to - 1}`;
  }
}
