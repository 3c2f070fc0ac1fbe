// Every COS operation the local server answers, and the handler that answers it.
import type { Handler } from '../context';
import type { CosOperation } from '../faults';
import { bucketHandlers } from './bucket';
import { multipartHandlers } from './multipart';
import { objectHandlers } from './objects';

export const HANDLERS: Record<CosOperation, Handler> = { ...bucketHandlers, ...objectHandlers, ...multipartHandlers };
