// Apache Kafka 1.1.1: see matrix.ts for the rows. Run this version alone with `npx jest test/matrix/kafka-1.1.1`.
import { brokerMatrix } from './matrix';

brokerMatrix('1.1.1');
