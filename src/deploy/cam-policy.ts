// The execution role's CAM policy (cam-policy.json), filled in for one deployment: COS writes on the
// bucket and prefix, Invoke on the consumer, DescribeTopicAttributes on the instance, and nothing else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../local/paths';

export interface PolicyValues {
  REGION: string;
  APPID: string;
  UIN: string;
  COS_BUCKET: string;
  COS_PREFIX: string;
  FUNCTION_NAMESPACE: string;
  CONSUMER_FUNCTION_NAME: string;
  CKAFKA_INSTANCE_ID: string;
}

export interface PolicyStatement {
  effect: string;
  action: string[];
  resource: string[];
  condition?: Record<string, Record<string, string>>;
}

export function policyTemplate(): string {
  return readFileSync(join(projectRoot(), 'cam-policy.json'), 'utf8');
}

export function renderPolicy(values: PolicyValues, template = policyTemplate()): { version: string; statement: PolicyStatement[] } {
  const filled = template.replace(/\{\{([A-Z_]+)\}\}/g, (_, name: keyof PolicyValues) => {
    const value = values[name];
    if (value === undefined) throw new Error(`cam-policy.json needs ${name}`);
    // Values land inside JSON strings: refuse anything that would change the document's structure.
    // eslint-disable-next-line no-control-regex
    if (/["\\\u0000-\u001f]/.test(value)) throw new Error(`${name} contains a character not allowed in a CAM resource: ${JSON.stringify(value)}`);
    return value;
  });
  return JSON.parse(filled);
}
