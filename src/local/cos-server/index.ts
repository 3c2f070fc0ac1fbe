export { startCosServer, type CosServer, type CosServerOptions } from './server';
export { FaultInjector, seededRandom, type CosOperation, type Fault, type FaultRule } from './faults';
export type { Credential } from './signature';
