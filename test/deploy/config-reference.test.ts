import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderConfigReference, withFreshReference } from '../../src/config/reference';
import { VARIABLES } from '../../src/config/variables';

describe('README configuration reference', () => {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');

  it('is exactly what the variable table renders (run `npm run docs` after changing a variable)', () => {
    expect(withFreshReference(readme) === readme).toBe(true);
  });

  it('lists every variable with its alias', () => {
    const reference = renderConfigReference();
    for (const v of VARIABLES) {
      expect(reference).toContain(`| \`${v.name}\` |`);
      if (v.alias) expect(reference).toContain(`\`${v.alias}\``);
    }
  });
});
