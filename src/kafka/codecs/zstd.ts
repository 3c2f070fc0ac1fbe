// zstd frames are decoded by the reference libzstd compiled into our native addon (native.ts), straight into
// the reader's buffer. Without the addon, and to compress (our own zstd output), through a WebAssembly
// build of the reference code (@bokuweb/zstd-wasm): the batch is copied into the module's memory,
// decompressed there into a region reused from batch to batch (bounded by the same limit), and copied out
// into the reader's own buffer: the module's memory is shared by every reader in the process, and a growth
// of it detaches every view into it, so records never point there. On 1 MiB frames of log-like JSON
// (Node 18.15): libzstd 1.6 GB/s and 0.64 CPU-s per GiB, the WebAssembly build 0.8 GB/s and 1.2-1.5. The
// published native bindings do not decompress into a caller's buffer, and their per-call allocations
// pile up outside V8's heap (bench/codec-candidates.ts).
import { readFileSync } from 'node:fs';
import { locateFile } from './locate';
import { DecoderChoice, nativeCodecs } from './native';
import { CorruptDataError, DecompressedSizeError, type OutputBuffer } from './output';

interface ZstdModule {
  init(wasm: Uint8Array): void;
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  _ZSTD_decompress(dst: number, dstCapacity: number, src: number, srcSize: number): number;
  _ZSTD_isError(code: number): number;
  _ZSTD_getFrameContentSize(src: number, srcSize: number): number;
  _ZSTD_compress(dst: number, dstCapacity: number, src: number, srcSize: number, level: number): number;
  _ZSTD_compressBound(srcSize: number): number;
}

/** ZSTD_error_dstSize_tooSmall: the output needs more room. */
const DST_SIZE_TOO_SMALL = 70;
/**
 * The least room a retry gets: a first frame that declares 0 bytes (an empty frame, then others) would
 * otherwise double 0 forever.
 */
const MIN_RETRY_BYTES = 64 * 1024;

class Region {
  pointer = 0;
  size = 0;

  constructor(private readonly module: ZstdModule) {}

  ensure(bytes: number): number {
    if (bytes > this.size) {
      if (this.pointer) this.module._free(this.pointer);
      this.size = Math.max(bytes, this.size * 2);
      this.pointer = this.module._malloc(this.size);
      if (!this.pointer) throw new Error(`zstd: cannot allocate ${this.size} bytes of WebAssembly memory`);
    }
    return this.pointer;
  }
}

/** The room to decode a frame into: its declared size, else the caller's hint, else the whole limit. */
function capacityFor(declared: number, out: OutputBuffer, sizeHint: number): number {
  if (declared === -2) throw new CorruptDataError('zstd: not a zstd frame');
  if (declared > out.limit) throw new DecompressedSizeError(declared, out.limit);
  // A frame that does not declare its size (the Java client streams its frames) is decoded with room for
  // the whole limit: guessing decoded it again at every doubling, and each outgrown region stayed in the
  // module's memory, which never shrinks (Java-producer zstd: 24 MiB of it). Pages never written take no
  // memory.
  const hint = Math.min(out.limit, sizeHint);
  return declared >= 0 ? Math.max(declared, hint) : hint > 0 ? hint : out.limit;
}

/**
 * Decodes with `attempt(capacity)` (the bytes written, or minus libzstd's error code), doubling the room
 * while the output needs more and the limit allows.
 */
function decodeGrowing(capacity: number, out: OutputBuffer, attempt: (capacity: number) => number): number {
  for (;;) {
    const result = attempt(capacity);
    if (result >= 0) return result;
    if (-result !== DST_SIZE_TOO_SMALL) throw new CorruptDataError(`zstd: error ${-result}`);
    if (capacity >= out.limit) throw new DecompressedSizeError(Infinity, out.limit);
    capacity = Math.min(out.limit, Math.max(MIN_RETRY_BYTES, capacity * 2));
  }
}

interface ZstdDecoder {
  /** `sizeHint`: the output's size when the caller knows it (several frames declare only their own). */
  decode(src: Uint8Array, out: OutputBuffer, sizeHint?: number): Buffer;
}

const nativeDecoder: ZstdDecoder = {
  decode(src, out, sizeHint = 0) {
    const codecs = nativeCodecs()!;
    const capacity = capacityFor(codecs.zstdFrameContentSize(src, 0, src.length), out, sizeHint);
    let dst!: Buffer;
    const written = decodeGrowing(capacity, out, (room) => codecs.zstdDecode(src, 0, src.length, (dst = out.reserve(room)), 0, room));
    return dst.subarray(0, written);
  },
};

class WasmZstdDecoder implements ZstdDecoder {
  private readonly input: Region;
  private readonly output: Region;

  constructor(private readonly module: ZstdModule) {
    this.input = new Region(module);
    this.output = new Region(module);
  }

  decode(src: Uint8Array, out: OutputBuffer, sizeHint = 0): Buffer {
    const m = this.module;
    const inPtr = this.input.ensure(src.length);
    m.HEAPU8.set(src, inPtr);
    // -1: unknown (streaming producers such as the Java client do not record it), -2: not a frame.
    const capacity = capacityFor(m._ZSTD_getFrameContentSize(inPtr, src.length), out, sizeHint);
    let outPtr = 0;
    const written = decodeGrowing(capacity, out, (room) => {
      outPtr = this.output.ensure(Math.max(1, room));
      // size_t is 32 bits wide in the module and read as signed: an error comes back as minus its code.
      return m._ZSTD_decompress(outPtr, room, inPtr, src.length);
    });
    const dst = out.reserve(written);
    // Read HEAPU8 after the call: a memory growth replaces its buffer.
    dst.set(m.HEAPU8.subarray(outPtr, outPtr + written));
    return dst.subarray(0, written);
  }
}

/**
 * Compresses into the module's memory and lends the frame to a sink, which must copy it before it returns:
 * no buffer is allocated per call, so compressed output leaves no garbage for V8 to collect (an allocating
 * compressor held tens of MiB of dead output buffers at the peak).
 */
export class ZstdCompressor {
  private readonly input: Region;
  private readonly output: Region;

  constructor(
    private readonly module: ZstdModule,
    private readonly level: number,
  ) {
    this.input = new Region(module);
    this.output = new Region(module);
  }

  /** The most bytes a frame of `bytes` input can take. */
  bound(bytes: number): number {
    return this.module._ZSTD_compressBound(bytes);
  }

  /** Compresses `data` as one frame, hands it to `sink` (a view, valid during the call) and returns its size. */
  compress(data: Uint8Array, sink: (frame: Uint8Array) => void): number {
    const m = this.module;
    const inPtr = this.input.ensure(Math.max(1, data.length));
    m.HEAPU8.set(data, inPtr);
    const capacity = this.bound(data.length);
    const outPtr = this.output.ensure(capacity);
    const result = m._ZSTD_compress(outPtr, capacity, inPtr, data.length, this.level);
    if (m._ZSTD_isError(result)) throw new Error(`zstd: compression failed with error ${-result}`);
    // Read HEAPU8 after the call: a memory growth replaces its buffer.
    sink(m.HEAPU8.subarray(outPtr, outPtr + result));
    return result;
  }
}

let wasmModuleDecoder: WasmZstdDecoder | undefined;
let zstdModule: ZstdModule | undefined;
let loading: Promise<void> | undefined;

const wasmDecoder: ZstdDecoder = {
  decode(src, out, sizeHint) {
    if (!wasmModuleDecoder) throw new Error('zstd: prepareZstdDecoding() must complete before decoding');
    return wasmModuleDecoder.decode(src, out, sizeHint);
  },
};

const decoder = new DecoderChoice(nativeDecoder, wasmDecoder);

/** Compiles the WebAssembly module, once: to compress, or to decode without the native addon. */
export function loadZstd(): Promise<void> {
  loading ??= (async () => {
    // The package's entry point exposes only copying helpers; its emscripten module (malloc, the decoder,
    // the memory) is not in its "exports" map, so it is reached by path.
    const { Module, waitInitialized } = require('../../../node_modules/@bokuweb/zstd-wasm/dist/common/module.js') as { Module: ZstdModule; waitInitialized: () => Promise<void> };
    const file = locateFile('zstd.wasm');
    if (!file) throw new Error('zstd: zstd.wasm is missing beside the bundle and in node_modules (@bokuweb/zstd-wasm)');
    Module.init(readFileSync(file));
    await waitInitialized();
    zstdModule = Module;
    wasmModuleDecoder = new WasmZstdDecoder(Module);
  })();
  return loading;
}

/** Readies decoding: nothing to do with the native addon; only a partition with zstd batches pays for it. */
export async function prepareZstdDecoding(): Promise<void> {
  if (decoder.get() === wasmDecoder) await loadZstd();
}

export function decodeZstd(src: Uint8Array, out: OutputBuffer, sizeHint?: number): Buffer {
  return decoder.get().decode(src, out, sizeHint);
}

/** For tests: decode natively or in WebAssembly (loadZstd() first); true when the native addon is in use. */
export const useNativeZstd = (native: boolean): boolean => decoder.use(native);

const compressors = new Map<number, ZstdCompressor>();

/** The process's compressor at `level` (its regions are reused call after call): call loadZstd() first. */
export function zstdCompressor(level: number): ZstdCompressor {
  if (!zstdModule) throw new Error('zstd: loadZstd() must complete before compressing');
  let compressor = compressors.get(level);
  if (!compressor) compressors.set(level, (compressor = new ZstdCompressor(zstdModule, level)));
  return compressor;
}
