// Regenerates the README's configuration reference from the variable table: `npm run docs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { withFreshReference } from '../src/config/reference';

const readme = readFileSync('README.md', 'utf8');
const fresh = withFreshReference(readme);
if (fresh !== readme) writeFileSync('README.md', fresh);
console.log(fresh === readme ? 'README.md configuration reference is up to date' : 'README.md configuration reference regenerated');
