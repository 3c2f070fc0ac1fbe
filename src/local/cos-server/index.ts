export { startCosServer, type CosServer, type CosServerOptions } from './server';
export { CosFaults, type CosFault, type CosFaultRule, type CosOperation } from './faults';
export type { Credential } from './signature';
