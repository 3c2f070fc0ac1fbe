// A local Tencent Cloud API endpoint for SCF `Invoke` and CKafka `DescribeTopicAttributes`, driven by the
// real tencentcloud-sdk-nodejs and tencentcloud-sdk-python clients: TC3 signatures checked, parameters by
// POST (JSON) or GET (query string), `X-TC-Action` routing, the API's answer and error shapes, a
// configurable Invoke rate limit, and injectable errors.
import { createHash, randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { Kafka, logLevel, type Admin } from '../../kafka/kafkajs';
import { FaultRules, type FaultRule } from '../fault-rules';
import { FunctionRunner, type FunctionDefinition, type InvocationRecord } from './functions';
import { verifyTc3, type ApiCredential } from './tc3';
import { ParamsError, requestParams } from './params';
import { listenOnLoopback } from '../ports';

export type ApiAction = 'Invoke' | 'DescribeTopicAttributes';
export interface ApiFault {
  code: string;
  message?: string;
}
export type ApiFaultRule = FaultRule<ApiAction, ApiFault>;

export interface ApiEmulatorOptions {
  credentials: ApiCredential[];
  host?: string;
  port?: number;
  region?: string;
  appId?: string;
  functions?: FunctionDefinition[];
  /** CKafka instances answered from a real broker's metadata. */
  instances?: Record<string, { brokers: string[] }>;
  invokeRateLimit?: { perSecond: number };
  workers?: number;
  asyncRetryDelayMs?: number;
  /** Injected into every function's environment, as an SCF execution role does. */
  roleCredentials?: { secretId: string; secretKey: string; sessionToken?: string };
  onFunctionLog?: (functionName: string, line: string) => void;
}

export interface InvokeArrival {
  at: number;
  accepted: boolean;
  functionName: string;
}

export interface ApiEmulator {
  readonly port: number;
  readonly endpoint: string;
  readonly faults: FaultRules<ApiAction, ApiFault>;
  invocations(): InvocationRecord[];
  /** Every Invoke call that passed authentication, accepted or throttled, in arrival order. */
  arrivals(): InvokeArrival[];
  /** Every authenticated call: the action and what it named (function or topic). */
  calls(): Array<{ action: string; target: string }>;
  idle(): Promise<void>;
  /** Kills up to `count` running function instances mid-invocation (their async retries follow). */
  crashRunning(count?: number): number;
  registerFunction(definition: FunctionDefinition): void;
  close(): Promise<void>;
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const ASYNC_EVENT_LIMIT = 128 * 1024;
const SYNC_EVENT_LIMIT = 6 * 1024 * 1024;

/** A stable CKafka-style topic id (`topic-` and 8 base-36 characters) derived from instance and name. */
export function localTopicId(instanceId: string, topic: string): string {
  const digest = createHash('sha256').update(`${instanceId}/${topic}`).digest();
  let id = '';
  for (let i = 0; i < 8; i++) id += (digest[i]! % 36).toString(36);
  return `topic-${id}`;
}

function requireString(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (value === undefined || value === null || value === '') throw new ApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);
  if (typeof value !== 'string') throw new ApiError('InvalidParameter', `The parameter \`${name}\` must be a string.`);
  return value;
}

export async function startApiEmulator(options: ApiEmulatorOptions): Promise<ApiEmulator> {
  const region = options.region ?? 'ap-guangzhou';
  const appId = options.appId ?? '1250000000';
  const faults = new FaultRules<ApiAction, ApiFault>();
  const arrivals: InvokeArrival[] = [];
  const calls: Array<{ action: string; target: string }> = [];
  const runner = new FunctionRunner({
    workers: options.workers ?? cpus().length,
    region,
    appId,
    roleCredentials: options.roleCredentials,
    asyncRetryDelayMs: options.asyncRetryDelayMs ?? 1000,
    onLog: options.onFunctionLog,
  });
  for (const definition of options.functions ?? []) runner.register(definition);
  // One admin per instance, shared as a promise: two requests at once must not each connect one.
  const admins = new Map<string, Promise<Admin>>();
  const accepted: number[] = [];

  function throttled(now: number): boolean {
    const limit = options.invokeRateLimit?.perSecond;
    if (!limit) return false;
    while (accepted.length > 0 && accepted[0]! <= now - 1000) accepted.shift();
    if (accepted.length >= limit) return true;
    accepted.push(now);
    return false;
  }

  async function invoke(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const name = requireString(params, 'FunctionName');
    const namespace = params.Namespace === undefined ? 'default' : requireString(params, 'Namespace');
    const qualifier = params.Qualifier === undefined ? '$LATEST' : requireString(params, 'Qualifier');
    const type = params.InvocationType === undefined ? 'RequestResponse' : requireString(params, 'InvocationType');
    if (type !== 'Event' && type !== 'RequestResponse') throw new ApiError('InvalidParameterValue.InvocationType', `InvocationType must be Event or RequestResponse, not "${type}".`);
    const now = Date.now();
    const isThrottled = throttled(now);
    arrivals.push({ at: now, accepted: !isThrottled, functionName: name });
    if (isThrottled) throw new ApiError('RequestLimitExceeded', `The request rate of Invoke exceeds the limit of ${options.invokeRateLimit!.perSecond} per second.`);
    if (!runner.hasNamespace(namespace)) throw new ApiError('ResourceNotFound.Namespace', `Namespace ${namespace} does not exist.`);
    const definition = runner.find(name, namespace);
    if (!definition) throw new ApiError('ResourceNotFound.Function', `Function ${namespace}/${name} does not exist.`);
    const context = params.ClientContext === undefined ? '{}' : requireString(params, 'ClientContext');
    const limit = type === 'Event' ? ASYNC_EVENT_LIMIT : SYNC_EVENT_LIMIT;
    if (Buffer.byteLength(context) > limit) throw new ApiError('InvalidParameterValue.ClientContext', `ClientContext is ${Buffer.byteLength(context)} bytes; ${type} invocations take at most ${limit} bytes.`);
    let event: unknown;
    try {
      event = JSON.parse(context);
    } catch {
      throw new ApiError('InvalidParameterValue.ClientContext', 'ClientContext is not valid JSON.');
    }
    if (type === 'Event') return { Result: { FunctionRequestId: runner.invokeAsync(definition, qualifier, event) } };
    const record = await runner.invokeSync(definition, qualifier, event);
    const duration = (record.endedAt ?? 0) - (record.startedAt ?? 0);
    return {
      Result: {
        FunctionRequestId: record.requestId,
        Duration: duration,
        BillDuration: Math.ceil(duration),
        MemUsage: 0,
        InvokeResult: record.status === 'succeeded' ? 0 : -1,
        RetMsg: record.status === 'succeeded' ? JSON.stringify(record.result) : '',
        ErrMsg: record.error ?? '',
        Log: record.logs.join('\n'),
      },
    };
  }

  async function describeTopic(params: Record<string, unknown>): Promise<Record<string, unknown>> {
    const instanceId = requireString(params, 'InstanceId');
    const topic = requireString(params, 'TopicName');
    const instance = options.instances?.[instanceId];
    if (!instance) throw new ApiError('InvalidParameterValue.InstanceNotExist', `Instance ${instanceId} does not exist.`);
    let connecting = admins.get(instanceId);
    if (!connecting) {
      const created = new Kafka({ clientId: 'local-api-emulator', brokers: instance.brokers, logLevel: logLevel.NOTHING }).admin();
      connecting = created.connect().then(() => created);
      admins.set(instanceId, connecting);
      connecting.catch(() => admins.delete(instanceId));
    }
    const admin = await connecting;
    let partitions: Array<{ partitionId: number; replicas: number[]; isr: number[] }>;
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      partitions = metadata.topics[0]?.partitions ?? [];
    } catch (err) {
      if ((err as { type?: string }).type === 'UNKNOWN_TOPIC_OR_PARTITION') throw new ApiError('ResourceNotFound', `Topic ${topic} does not exist in instance ${instanceId}.`);
      throw err;
    }
    const sorted = [...partitions].sort((a, b) => a.partitionId - b.partitionId);
    return {
      Result: {
        TopicId: localTopicId(instanceId, topic),
        CreateTime: 0,
        Note: '',
        PartitionNum: sorted.length,
        EnableWhiteList: 0,
        IpWhiteList: [],
        Config: { Retention: 86400000, CleanUpPolicy: 'delete' },
        Partitions: sorted.map((p) => ({ Partition: p.partitionId, LeaderStatus: 0, IsrNum: p.isr.length, ReplicaNum: p.replicas.length })),
        EnableAclRule: 0,
        AclRuleList: [],
        ReplicaNum: sorted[0]?.replicas.length ?? 1,
        Status: 0,
      },
    };
  }

  // Routed by action and version. The credential scope names the product (`scf`, `ckafka`: the Python SDK),
  // or for an endpoint that is no product's host, whatever precedes its first dot (the Node SDK takes `127`
  // from `127.0.0.1:PORT`); any other service is refused, as the real gateway refuses another product's.
  const routes: Record<string, { version: string; service: string; action: ApiAction; handle: (p: Record<string, unknown>) => Promise<Record<string, unknown>> }> = {
    Invoke: { version: '2018-04-16', service: 'scf', action: 'Invoke', handle: invoke },
    DescribeTopicAttributes: { version: '2019-08-19', service: 'ckafka', action: 'DescribeTopicAttributes', handle: describeTopic },
  };

  function answer(res: ServerResponse, body: Record<string, unknown>, requestId: string): void {
    const text = JSON.stringify({ Response: { ...body, RequestId: requestId } });
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(text)), 'X-TC-RequestId': requestId });
    res.end(text);
  }

  async function readBody(req: IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const body = await readBody(req);
    const fail = (code: string, message: string) => answer(res, { Error: { Code: code, Message: message } }, requestId);
    try {
      const target = req.url ?? '/';
      const at = target.indexOf('?');
      const method = req.method ?? 'POST';
      const query = at >= 0 ? target.slice(at + 1) : '';
      const auth = verifyTc3({ method, path: at >= 0 ? target.slice(0, at) : target, query, headers: req.headers, body }, options.credentials, Date.now());
      if (!auth.ok) return fail(auth.code, auth.message);
      const actionName = String(req.headers['x-tc-action'] ?? '');
      const route = Object.prototype.hasOwnProperty.call(routes, actionName) ? routes[actionName] : undefined;
      if (!route) return fail('InvalidAction', `The action ${actionName} is not supported by the local API emulator.`);
      if (req.headers['x-tc-version'] !== route.version) return fail('InvalidParameter', `Version ${String(req.headers['x-tc-version'])} is not ${route.version}.`);
      const hostLabel = String(req.headers.host ?? '').split('.')[0];
      if (auth.service !== route.service && auth.service !== hostLabel) return fail('AuthFailure.SignatureFailure', `The credential scope names the service "${auth.service}", not ${route.service}.`);
      let params: Record<string, unknown>;
      try {
        params = requestParams(method, String(req.headers['content-type'] ?? ''), query, body);
      } catch (err) {
        if (err instanceof ParamsError) return fail('InvalidParameter', err.message);
        throw err;
      }
      const faultTarget = String(params.FunctionName ?? params.TopicName ?? '');
      calls.push({ action: actionName, target: actionName === 'DescribeTopicAttributes' ? `${String(params.InstanceId)}/${faultTarget}` : faultTarget });
      const fault = faults.decide(route.action, faultTarget);
      if (fault) return fail(fault.code, fault.message ?? `Injected ${fault.code}.`);
      answer(res, await route.handle(params), requestId);
    } catch (err) {
      if (err instanceof ApiError) return fail(err.code, err.message);
      fail('InternalError', `The local API emulator failed: ${(err as Error).message}`);
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  const { port, endpoint } = await listenOnLoopback(server, options.port, options.host);
  return {
    port,
    endpoint,
    faults,
    invocations: () => runner.invocations(),
    arrivals: () => arrivals,
    calls: () => calls,
    idle: () => runner.idle(),
    crashRunning: (count) => runner.crashRunning(count),
    registerFunction: (definition) => runner.register(definition),
    close: async () => {
      await runner.close();
      await Promise.all([...admins.values()].map((a) => a.then((admin) => admin.disconnect(), () => {})));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
