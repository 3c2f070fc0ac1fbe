// `ckafka-cos local code-cache`: records the bundles' V8 code caches on SCF's Node.js release, the
// consumer's after a training invocation against a replay of a recorded Kafka conversation (the build runs
// it; see src/local/code-cache.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { recordPlainCache, recordTrainedCache, type CacheRecord } from '../../local/code-cache';
import { readConversation } from '../../local/kafka/conversation';
import { projectRoot } from '../../local/paths';
import { ensureScfNode } from '../../local/scf-node';

const HELP = `usage: ckafka-cos local code-cache [--node PATH] [--conversation FILE] [--summary FILE] [--train DIR]... [--plain DIR]...
Records the V8 code cache (bundle.cache) of built bundle folders on SCF's Node.js release.
  --train DIR         after one invocation of the folder's main_handler against a replay of --conversation
                      (default scripts/code-cache/training.json) and a local COS server
  --plain DIR         after the bundle's top level alone
  --node PATH         the Node.js binary (default: SCF's release, fetched once)
  --summary FILE      write what was recorded, as JSON`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      node: { type: 'string' },
      conversation: { type: 'string' },
      summary: { type: 'string' },
      train: { type: 'string', multiple: true },
      plain: { type: 'string', multiple: true },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const node = values.node ?? ensureScfNode((line) => console.error(line));
  if (!node) {
    console.error("SCF's Node.js release is not available here: no code cache recorded");
    return 1;
  }
  const records: CacheRecord[] = [];
  if (values.train?.length) {
    const conversation = readConversation(values.conversation ?? join(projectRoot(), 'scripts', 'code-cache', 'training.json'));
    for (const dir of values.train) {
      const record = await recordTrainedCache(dir, node, conversation);
      records.push(record);
      if (!record.trained) console.error(`${dir}: code cache recorded WITHOUT training: ${record.reason}`);
    }
  }
  for (const dir of values.plain ?? []) records.push(recordPlainCache(dir, node));
  if (values.summary) writeFileSync(values.summary, `${JSON.stringify(records, null, 2)}\n`);
  return 0;
}
