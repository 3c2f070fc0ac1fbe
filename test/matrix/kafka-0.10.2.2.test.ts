// Apache Kafka 0.10.2.2: see matrix.ts for the rows. Run this version alone with `npx jest test/matrix/kafka-0.10.2.2`.
import { brokerMatrix } from './matrix';

brokerMatrix('0.10.2.2');
