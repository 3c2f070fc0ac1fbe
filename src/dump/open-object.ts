// One data object being written: where it goes, its body, and the range of offsets it covers.
import type { ObjectStore } from '../cos/store';
import type { CompressionName } from './compression';
import type { FormatName, FormatSettings } from './format';
import type { ChainRef } from './keys';
import type { Manifest } from './manifest';
import type { ObjectBody } from './object-body';
import type { OffsetRange } from './offset-range';

export interface OpenObject {
  readonly key: string;
  readonly windowStartMs: number;
  readonly body: ObjectBody;
  /** The object's own counts: what its manifest will say. */
  readonly range: OffsetRange;
  /** Set when re-writing an object whose manifest a crashed invocation left: it must end exactly there. */
  readonly plan?: Manifest;
}

/** Where a partition's objects go and how their bytes are written: what making and storing them share. */
export interface PartitionTarget {
  store: ObjectStore;
  /** The chain the objects extend: layout, partition and generation. */
  chain: ChainRef;
  topic: string;
  format: FormatName;
  formatSettings: FormatSettings;
  compression: CompressionName;
}
