import { dataObjectKey, extensionFor, leaseFolder, manifestKey, normalizePrefix, parseDataObjectKey, startMarkerKey, UnsafeKeyError, validateKey } from '../../src/dump/keys';

const layout = { prefix: 'archive/', instanceId: 'ckafka-abcd1234', topicId: 'topic-4dyo4uuw' };
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
    expect(parseDataObjectKey(key)).toEqual({ prefix: 'archive/', instanceId: 'ckafka-abcd1234', topicId: 'topic-4dyo4uuw', date: '2026-11-24', windowStartMs: WINDOW, partition: 7, startOffset: 42, extension: '.jsonl.gz' });
    expect(parseDataObjectKey('archive/_ckafka-cos/leases/x/y/0/1')).toBeUndefined();
  });

  it('put bookkeeping under a segment starting with "_"', () => {
    expect(manifestKey(layout, 2, 10)).toBe('archive/_ckafka-cos/manifests/ckafka-abcd1234/topic-4dyo4uuw/2/00000000000000000010.json');
    expect(leaseFolder(layout, 2)).toBe('archive/_ckafka-cos/leases/ckafka-abcd1234/topic-4dyo4uuw/2/');
    expect(startMarkerKey({ ...layout, prefix: '' }, 0)).toBe('_ckafka-cos/start/ckafka-abcd1234/topic-4dyo4uuw/0/start.json');
  });

  it('give a prefix without a trailing slash a folder of its own', () => {
    expect(normalizePrefix('dump')).toBe('dump/');
    expect(normalizePrefix('')).toBe('');
    expect(manifestKey({ ...layout, prefix: 'dump' }, 0, 0).startsWith('dump/_ckafka-cos/')).toBe(true);
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
