export { startApiEmulator, localTopicId, type ApiEmulator, type ApiEmulatorOptions, type ApiFaultRule, type InvokeArrival } from './server';
export type { FunctionDefinition, InvocationRecord } from './functions';
export type { ApiCredential } from './tc3';
