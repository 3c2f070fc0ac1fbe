// The ZooKeeper of a ZooKeeper-mode broker: the one its Kafka version depends on, from the same jars.
import { mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { kafkaJavaArgs } from './jars';
import { JavaProcess } from './java-process';
import { zooKeeperProperties } from './server-properties';

/** Asks ZooKeeper `srvr` (a four-letter word every version answers by default): true once it serves. */
export function zooKeeperServes(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('srvr'));
    socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
    // A ZooKeeper still loading its database answers "not currently serving requests".
    socket.on('end', () => done(/Zookeeper version/i.test(answer) && /Mode: standalone/i.test(answer)));
  });
}

export async function startZooKeeper(options: { dir: string; port: number; version: string; startTimeoutMs: number }): Promise<JavaProcess> {
  mkdirSync(options.dir, { recursive: true });
  const config = join(options.dir, 'zookeeper.properties');
  writeFileSync(config, zooKeeperProperties({ port: options.port, dataDir: join(options.dir, 'data') }));
  const zookeeper = JavaProcess.spawn(
    `zookeeper (Kafka ${options.version})`,
    // A single client at local-test load: no optimizing compiler or parallel GC threads to pay for.
    kafkaJavaArgs('org.apache.zookeeper.server.quorum.QuorumPeerMain', [config], 256, options.version, ['-Xms64m', '-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC']),
    join(options.dir, 'zookeeper.log'),
  );
  try {
    await zookeeper.waitUntil(() => zooKeeperServes(options.port), options.startTimeoutMs);
  } catch (err) {
    await zookeeper.kill();
    throw err;
  }
  return zookeeper;
}
