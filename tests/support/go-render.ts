/**
 * The Go stand-in of consul-template's template functions (tests/go/render): one catalog entry as the Consul
 * HTTP API returns it, and the build of the renderer into a folder of the test's, offline (Debian's Go, no
 * module download, no toolchain switch), bounded in time.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { deadline } from './deadline';
import { ROOT } from './fixtures';

/** One instance of a service in the catalog the renderer reads on stdin (`{"services": [...]}`). */
export interface CatalogEntry {
  Node: string;
  NodeAddress: string;
  ID: string;
  Name: string;
  Tags: string[];
  Address: string;
  Port: number;
  Status: string;
}

/** Builds the renderer into workdir/render (its Go caches in workdir too) and returns its path; throws with Go's output when it fails. */
export function buildRenderer(workdir: string): string {
  const binary = join(workdir, 'render');
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: workdir,
    GOCACHE: join(workdir, 'gocache'),
    GOPATH: join(workdir, 'gopath'),
    GOENV: 'off',
    GOFLAGS: '',
    GOPROXY: 'off',
    GOTOOLCHAIN: 'local',
    GO111MODULE: 'on',
    CGO_ENABLED: '0',
  };
  const built = spawnSync('go', ['build', '-o', binary, '.'], { cwd: join(ROOT, 'tests', 'go', 'render'), env, encoding: 'utf8', timeout: deadline(150_000) });
  if (built.error) throw new Error(`go build could not run (is Go installed? \`which go\`): ${built.error.message}`);
  if (built.status !== 0) throw new Error(`go build failed:\n${built.stdout}${built.stderr}`);
  return binary;
}
