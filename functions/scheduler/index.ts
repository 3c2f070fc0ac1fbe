// SCF entry point of the scheduler (timer trigger). All logic lives in src/scheduler.
import { runScheduler } from '../../src/scheduler/scheduler';

export const main_handler = async (event: unknown, context: unknown) => runScheduler(event, context, { env: process.env });
