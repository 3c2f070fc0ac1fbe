// The local broker needs a JVM and Maven; say so plainly instead of failing deep inside a spawn.
import { spawnSync } from 'node:child_process';

export function requireTool(command: string, purpose: string): void {
  const probe = spawnSync(command, ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${command} is required ${purpose} but was not found on PATH (${probe.error?.message ?? `exit ${probe.status}`}). ` +
        'Install Java 17+ and Maven 3.8+ (Debian: apt-get install openjdk-17-jre-headless maven).',
    );
  }
}
