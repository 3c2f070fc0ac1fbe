// The CKafka API's view of a topic: its id (the second key segment) and its partitions.
import * as z from '../util/zod';
import type { CkafkaClient } from './clients';
import { describeTencentError, tencentErrorCode } from './errors';

const TopicAttributesSchema = z.object({
  Result: z.object({
    TopicId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/)),
    PartitionNum: z.number().check(z.int(), z.nonnegative()),
    Partitions: z.optional(z.array(z.looseObject({ Partition: z.number().check(z.int(), z.nonnegative()) }))),
  }),
});

export interface TopicAttributes {
  topicId: string;
  partitions: number[];
}

export async function describeTopic(client: CkafkaClient, instanceId: string, topic: string): Promise<TopicAttributes> {
  let answer: unknown;
  try {
    answer = await client.DescribeTopicAttributes({ InstanceId: instanceId, TopicName: topic });
  } catch (err) {
    const code = tencentErrorCode(err);
    if (code.startsWith('ResourceNotFound') || code.startsWith('InvalidParameterValue')) {
      throw new Error(`CKafka has no topic "${topic}" in instance ${instanceId} (${code}); check KAFKA_TOPIC and CKAFKA_INSTANCE_ID`, { cause: err });
    }
    throw new Error(describeTencentError(err, 'ckafka:DescribeTopicAttributes'), { cause: err });
  }
  const parsed = TopicAttributesSchema.safeParse(answer);
  if (!parsed.success) throw new Error(`unexpected DescribeTopicAttributes answer for ${instanceId}/${topic}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const result = parsed.data.Result;
  const partitions = result.Partitions?.map((p) => p.Partition).sort((a, b) => a - b) ?? Array.from({ length: result.PartitionNum }, (_, i) => i);
  return { topicId: result.TopicId, partitions };
}
