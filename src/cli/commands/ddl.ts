// `ckafka-cos ddl`: prints the table definition of each configured topic's archive for DLC, Hive or
// DuckDB (src/query/ddl.ts), from the configuration the functions run with. Writes nothing.
import { parseArgs } from 'node:util';
import { loadConfig } from '../../config/config';
import { utcDate } from '../../dump/window';
import { systemClock } from '../../util/clock';
import { defaultTableName, QUERY_ENGINES, tableDdl, type QueryEngine } from '../../query/ddl';
import { createCkafkaClient } from '../../tencent/clients';
import { describeTopic } from '../../tencent/topics';
import { commandEnvironment } from '../environment';

const USAGE = `usage: ckafka-cos ddl [--engine dlc|hive|duckdb] [--table NAME] [--topic-id ID] [--date YYYY-MM-DD] [--duckdb-root PATH/]
Prints CREATE EXTERNAL TABLE (DLC, Hive) or a DuckDB view for each configured topic's archive, with the
step that registers its partitions and an example query. Reads the configuration (COS_BUCKET, COS_PREFIX,
CKAFKA_INSTANCE_ID, KAFKA_TOPIC, FORMAT, COMPRESSION, KEY_LAYOUT) from the environment, or from the
local stack when it runs; a topic id not set in CKAFKA_TOPIC_ID is looked up with DescribeTopicAttributes.
  --engine       dlc (default), hive or duckdb
  --table        table name (default ckafka_<topic>); only with a single topic
  --topic-id     the topic id, instead of CKAFKA_TOPIC_ID or the lookup
  --date         the date of the example statements (default today, UTC)
  --duckdb-root  DuckDB: read the bucket's keys under this folder instead of COS (e.g. a synced copy)`;

/** Configuration from the environment when it names a bucket (no broker needed here), else the local stack's. */
function environment(): Record<string, string | undefined> {
  return process.env.COS_BUCKET || process.env.bucket_address ? process.env : commandEnvironment().env;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      engine: { type: 'string', default: 'dlc' },
      table: { type: 'string' },
      'topic-id': { type: 'string' },
      date: { type: 'string' },
      'duckdb-root': { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const engine = values.engine as QueryEngine;
  if (!QUERY_ENGINES.includes(engine)) {
    console.error(`ckafka-cos ddl: --engine must be one of ${QUERY_ENGINES.join(', ')}, got "${values.engine}"\n${USAGE}`);
    return 2;
  }
  const config = loadConfig(environment(), 'tool');
  const problems = [
    !config.cos.bucket && 'COS_BUCKET',
    !config.cos.region && 'COS_REGION',
    !config.ckafka.instanceId && 'CKAFKA_INSTANCE_ID',
    config.kafka.topics.length === 0 && 'KAFKA_TOPIC',
  ].filter(Boolean);
  if (problems.length > 0) throw new Error(`ckafka-cos ddl needs ${problems.join(', ')} (the consumer's configuration)`);
  if (values.table && config.kafka.topics.length > 1) throw new Error(`--table names one table but KAFKA_TOPIC lists ${config.kafka.topics.length} topics`);
  if (values['topic-id'] && config.kafka.topics.length > 1) throw new Error(`--topic-id names one topic but KAFKA_TOPIC lists ${config.kafka.topics.length} topics`);

  const { format, compression, keyLayout } = config.dump;
  const ckafka = () => createCkafkaClient({ credentials: config.credentials, region: config.region, endpoint: config.ckafka.endpoint });
  const outputs: string[] = [];
  for (const topic of config.kafka.topics) {
    const topicId = values['topic-id'] ?? config.ckafka.topicId ?? (await describeTopic(ckafka(), config.ckafka.instanceId, topic)).topicId;
    const table = { bucket: config.cos.bucket, region: config.cos.region, prefix: config.cos.prefix, instanceId: config.ckafka.instanceId, topicId, table: values.table ?? defaultTableName(topic), format, compression, keyLayout };
    outputs.push(tableDdl(table, engine, { exampleDate: values.date ?? utcDate(systemClock.now()), duckdbRoot: values['duckdb-root'] }));
  }
  console.log(outputs.join('\n'));
  return 0;
}
