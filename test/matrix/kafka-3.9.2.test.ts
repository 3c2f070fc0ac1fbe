// Apache Kafka 3.9.2 (KRaft), on the broker jest's global setup runs for every test: see matrix.ts for the rows.
// Run this version alone with `npx jest test/matrix/kafka-3.9.2`.
import { brokerMatrix } from './matrix';

brokerMatrix('3.9.2');
