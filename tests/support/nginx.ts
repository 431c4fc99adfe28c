import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadline } from './deadline';

export interface NginxVerdict {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Asks the real nginx whether a complete nginx.conf is valid. `nginx -t` binds the listen ports and
 * writes a pid file, so it runs in a private network namespace with its own prefix and pid path.
 */
export function nginxTest(config: string): NginxVerdict {
  const directory = mkdtempSync(join(tmpdir(), 'clusterspec-nginx-'));
  try {
    const file = join(directory, 'nginx.conf');
    writeFileSync(file, config);
    const args = ['-t', '-c', file, '-p', `${directory}/`, '-e', 'stderr', '-g', `pid ${directory}/nginx.pid;`];
    const isolated = spawnSync('unshare', ['-n', 'true']).status === 0;
    const result = isolated
      ? spawnSync('unshare', ['-n', 'nginx', ...args], { encoding: 'utf8', timeout: deadline(20000) })
      : spawnSync('nginx', args, { encoding: 'utf8', timeout: deadline(20000) });
    if (result.error) throw result.error;
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
