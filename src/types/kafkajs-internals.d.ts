// kafkajs 2.2.4 (pinned in package.json) internals this product builds on: the cluster and broker give
// leader lookup, connections, SASL and TLS, and let us decode Fetch responses ourselves.
declare module 'kafkajs/src/cluster' {
  const Cluster: new (options: Record<string, unknown>) => KafkaJsCluster;
  export = Cluster;
}

declare module 'kafkajs/src/loggers' {
  export function createLogger(options: { level: number; logCreator: unknown }): unknown;
}

declare module 'kafkajs/src/network/socketFactory' {
  const socketFactory: () => unknown;
  export = socketFactory;
}

declare module 'kafkajs/src/protocol/requests' {
  export const requests: Record<string, unknown>;
}

declare module 'kafkajs/src/protocol/requests/apiKeys' {
  const apiKeys: Record<string, number>;
  export = apiKeys;
}

interface KafkaJsProtocolRequest {
  request: { apiKey: number; apiVersion: number; apiName: string; encode(): Promise<unknown> };
  response: { decode(payload: Buffer): Promise<unknown>; parse(decoded: unknown): Promise<unknown> };
  requestTimeout?: number;
}

interface KafkaJsBroker {
  nodeId?: number;
  lookupRequest(apiKey: number, definition: unknown): (args: Record<string, unknown>) => KafkaJsProtocolRequest;
  connectionPool: { send(request: KafkaJsProtocolRequest): Promise<unknown> };
  listOffsets(args: {
    replicaId?: number;
    isolationLevel?: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; timestamp: number }> }>;
  }): Promise<{ responses: Array<{ topic: string; partitions: Array<{ partition: number; offset: string; errorCode: number }> }> }>;
  offsetFetch(args: {
    groupId: string;
    topics: Array<{ topic: string; partitions: Array<{ partition: number }> }>;
  }): Promise<{ responses: Array<{ topic: string; partitions: Array<{ partition: number; offset: string; metadata: string | null; errorCode: number }> }> }>;
  offsetCommit(args: {
    groupId: string;
    groupGenerationId: number;
    memberId: string;
    retentionTime?: number;
    topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string; metadata?: string | null }> }>;
  }): Promise<unknown>;
}

interface KafkaJsCluster {
  brokerPool: { metadata?: { brokers: Array<{ nodeId: number; host: string; port: number }> } };
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): Array<{ partitionId: number; leader: number; partitionErrorCode: number }>;
  findLeaderForPartitions(topic: string, partitions: number[]): Record<string, number[]>;
  findBroker(args: { nodeId: string | number }): Promise<KafkaJsBroker>;
  findGroupCoordinator(args: { groupId: string }): Promise<KafkaJsBroker>;
}

declare module 'kafkajs/src/network/requestQueue' {
  const RequestQueue: { prototype: KafkaJsRequestQueue };
  export = RequestQueue;
}

interface KafkaJsRequestQueue {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}
