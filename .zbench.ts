import { decompress, OutputBuffer, prepareCodec } from './src/kafka/codecs';
import { zstdCompressor } from './src/kafka/codecs/zstd';
const n = eval('require')('/tmp/zs/zst.node');
const WORDS = 'user order payment cart session login logout search checkout refund shipment inventory warehouse'.split(' ');
let s = 1; const r = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
let text = ''; let i = 0;
while (text.length < 8 * 1024 * 1024) { let line = JSON.stringify({ ts: new Date(1714564800000 + i * 37).toISOString(), level: 'INFO', service: WORDS[Math.floor(r() * 13)], msg: `${WORDS[Math.floor(r() * 13)]} took ${Math.floor(r() * 900)} ms`, trace: Math.floor(r() * 1e15).toString(16), seq: i++ }); while (line.length < 1000) line += ' ' + WORDS[Math.floor(r() * 13)]; text += line + '\n'; }
const data = Buffer.from(text);
const MB = 1024 * 1024;
async function main() {
  await prepareCodec(4);
  const comp = zstdCompressor(3);
  const batches: Buffer[] = [];
  for (let o = 0; o + MB <= data.length; o += MB) { let f!: Buffer; comp.compress(data.subarray(o, o + MB), (fr) => { f = Buffer.from(fr); }); batches.push(f); }
  const out = new OutputBuffer(16 * MB);
  const dst = Buffer.alloc(16 * MB);
  function ours() { for (const b of batches) { if (decompress(4, b, out).length !== MB) throw new Error('bad'); } }
  function native() { for (const b of batches) { if (n.dec(b, 0, b.length, dst, 0, dst.length) !== MB) throw new Error('bad n ' + n.dec(b, 0, b.length, dst, 0, dst.length)); } }
  for (const [name, f] of [['ours (zstd wasm)', ours], ['libzstd 1.5.7 native', native], ['ours (zstd wasm)', ours], ['libzstd 1.5.7 native', native]] as const) {
    const rounds = 40; const t = process.hrtime.bigint(); const c0 = process.cpuUsage();
    for (let k = 0; k < rounds; k++) f();
    const sec = Number(process.hrtime.bigint() - t) / 1e9; const c = process.cpuUsage(c0);
    const gib = (rounds * batches.length * MB) / 2 ** 30;
    console.log(name.padEnd(22), (gib * 1024 / sec).toFixed(0), 'MiB/s', ((c.user + c.system) / 1e6 / gib).toFixed(3), 'CPU-s/GiB', 'ratio', (data.length / batches.reduce((a, b) => a + b.length, 0)).toFixed(2));
  }
}
main();
