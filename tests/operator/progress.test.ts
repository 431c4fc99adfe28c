import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSpecs, ROOT } from '../support/fixtures';
import { cli } from '../support/cli';

const SPECS = fixtureSpecs()
  .filter((file) => !file.includes('seed-ha-toml'))
  .map((file) => join(ROOT, file));

describe('progress and verbosity', () => {
  let scratch: string;
  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-progress-'));
  });
  afterEach(() => rmSync(scratch, { recursive: true, force: true }));

  it('prints a progress line per spec on a terminal when there are several specs', async () => {
    const result = await cli(['generate', ...SPECS, '--out', scratch], { interactive: true });
    expect(result.code).toBe(0);
    expect(result.stderr.split('\n')).toEqual(
      SPECS.map((spec, index) => expect.stringMatching(new RegExp(`^\\[${index + 1}/${SPECS.length}\\] generating ${spec} \\([0-9]+ hosts\\)$`))),
    );
  });

  it('stays quiet off a terminal, and for one small spec on a terminal', async () => {
    expect((await cli(['generate', ...SPECS, '--out', scratch])).stderr).toBe('');
    expect((await cli(['check', SPECS[0], '--out', scratch], { interactive: true })).stderr).toBe('');
  });

  it('--quiet prints nothing when all is well; --verbose reports each spec', async () => {
    expect(await cli(['generate', ...SPECS, '--out', scratch, '--quiet'], { interactive: true })).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await cli(['check', ...SPECS, '--out', scratch, '-q'])).toEqual({ code: 0, stdout: '', stderr: '' });
    const verbose = await cli(['check', SPECS[0], '--out', scratch, '--verbose']);
    expect(verbose.stderr).toMatch(/^\[1\/1\] checking .* hosts\)\n\[1\/1\] .*: [0-9]+ files, 0 differ, [0-9.]+ s$/);
  });

  it('lint --quiet shows errors only; --quiet with --verbose is a usage error', async () => {
    const seed = join(ROOT, 'fixtures/seed-ha/cluster.yaml');
    expect((await cli(['lint', seed])).stdout).toMatch(/endpoint-is-service-name/);
    const quiet = await cli(['lint', seed, '--quiet']);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toMatch(/endpoint-is-service-name/);
    expect((await cli(['lint', seed, '--quiet', '--verbose'])).code).toBe(2);
  });
});
