// Measures the local COS server's peak memory while it receives a large multipart upload, to show that
// it streams. `node scripts/run-ts.mjs scripts/measure-cos-rss.ts [--gib 1]`
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { createCosClient } from '../test/support/cos-sdk';

const MiB = 1024 * 1024;
const { values } = parseArgs({ options: { gib: { type: 'string', default: '1' }, 'part-mib': { type: 'string', default: '8' } } });
const total = Math.round(Number(values.gib) * 1024 * MiB);
const partSize = Number(values['part-mib']) * MiB;

function vmHwmMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? 0) / 1024;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'cos-rss-'));
  const child = spawn(process.execPath, [...(process.env.SERVER_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.SERVER_PROF] : []), 'bin/ckafka-cos.js', 'local', 'cos', '--dir', dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve));
  const info = JSON.parse(first) as { endpoint: string; bucket: string; region: string; secretId: string; secretKey: string };
  const cos = createCosClient({ secretId: info.secretId, secretKey: info.secretKey, endpoint: info.endpoint });
  const target = { Bucket: info.bucket, Region: info.region, Key: 'rss/one-gib.bin' };
  const idle = vmHwmMiB(child.pid!);

  const expected = createHash('md5');
  const { UploadId } = await cos.multipartInit(target);
  const parts: Array<{ PartNumber: number; ETag: string }> = [];
  const count = Math.ceil(total / partSize);
  let next = 0;
  const started = Date.now();
  async function uploader(): Promise<void> {
    while (next < count) {
      const index = next++;
      const size = Math.min(partSize, total - index * partSize);
      const body = Buffer.alloc(size, index % 251);
      const { ETag } = await cos.multipartUpload({ ...target, UploadId, PartNumber: index + 1, Body: body, ContentLength: size });
      parts[index] = { PartNumber: index + 1, ETag };
    }
  }
  await Promise.all([uploader(), uploader(), uploader(), uploader()]);
  for (let i = 0; i < count; i++) expected.update(Buffer.alloc(Math.min(partSize, total - i * partSize), i % 251));
  await cos.multipartComplete({ ...target, UploadId, Parts: parts });
  const seconds = (Date.now() - started) / 1000;
  const peak = vmHwmMiB(child.pid!);

  const stored = join(dir, info.bucket, 'rss', 'one-gib.bin');
  const size = statSync(stored).size;
  const actual = createHash('md5');
  for await (const chunk of (await import('node:fs')).createReadStream(stored)) actual.update(chunk as Buffer);
  const intact = actual.digest('hex') === expected.digest('hex');
  child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
  console.log(JSON.stringify({ uploadedBytes: total, parts: count, partMiB: partSize / MiB, storedBytes: size, intact, seconds, serverIdleRssMiB: Math.round(idle), serverPeakRssMiB: Math.round(peak) }));
  if (!intact || size !== total || peak >= 150) process.exitCode = 1;
}

void main();
