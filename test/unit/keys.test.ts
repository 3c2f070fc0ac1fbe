import {
  abandonedPlanKey,
  dataObjectKey,
  extensionFor,
  leaseFolder,
  manifestKey,
  manifestRoot,
  normalizePrefix,
  parseDataObjectKey,
  parseManifestPath,
  parseStartMarkerPath,
  startFolder,
  startMarkerKey,
  UnsafeKeyError,
  validateKey,
} from '../../src/dump/keys';

const layout = { prefix: 'archive/', instanceId: 'ckafka-abcd1234', topicId: 'topic-4dyo4uuw' };
const chain = (partition: number, generation = 0, l: typeof layout = layout) => ({ layout: l, partition, generation });
const WINDOW = Date.UTC(2026, 10, 24, 13, 5);

describe('object keys', () => {
  it('follow instance/topic/date/window_partition_offset with the format extension', () => {
    expect(dataObjectKey(layout, WINDOW, 3, 1234, extensionFor('lines', 'none'))).toBe(`archive/ckafka-abcd1234/topic-4dyo4uuw/2026-11-24/${WINDOW}_3_00000000000000001234.txt`);
    expect(extensionFor('jsonl', 'gzip')).toBe('.jsonl.gz');
    expect(extensionFor('lines', 'gzip')).toBe('.txt.gz');
  });

  it('sort in offset order within a window, whatever the number of digits', () => {
    const keys = [5, 999, 1000, 12, 100000].map((offset) => dataObjectKey(layout, WINDOW, 0, offset, '.txt'));
    expect([...keys].sort()).toEqual([5, 12, 999, 1000, 100000].map((offset) => dataObjectKey(layout, WINDOW, 0, offset, '.txt')));
  });

  it('parse back into their parts', () => {
    const key = dataObjectKey(layout, WINDOW, 7, 42, '.jsonl.gz');
    expect(parseDataObjectKey(key)).toEqual({ prefix: 'archive/', instanceId: 'ckafka-abcd1234', topicId: 'topic-4dyo4uuw', date: '2026-11-24', keys: 'original', windowStartMs: WINDOW, partition: 7, startOffset: 42, generation: 0, extension: '.jsonl.gz' });
    expect(parseDataObjectKey('archive/_ckafka-cos/leases/x/y/0/1')).toBeUndefined();
  });

  it('put bookkeeping under a segment starting with "_"', () => {
    expect(manifestKey(chain(2), 10)).toBe('archive/_ckafka-cos/manifests/ckafka-abcd1234/topic-4dyo4uuw/2/00000000000000000010.json');
    expect(leaseFolder(layout, 2)).toBe('archive/_ckafka-cos/leases/ckafka-abcd1234/topic-4dyo4uuw/2/');
    expect(startMarkerKey(chain(0, 0, { ...layout, prefix: '' }))).toBe('_ckafka-cos/start/ckafka-abcd1234/topic-4dyo4uuw/0/start.json');
  });

  it('lay data out in hive partition folders when asked, and parse them back', () => {
    const hive = { ...layout, keys: 'hive' as const };
    const key = dataObjectKey(hive, WINDOW, 3, 1234, '.parquet');
    expect(key).toBe(`archive/ckafka-abcd1234/topic-4dyo4uuw/dt=2026-11-24/hour=13/${WINDOW}_3_00000000000000001234.parquet`);
    expect(parseDataObjectKey(key)).toMatchObject({ keys: 'hive', date: '2026-11-24', windowStartMs: WINDOW, partition: 3, startOffset: 1234, generation: 0 });
    expect(dataObjectKey(hive, Date.UTC(2026, 0, 1, 0, 0), 0, 0, '.txt')).toContain('/dt=2026-01-01/hour=00/');
  });

  it('keep the chain of a re-created topic apart: its own manifests, start marker and data keys', () => {
    const second = chain(4, 2);
    expect(manifestKey(second, 7)).toBe('archive/_ckafka-cos/manifests/ckafka-abcd1234/topic-4dyo4uuw/4/g2/00000000000000000007.json');
    expect(abandonedPlanKey(second, 7)).toBe('archive/_ckafka-cos/manifests/ckafka-abcd1234/topic-4dyo4uuw/4/g2/00000000000000000007.abandoned.json');
    expect(startMarkerKey(second)).toBe('archive/_ckafka-cos/start/ckafka-abcd1234/topic-4dyo4uuw/4/g2/start.json');
    const data = dataObjectKey(layout, WINDOW, 4, 7, '.txt', 2);
    expect(data.endsWith(`/${WINDOW}_4_00000000000000000007_g2.txt`)).toBe(true);
    expect(parseDataObjectKey(data)).toMatchObject({ partition: 4, startOffset: 7, generation: 2, extension: '.txt' });
    const root = manifestRoot(layout);
    expect(parseManifestPath(manifestKey(second, 7).slice(root.length))).toEqual({ partition: 4, generation: 2, startOffset: 7, abandoned: false });
    expect(parseManifestPath(abandonedPlanKey(chain(1), 9).slice(root.length))).toEqual({ partition: 1, generation: 0, startOffset: 9, abandoned: true });
    const starts = startFolder(layout, 4);
    expect([startMarkerKey(chain(4)), startMarkerKey(second)].map((k) => parseStartMarkerPath(k.slice(starts.length)))).toEqual([0, 2]);
  });

  it('give a prefix without a trailing slash a folder of its own', () => {
    expect(normalizePrefix('dump')).toBe('dump/');
    expect(normalizePrefix('')).toBe('');
    expect(manifestKey(chain(0, 0, { ...layout, prefix: 'dump' }), 0).startsWith('dump/_ckafka-cos/')).toBe(true);
  });

  it.each([
    ['../etc/', 'a "." or ".." segment'],
    ['/abs/', 'starts with "/"'],
    ['a\u0001b/', 'control character'],
    ['a//b/', 'empty segment'],
    ['x'.repeat(900), '850 bytes'],
  ])('refuse the prefix %j', (prefix, reason) => {
    expect(() => dataObjectKey({ ...layout, prefix }, WINDOW, 0, 0, '.txt')).toThrow(UnsafeKeyError);
    expect(() => dataObjectKey({ ...layout, prefix }, WINDOW, 0, 0, '.txt')).toThrow(reason);
  });

  it.each(['..', 'a/b', 'a\nb', ''])('refuse the id %j', (id) => {
    expect(() => dataObjectKey({ ...layout, topicId: id }, WINDOW, 0, 0, '.txt')).toThrow(UnsafeKeyError);
    expect(() => dataObjectKey({ ...layout, instanceId: id }, WINDOW, 0, 0, '.txt')).toThrow(UnsafeKeyError);
  });

  it('validate keys directly', () => {
    expect(validateKey('a/b.txt')).toBe('a/b.txt');
    expect(() => validateKey('a/./b')).toThrow(UnsafeKeyError);
    expect(() => validateKey('a\u007f')).toThrow(UnsafeKeyError);
  });
});
