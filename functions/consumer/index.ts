// SCF entry point of the consumer: one partition per invocation. All logic lives in src/consumer.
import { runConsumer } from '../../src/consumer/consumer';

export const main_handler = async (event: unknown, context: unknown) => runConsumer(event, context, { env: process.env });
