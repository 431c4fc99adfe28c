/**
 * A reader that goes away (`clusterspec … | head`) ends the run quietly (issue 11, item 5): no EPIPE stack
 * trace, the command's own exit code. The binary runs with its stdout's reading end closed before it starts,
 * so its first write meets EPIPE every time, not only when `head` happens to win a race.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/fixtures';

const BIN = join(ROOT, 'packages/cli/bin/clusterspec.js');
const SEED = join(ROOT, 'fixtures/seed-ha/cluster.yaml');

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'clusterspec-pipes-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the binary with stdout closed by its reader at once; resolves with the exit code and stderr. */
function withClosedReader(argv: readonly string[], closeStderr = false): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('node', [BIN, ...argv], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  child.stdout.destroy();
  if (closeStderr) child.stderr.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30000);
  return new Promise((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    }),
  );
}

describe('a closed pipe on stdout ends the run quietly', () => {
  it.each([
    { argv: ['explain', 'san-coverage'], code: 0 },
    { argv: ['explain', 'hosts/emei/etc/nginx/nginx.conf'], code: 0 },
    { argv: ['lint', SEED, '--format', 'sarif'], code: 0 },
    { argv: ['lint', join(ROOT, 'fixtures/broken/wrong-lb-port/cluster.yaml')], code: 1 },
    { argv: ['validate', SEED], code: 0 },
    { argv: ['--help'], code: 0 },
  ])('$argv exits $code with nothing on stderr', async ({ argv, code }) => {
    expect(await withClosedReader(argv)).toEqual({ code, stderr: '' });
  });

  it('diff into an empty folder (128 new files) exits 1 and says only its own summary', async () => {
    const result = await withClosedReader(['diff', SEED, '--out', join(scratch, 'empty')]);
    expect(result).toEqual({ code: 1, stderr: "128 file(s) would change; 'clusterspec generate' writes them.\n" });
  });

  it("stdout and stderr both closed: still no crash, the exit code is the command's", async () => {
    expect((await withClosedReader(['explain', 'hosts/emei/etc/nginx/nginx.conf'], true)).code).toBe(0);
    expect((await withClosedReader(['diff', SEED, '--out', join(scratch, 'empty')], true)).code).toBe(1);
  });
});
