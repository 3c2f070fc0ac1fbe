// `ckafka-cos` command line: dispatches to one module per command so each stays small.
import { commands, type Command } from './commands';

function usage(): string {
  const lines = Object.entries(commands).map(([name, cmd]) => `  ${name.padEnd(14)} ${cmd.summary}`);
  return ['usage: ckafka-cos <command> [options]', '', 'commands:', ...lines, '', 'ckafka-cos <command> --help for its options'].join('\n');
}

function resolve(argv: string[]): { command: Command; args: string[] } | undefined {
  const [first, second, ...rest] = argv;
  if (!first) return undefined;
  if (second && commands[`${first} ${second}`]) return { command: commands[`${first} ${second}`]!, args: rest };
  const command = commands[first];
  return command ? { command, args: argv.slice(1) } : undefined;
}

async function main(argv: string[]): Promise<number> {
  const found = resolve(argv);
  if (!found) {
    console.error(usage());
    return argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' ? 0 : 2;
  }
  return found.command.run(found.args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`ckafka-cos: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  },
);
