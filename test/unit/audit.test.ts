import { NO_RECORDS, type Manifest } from '../../src/dump/manifest';
import { auditPartition, describeFinding, isProblem } from '../../src/verify/audit';

function manifest(startOffset: number, nextOffset: number, key: string | null, bytes = 10, extra: Partial<Manifest> = {}): Manifest {
  return {
    version: 1,
    key,
    topic: 't',
    instanceId: 'i',
    topicId: 'ti',
    partition: 0,
    startOffset,
    nextOffset,
    ...NO_RECORDS,
    records: key ? nextOffset - startOffset : 0,
    bytes,
    contentBytes: bytes,
    format: 'lines',
    formatSettings: {},
    compression: 'none',
    windowStartMs: 0,
    firstTimestamp: null,
    lastTimestamp: null,
    createdAt: '',
    writer: 'w',
    ...extra,
  };
}

describe('auditPartition', () => {
  it('passes a contiguous chain with every object present and committed to its end', () => {
    const audit = auditPartition(0, [manifest(0, 5, 'a'), manifest(5, 7, null), manifest(7, 10, 'b')], [{ key: 'a', size: 10 }, { key: 'b', size: 10 }], 10);
    expect(audit.findings).toEqual([]);
    expect(audit).toMatchObject({ firstOffset: 0, endOffset: 10, objects: 2, records: 8, bytes: 20 });
  });

  it('reports a deleted object, a duplicated range and a stray object', () => {
    const audit = auditPartition(0, [manifest(0, 5, 'a'), manifest(5, 10, 'b'), manifest(8, 12, 'c')], [{ key: 'a', size: 10 }, { key: 'c', size: 9 }, { key: 'x', size: 1 }], 12);
    expect(audit.findings.map(describeFinding)).toEqual([
      'missing object: b (offsets from 5) has a manifest but is not in COS',
      'overlap: offsets 8..9 are in more than one object (b, c)',
      'size mismatch: c holds 9 bytes, its manifest says 10',
      'orphan object: x has no manifest',
    ]);
    expect(audit.findings.every(isProblem)).toBe(true);
  });

  it('reports a gap, and tells lost or uncommitted ranges apart from problems', () => {
    const audit = auditPartition(0, [manifest(0, 5, 'a'), manifest(6, 8, null, 0, { lostOffsets: 2 }), manifest(8, 9, 'b')], [{ key: 'a', size: 10 }, { key: 'b', size: 10 }], 8);
    expect(audit.findings.map((f) => [f.kind, isProblem(f)])).toEqual([
      ['gap', true],
      ['lost', false],
      ['uncommitted', false],
    ]);
  });

  it('calls the chain\'s last object, not yet stored, a pending plan; any other a hole', () => {
    const pending = auditPartition(0, [manifest(0, 5, 'a'), manifest(5, 9, 'b')], [{ key: 'a', size: 10 }], 5);
    expect(pending.findings.map((f) => [f.kind, isProblem(f)])).toEqual([
      ['plan-pending', false],
      ['uncommitted', false],
    ]);
    const hole = auditPartition(0, [manifest(0, 5, 'a'), manifest(5, 9, 'b')], [{ key: 'b', size: 10 }], 9);
    expect(hole.findings.map((f) => [f.kind, isProblem(f)])).toEqual([['missing-object', true]]);
  });

  it('reports a group offset that is missing or off the chain, as information: the chain is the record', () => {
    const off = auditPartition(0, [manifest(0, 5, 'a')], [{ key: 'a', size: 10 }], 3);
    expect(off.findings.map((f) => [f.kind, isProblem(f)])).toEqual([['commit-outside-chain', false]]);
    const missing = auditPartition(0, [manifest(0, 5, 'a')], [{ key: 'a', size: 10 }], null);
    expect(missing.findings.map((f) => [f.kind, isProblem(f)])).toEqual([['group-offset-missing', false]]);
    expect(auditPartition(0, [manifest(0, 5, 'a')], [{ key: 'a', size: 10 }], undefined).findings).toEqual([]);
  });
});
