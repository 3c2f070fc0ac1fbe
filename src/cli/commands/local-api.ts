// `ckafka-cos local api`: the SCF/CKafka API emulator in the foreground.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startApiEmulator } from '../../local/api-emulator';
import { LOCAL_CREDENTIALS, LOCAL_INSTANCE_ID, LOCAL_REGION } from '../../local/defaults';
import { waitForSignal } from '../signals';

const HELP = `usage: ckafka-cos local api [--port P] [--brokers host:port] [--instance-id ID] [--function name=handler.js ...] [--rate N]
Starts the local Tencent Cloud API emulator (SCF Invoke, CKafka DescribeTopicAttributes) on 127.0.0.1.
  --brokers      Kafka bootstrap answering DescribeTopicAttributes for --instance-id (default ${LOCAL_INSTANCE_ID})
  --function     a function Invoke can run: name=path/to/handler.js (exports main_handler); repeatable
  --timeout S    function time limit in seconds (default 300)
  --rate N       Invoke requests accepted per second (default: unlimited)`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      brokers: { type: 'string' },
      'instance-id': { type: 'string' },
      function: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      rate: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const functions = (values.function ?? []).map((spec) => {
    const [name, file] = spec.split('=');
    if (!name || !file) throw new Error(`--function takes name=path/to/handler.js, got "${spec}"`);
    return { name, handlerFile: resolve(file), timeoutSec: Number(values.timeout ?? 300), memoryMb: 128 };
  });
  const instanceId = values['instance-id'] ?? LOCAL_INSTANCE_ID;
  const api = await startApiEmulator({
    credentials: [LOCAL_CREDENTIALS],
    port: values.port ? Number(values.port) : 0,
    region: LOCAL_REGION,
    functions,
    instances: values.brokers ? { [instanceId]: { brokers: values.brokers.split(',') } } : {},
    invokeRateLimit: values.rate ? { perSecond: Number(values.rate) } : undefined,
    roleCredentials: LOCAL_CREDENTIALS,
    onFunctionLog: (name, line) => console.error(`[${name}] ${line}`),
  });
  console.log(JSON.stringify({ endpoint: api.endpoint, port: api.port, region: LOCAL_REGION, functions: functions.map((f) => f.name), ...LOCAL_CREDENTIALS }));
  await waitForSignal();
  await api.close();
  return 0;
}
