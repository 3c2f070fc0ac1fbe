// Decompression speed of the codec libraries considered for Kafka batches, on the data the consumer sees:
// log-like JSON records, about 5x compressible, in librdkafka-sized (1 MB) and Java-sized (16 KiB)
// batches, plus a 50x set. The candidates are not dependencies; install them somewhere and point at it:
//   mkdir /tmp/cand && cd /tmp/cand && npm i snappy lz4-napi @mongodb-js/zstd@1 @toondepauw/node-zstd@1 \
//     @node-rs/crc32 lz4-wasm-nodejs hysnappy zstddec @bokuweb/zstd-wasm snappy-wasm fzstd lz4js snappyjs
//   node scripts/run-ts.mjs bench/codec-candidates.ts /tmp/cand
// Prints MiB/s of decompressed output per candidate (median of 5 rounds) and the CPU time per GiB.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gunzipSync, gzipSync, inflateRawSync } from 'node:zlib';
import { decompress, OutputBuffer, prepareCodec } from '../src/kafka/codecs';
import { useNativeLz4 } from '../src/kafka/codecs/lz4';
import { useNativeSnappy } from '../src/kafka/codecs/snappy';
import { loadZstd, useNativeZstd } from '../src/kafka/codecs/zstd';
import { crc32c } from '../src/kafka/crc';

const dir = process.argv[2] ?? '';
if (!dir) throw new Error('usage: codec-candidates.ts CANDIDATES_DIR (a folder with the candidates in node_modules)');
const load = createRequire(join(dir, 'package.json'));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
function optional(name: string): Any {
  try {
    return load(name);
  } catch (err) {
    console.log(`(${name} not installed: ${(err as Error).message.split('\n')[0]})`);
    return undefined;
  }
}

const MiB = 1024 * 1024;
/** Ours: every codec decodes into this one reused buffer (src/kafka/codecs). */
const out = new OutputBuffer(64 * MiB);
const ours = (codec: number, name = 'ours (src/kafka/codecs)'): Candidate => ({ name, decode: (b) => decompress(codec, b, out) });
/** Ours decoding with the native addon (when the build made it) and with its WebAssembly fallback. */
const oursBoth = (codec: number, useNative: (enabled: boolean) => boolean): Candidate[] =>
  [true, false].map((native) => ({
    name: `ours, ${native ? 'native' : 'WebAssembly'}`,
    decode: (b) => {
      if (useNative(native) !== native) throw new Error('the native codecs are not built (npm run build)');
      return decompress(codec, b, out);
    },
  }));
const WORDS = 'user order payment cart session login logout search checkout refund shipment inventory warehouse'.split(' ');
const LEVELS = ['INFO', 'WARN', 'DEBUG', 'ERROR'];

/** Deterministic pseudo-random numbers, so runs compare. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function logRecord(r: () => number, i: number, repetitive: boolean): string {
  const word = () => WORDS[Math.floor(r() * WORDS.length)]!;
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');
  const base = repetitive
    ? { ts: `2024-05-01T12:00:00.000Z`, level: 'INFO', service: 'checkout', msg: 'request completed', trace: '0000000000000000', seq: i % 10 }
    : { ts: new Date(1714564800000 + i * 37).toISOString(), level: LEVELS[i % 4], service: word(), msg: `${word()} ${word()} ${word()} took ${Math.floor(r() * 900)} ms`, trace: hex(16), user: Math.floor(r() * 1e6), seq: i };
  let line = JSON.stringify(base);
  while (line.length < 1000) line += repetitive ? ' padding' : ` ${word()}`;
  return `${line.slice(0, 1023)}\n`;
}

function batches(count: number, batchBytes: number, repetitive: boolean): Buffer[] {
  const r = rng(count + batchBytes);
  const out: Buffer[] = [];
  let i = 0;
  for (let b = 0; b < count; b++) {
    let s = '';
    while (s.length < batchBytes) s += logRecord(r, i++, repetitive);
    out.push(Buffer.from(s));
  }
  return out;
}

/** Java's xerial framing: magic header, then (length, raw snappy block) of 32 KiB of input each. */
function xerial(raw: Buffer, compress: (b: Buffer) => Buffer): Buffer {
  const parts: Buffer[] = [Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0, 0, 0, 0, 1, 0, 0, 0, 1])];
  for (let at = 0; at < raw.length; at += 32 * 1024) {
    const block = compress(raw.subarray(at, at + 32 * 1024));
    const len = Buffer.alloc(4);
    len.writeInt32BE(block.length);
    parts.push(len, block);
  }
  return Buffer.concat(parts);
}

interface Candidate {
  name: string;
  decode: (input: Buffer, size: number) => Uint8Array | Promise<Uint8Array>;
}

async function measure(codec: string, set: string, inputs: Buffer[], sizes: number[], candidates: Candidate[]): Promise<void> {
  const total = sizes.reduce((a, b) => a + b, 0);
  const ratio = total / inputs.reduce((a, b) => a + b.length, 0);
  for (const c of candidates) {
    // Correctness first: every candidate must give the original bytes.
    const check = await c.decode(inputs[0]!, sizes[0]!);
    if (check.length !== sizes[0]) {
      console.log(`${codec.padEnd(7)} ${set.padEnd(12)} ${c.name.padEnd(34)} WRONG OUTPUT (${check.length} bytes, want ${sizes[0]})`);
      continue;
    }
    const rounds: Array<{ wall: number; cpu: number }> = [];
    for (let round = 0; round < 5; round++) {
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < inputs.length; i++) await c.decode(inputs[i]!, sizes[i]!);
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      rounds.push({ wall, cpu: (cpu.user + cpu.system) / 1e6 });
    }
    rounds.sort((a, b) => a.wall - b.wall);
    const mid = rounds[2]!;
    const gib = total / (1024 * MiB);
    console.log(`${codec.padEnd(7)} ${set.padEnd(12)} ${c.name.padEnd(34)} ${(total / MiB / mid.wall).toFixed(0).padStart(6)} MiB/s  ${(mid.cpu / gib).toFixed(2).padStart(6)} CPU-s/GiB  (ratio ${ratio.toFixed(1)}x)`);
  }
}

async function main(): Promise<void> {
  const snappy = optional('snappy');
  const lz4napi = optional('lz4-napi');
  const mongoZstd = optional('@mongodb-js/zstd');
  const toonZstd = optional('@toondepauw/node-zstd');
  const lz4wasm = optional('lz4-wasm-nodejs');
  const zstddecModule = optional('zstddec');
  const bokuweb = optional('@bokuweb/zstd-wasm');
  const snappyWasm = optional('snappy-wasm');
  const fzstd = optional('fzstd');
  const lz4js = optional('lz4js');
  const snappyjs = optional('snappyjs');
  const crcNative = optional('@node-rs/crc32');
  let hysnappy: Any;
  try {
    hysnappy = (await import(join(dir, 'node_modules/hysnappy/js/index.js'))).snappyUncompressor();
  } catch {
    console.log('(hysnappy not installed)');
  }
  let zstddec: Any;
  if (zstddecModule) {
    zstddec = new zstddecModule.ZSTDDecoder();
    await zstddec.init();
  }
  if (bokuweb) await bokuweb.init();
  await prepareCodec(4);
  await loadZstd();

  const sets: Array<[string, Buffer[]]> = [
    ['1MB-batches', batches(64, 1_000_000, false)],
    ['16K-batches', batches(4096, 16_384, false)],
    ['50x-1MB', batches(64, 1_000_000, true)],
  ];
  for (const [set, raw] of sets) {
    const sizes = raw.map((b) => b.length);
    await measure('gzip', set, raw.map((b) => gzipSync(b)), sizes, [
      ours(1),
      { name: 'node:zlib gunzipSync', decode: (b) => gunzipSync(b) },
      // The gzip trailer gives the output size: one output chunk, no concatenation.
      { name: 'node:zlib gunzipSync chunk=ISIZE', decode: (b, n) => gunzipSync(b, { chunkSize: Math.max(64, n + 1) }) },
      { name: 'node:zlib inflateRawSync chunk=ISIZE', decode: (b, n) => inflateRawSync(b.subarray(10, b.length - 8), { chunkSize: Math.max(64, n + 1) }) },
    ]);
    if (snappy) {
      const rawSnappy = raw.map((b) => snappy.compressSync(b) as Buffer);
      const xerialSnappy = raw.map((b) => xerial(b, (x) => snappy.compressSync(x)));
      await measure('snappy', set, rawSnappy, sizes, [
        ...oursBoth(2, useNativeSnappy),
        { name: 'snappy (napi-rs) uncompressSync', decode: (b) => snappy.uncompressSync(b, { asBuffer: true }) },
        { name: 'snappy (napi-rs) copyOutputData', decode: (b) => snappy.uncompressSync(b, { asBuffer: true, copyOutputData: true }) },
        ...(hysnappy ? [{ name: 'hysnappy (wasm)', decode: (b: Buffer, n: number) => hysnappy(b, n) }] : []),
        ...(snappyWasm ? [{ name: 'snappy-wasm', decode: (b: Buffer) => snappyWasm.decompress_raw(b) }] : []),
        ...(snappyjs ? [{ name: 'snappyjs (JS, today)', decode: (b: Buffer) => snappyjs.uncompress(b) }] : []),
      ]);
      await measure('xerial', set, xerialSnappy, sizes, [
        ...oursBoth(2, useNativeSnappy),
        { name: 'snappy (napi-rs) per block', decode: (b, n) => unxerial(b, n, (x) => snappy.uncompressSync(x, { asBuffer: true })) },
        ...(hysnappy ? [{ name: 'hysnappy (wasm) per block', decode: (b: Buffer, n: number) => unxerial(b, n, (x) => hysnappy(x, x.readUInt8(0) < 128 ? x[0]! : snappyLength(x))) }] : []),
      ]);
    }
    if (lz4napi) {
      const frames = raw.map((b) => lz4napi.compressFrameSync(b) as Buffer);
      await measure('lz4', set, frames, sizes, [
        ...oursBoth(3, useNativeLz4),
        { name: 'lz4-napi decompressFrameSync', decode: (b) => lz4napi.decompressFrameSync(b) },
        { name: 'lz4-napi decompressFrame (async)', decode: (b) => lz4napi.decompressFrame(b) },
        ...(lz4js ? [{ name: 'lz4js (JS, today)', decode: (b: Buffer) => lz4js.decompress(b) }] : []),
      ]);
      if (lz4wasm) {
        const prepended = raw.map((b) => lz4wasm.compress(b) as Uint8Array);
        await measure('lz4blk', set, prepended.map((b) => Buffer.from(b)), sizes, [
          { name: 'lz4-wasm-nodejs (block, size-prepended)', decode: (b) => lz4wasm.decompress(b) },
          { name: 'lz4-napi uncompressSync (block)', decode: (b) => lz4napi.uncompressSync(b) },
        ]);
      }
    }
    if (mongoZstd) {
      const frames = await Promise.all(raw.map((b) => mongoZstd.compress(b, 3) as Promise<Buffer>));
      const toon = toonZstd ? new toonZstd.Decoder() : undefined;
      await measure('zstd', set, frames, sizes, [
        ...oursBoth(4, useNativeZstd),
        { name: '@mongodb-js/zstd (async)', decode: (b) => mongoZstd.decompress(b) },
        ...(toon ? [{ name: '@toondepauw/node-zstd decodeSync', decode: (b: Buffer) => toon.decodeSync(b) }] : []),
        ...(zstddec ? [{ name: 'zstddec (wasm)', decode: (b: Buffer, n: number) => zstddec.decode(b, n) }] : []),
        ...(bokuweb ? [{ name: '@bokuweb/zstd-wasm', decode: (b: Buffer) => bokuweb.decompress(b) }] : []),
        ...(fzstd ? [{ name: 'fzstd (JS, today)', decode: (b: Buffer) => fzstd.decompress(b) }] : []),
      ]);
    }
    if (crcNative) {
      const all = Buffer.concat(raw);
      for (const [name, fn] of [['@node-rs/crc32 crc32c', (b: Buffer) => crcNative.crc32c(b)], ['ours (src/kafka/crc)', crc32c]] as const) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < 5; i++) fn(all);
        const s = Number(process.hrtime.bigint() - t0) / 1e9;
        console.log(`crc32c  ${set.padEnd(12)} ${name.padEnd(34)} ${((5 * all.length) / MiB / s).toFixed(0).padStart(6)} MiB/s`);
      }
    }
  }
}

function snappyLength(b: Buffer): number {
  let result = 0;
  for (let i = 0, shift = 0; i < 5; i++, shift += 7) {
    const byte = b[i]!;
    result |= (byte & 0x7f) << shift;
    if (byte < 128) break;
  }
  return result >>> 0;
}

function unxerial(input: Buffer, size: number, block: (b: Buffer) => Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(size);
  let pos = 16;
  let filled = 0;
  while (pos < input.length) {
    const n = input.readInt32BE(pos);
    const part = block(input.subarray(pos + 4, pos + 4 + n));
    out.set(part, filled);
    filled += part.length;
    pos += 4 + n;
  }
  return out;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
