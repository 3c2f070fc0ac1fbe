// `ckafka-cos local cos`: the COS-compatible server in the foreground, for development and the demo.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startCosServer } from '../../local/cos-server';
import { LOCAL_BUCKET, LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/defaults';
import { waitForSignal } from '../signals';

const HELP = `usage: ckafka-cos local cos [--port P] [--dir D] [--bucket name-appid] [--region R] [--secret-id ID --secret-key KEY]
Starts the local COS-compatible server on 127.0.0.1 and prints its endpoint and credentials as JSON.
  --port P     port (default: a free port)
  --dir D      data folder; objects are files under D/<bucket>/<key> (default: a new temporary folder)
  --bucket B   bucket to create (default ${LOCAL_BUCKET}), in --region (default ${LOCAL_REGION})`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      dir: { type: 'string' },
      bucket: { type: 'string' },
      region: { type: 'string' },
      'secret-id': { type: 'string' },
      'secret-key': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const credentials = { secretId: values['secret-id'] ?? LOCAL_CREDENTIALS.secretId, secretKey: values['secret-key'] ?? LOCAL_CREDENTIALS.secretKey };
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'ckafka-cos-cos-'));
  const bucket = { name: values.bucket ?? LOCAL_BUCKET, region: values.region ?? LOCAL_REGION };
  const server = await startCosServer({ dataDir: dir, credentials: [credentials], buckets: [bucket], port: values.port ? Number(values.port) : 0 });
  console.log(JSON.stringify({ endpoint: server.endpoint, port: server.port, dir, bucket: bucket.name, region: bucket.region, ...credentials }));
  await waitForSignal();
  await server.close();
  return 0;
}
