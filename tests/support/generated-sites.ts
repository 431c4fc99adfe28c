import { generateArtifacts } from '@clusterspec/generators';
import { loadSpec, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixtureSpecs, ROOT } from './fixtures';
import { nginxTest, type NginxVerdict } from './nginx';
import { deadline } from './deadline';

/** One spec and everything generated from it (in memory: out/ is never read or written). */
export interface GeneratedSite {
  readonly spec: string;
  readonly model: ClusterModel;
  readonly artifacts: readonly Artifact[];
}

/** fixtures/<site>/cluster.{yaml,toml} (as the generate target finds them) plus fixtures/broken/<case>/cluster.yaml. */
export function acceptanceSpecs(): string[] {
  const brokenRoot = join(ROOT, 'fixtures', 'broken');
  const broken = existsSync(brokenRoot)
    ? readdirSync(brokenRoot)
        .map((name) => join('fixtures', 'broken', name, 'cluster.yaml'))
        .filter((file) => existsSync(join(ROOT, file)))
        .sort()
    : [];
  return [...fixtureSpecs(), ...broken];
}

let cache: GeneratedSite[] | undefined;

/** Every acceptance spec, loaded and generated with generateArtifacts (the CLI's own function). */
export function generatedSites(): GeneratedSite[] {
  cache ??= acceptanceSpecs().map((spec) => {
    const model = loadSpec(join(ROOT, spec));
    return { spec, model, artifacts: generateArtifacts(model) };
  });
  return cache;
}

/** Artifacts whose path matches, with the site they come from. */
export function artifactsMatching(pattern: RegExp): { site: GeneratedSite; artifact: Artifact }[] {
  return generatedSites().flatMap((site) => site.artifacts.filter((artifact) => pattern.test(artifact.path)).map((artifact) => ({ site, artifact })));
}

/** The host folder of a host artifact path (hosts/<host>/...). */
export function hostOf(path: string): string {
  const match = /^hosts\/([^/]+)\//.exec(path);
  if (!match) throw new Error(`not a host file: ${path}`);
  return match[1];
}

/**
 * A throwaway self-signed certificate and key (openssl), for nginx -t of configs whose TLS files
 * live on storage this machine does not have. Call dispose() when done.
 */
export function throwawayCertificate(): { cert: string; key: string; dispose: () => void } {
  const directory = mkdtempSync(join(tmpdir(), 'clusterspec-cert-'));
  const cert = join(directory, 'server.crt');
  const key = join(directory, 'server.key');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=clusterspec-acceptance', '-keyout', key, '-out', cert],
    {
      encoding: 'utf8',
      timeout: deadline(30000),
    },
  );
  if (made.status !== 0) {
    rmSync(directory, { recursive: true, force: true });
    throw new Error(`openssl failed: ${made.stderr}`);
  }
  return { cert, key, dispose: () => rmSync(directory, { recursive: true, force: true }) };
}

/** The certificate and key paths an nginx config names (ssl_certificate / ssl_certificate_key directives). */
export function tlsFilesOf(config: string): { certs: string[]; keys: string[] } {
  const all = (pattern: RegExp) => [...new Set([...config.matchAll(pattern)].map((match) => match[1]))];
  return { certs: all(/^\s*ssl_certificate\s+([^;\s]+);/gm), keys: all(/^\s*ssl_certificate_key\s+([^;\s]+);/gm) };
}

/**
 * nginx -t of a config after a purely textual replacement of the certificate and key paths it
 * names with the throwaway pair: nothing else in the config changes.
 */
export function nginxTestWithCertificate(config: string, pair: { cert: string; key: string }): NginxVerdict {
  const { certs, keys } = tlsFilesOf(config);
  let text = config;
  for (const path of certs) text = text.split(path).join(pair.cert);
  for (const path of keys) text = text.split(path).join(pair.key);
  return nginxTest(text);
}
