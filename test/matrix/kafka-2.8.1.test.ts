// Apache Kafka 2.8.1: see matrix.ts for the rows. Run this version alone with `npx jest test/matrix/kafka-2.8.1`.
import { brokerMatrix } from './matrix';

brokerMatrix('2.8.1');
