import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadline } from './deadline';

export const KEEPALIVED = '/usr/sbin/keepalived';

export interface KeepalivedVerdict {
  readonly ok: boolean;
  readonly output: string;
}

/**
 * Asks the real keepalived (`--config-test`) whether a keepalived.conf is valid, as it would start on its
 * host: inside a private network namespace that has the named interface (a veth, since keepalived refuses
 * a missing interface), with the check script at the path the config names moved into a root-only
 * folder (keepalived's script security refuses scripts reachable through world-writable folders).
 */
export function keepalivedConfigTest(config: string, checkScript: { path: string; content: string }, interfaceName: string): KeepalivedVerdict {
  const directory = mkdtempSync(join(tmpdir(), 'clusterspec-keepalived-'));
  try {
    chmodSync(directory, 0o700);
    const script = join(directory, 'check_apiserver.sh');
    writeFileSync(script, checkScript.content, { mode: 0o755 });
    const file = join(directory, 'keepalived.conf');
    writeFileSync(file, config.split(checkScript.path).join(script));
    const command = `ip link add "$1" type veth peer name csp-peer0 && exec ${KEEPALIVED} --config-test -f "$2"`;
    const result = spawnSync('unshare', ['-n', 'sh', '-c', command, 'sh', interfaceName, file], { encoding: 'utf8', timeout: deadline(20000) });
    if (result.error) throw result.error;
    return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
