// kafkajs for every part of the project that opens connections through its public API (the local stack,
// the bench, the tests' admin clients), with request-queue-fix.ts applied before any connection opens:
// none of them keeps kafkajs's 1 ms timer loop running beside what it measures or tests.
import './request-queue-fix';

export * from 'kafkajs';
