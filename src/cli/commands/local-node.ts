// `ckafka-cos local node`: the path of the Node.js release SCF runs the functions on, fetched on first use.
// The build records the bundles' code cache with it; run a bundle on it to see what SCF will see.
import { parseArgs } from 'node:util';
import { ensureScfNode, SCF_NODE_VERSION } from '../../local/scf-node';

const HELP = `usage: ckafka-cos local node
Prints the path of Node.js ${SCF_NODE_VERSION} (SCF's Nodejs18.15 runtime), fetched from the npm registry into
.cache/node on first use (linux-x64 only). Exits 1 when it is not available here.`;

export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { help: { type: 'boolean' } } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const node = ensureScfNode((line) => console.error(line));
  if (!node) {
    console.error(`Node.js ${SCF_NODE_VERSION} is not available on ${process.platform}-${process.arch} or could not be fetched`);
    return 1;
  }
  console.log(node);
  return 0;
}
