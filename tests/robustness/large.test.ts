/**
 * The large-input promise: a 5,000-host site validates, generates and lints, each in one CLI process,
 * and generate stays under 512 MB peak RSS (GNU time's %M). SLOW (about a minute): one run of each.
 * Needs `npm run build` (it runs packages/cli/bin/clusterspec.js) and /usr/bin/time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ROOT } from '../support/fixtures';
import { deadline } from '../support/deadline';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS script without type declarations, typed here
const { syntheticSpec } = require('../../bench/make-spec.js') as { syntheticSpec: (size: number) => unknown };

jest.setTimeout(deadline(600000));

const BIN = join(ROOT, 'packages/cli/bin/clusterspec.js');
const GENERATE_RSS_LIMIT_MB = 512;

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-large-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** One CLI run under GNU time: exit code, wall seconds, peak RSS in MB. */
function measured(args: string[]): { code: number | null; seconds: number; rssMb: number; stderr: string } {
  const result = spawnSync('/usr/bin/time', ['-f', 'clusterspec-time %e %M', 'node', BIN, ...args], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: deadline(300000),
  });
  const line = /clusterspec-time ([0-9.]+) ([0-9]+)/.exec(result.stderr);
  if (!line) throw new Error(`no figures from /usr/bin/time:\n${result.stderr.slice(-2000)}`);
  return { code: result.status, seconds: Number(line[1]), rssMb: Number(line[2]) / 1024, stderr: result.stderr };
}

(existsSync('/usr/bin/time') ? describe : describe.skip)('LARGE INPUT (SLOW): a 5,000-host site in one process each', () => {
  it('validates, generates (< 512 MB peak RSS) and lints', () => {
    const spec = join(scratch, 'bench-5000.yaml');
    writeFileSync(spec, stringify(syntheticSpec(5000), { lineWidth: 0 }));
    const validate = measured(['validate', spec]);
    expect(validate.code).toBe(0);
    const generate = measured(['generate', spec, '--out', join(scratch, 'out')]);
    expect(generate.code).toBe(0);
    const lint = measured(['lint', spec, '--format', 'json']);
    expect([0, 1]).toContain(lint.code); // findings are allowed; bad input (2) or a crash is not
    process.stdout.write(
      `5,000 hosts: validate ${validate.seconds} s ${validate.rssMb.toFixed(0)} MB; generate ${generate.seconds} s ${generate.rssMb.toFixed(0)} MB; lint ${lint.seconds} s ${lint.rssMb.toFixed(0)} MB\n`,
    );
    expect(generate.rssMb).toBeLessThan(GENERATE_RSS_LIMIT_MB);
  });
});
