/**
 * Every generated Kubernetes object and kubeconfig, judged by real Kubernetes libraries:
 *  - static pod manifests, the kube-proxy ConfigMap and the RBAC ClusterRoleBindings validate with
 *    kubernetes-models (its JSON schemas of the Kubernetes OpenAPI);
 *  - every kubeconfig (cluster/kubeconfig/*.conf, hosts/<h>/etc/kubernetes/*.conf, and the one inside
 *    the kube-proxy ConfigMap) loads with @kubernetes/client-node's KubeConfig.loadFromString and has
 *    a current context whose cluster's server is https;
 *  - every kubeadm configuration document (Init/Cluster/JoinConfiguration and the KubeletConfiguration
 *    beside them) validates against schemas/kubeadm/<version>.schema.json.
 *
 * kubernetes-models 5.1.0 and @kubernetes/client-node 2.0.1 are ESM-only (package "exports" with an
 * "import" condition only), which jest's CommonJS module loader cannot load; they run in a plain
 * Node process, tests/support/kubernetes-check.mjs, fed JSON on stdin. kubernetes-models has no
 * kubelet.config.k8s.io types, so KubeletConfiguration is checked by the kubeadm schemas.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { parseAllDocuments } from 'yaml';
import { generateArtifacts } from '@clusterspec/generators';
import { ROOT, variant } from '../support/fixtures';
import { generatedSites } from '../support/generated-sites';
import { deadline } from '../support/deadline';

jest.setTimeout(deadline(120000));

interface Source {
  readonly spec: string;
  readonly path: string;
  readonly content: string;
}

/** The fixtures, plus a Kubernetes 1.20 variant of the seed site: the only way to exercise kubeadm v1beta2. */
const v1beta2Site = (() => {
  const model = variant('seed-ha', [['version: "1.6.2"', 'version: "1.20.15"']]);
  return { spec: 'seed-ha with Kubernetes 1.20.15', artifacts: generateArtifacts(model) };
})();
const sources: Source[] = [...generatedSites(), v1beta2Site].flatMap((site) =>
  site.artifacts.map((artifact) => ({ spec: site.spec, path: artifact.path, content: artifact.content })),
);

/** A Kubernetes object as parsed from YAML: its type fields, the rest left to kubernetes-models to judge. */
type ParsedObject = { readonly apiVersion?: string; readonly kind?: string; readonly [field: string]: unknown };

const documentsOf = (content: string): ParsedObject[] =>
  parseAllDocuments(content).map((document) => {
    if (document.errors.length > 0) throw new Error(document.errors.map(String).join('\n'));
    return document.toJS() as ParsedObject;
  });

const manifestPattern = /^(hosts\/[^/]+\/etc\/kubernetes\/manifests\/[^/]+\.yaml|cluster\/kube-proxy-configmap\.yaml|cluster\/rbac\/[^/]+\.yaml)$/;
const kubeadmPattern = /^hosts\/[^/]+\/etc\/kubernetes\/kubeadm-config\.yaml$/;
const kubeconfigPattern = /^(cluster\/kubeconfig\/[^/]+\.conf|hosts\/[^/]+\/etc\/kubernetes\/[^/]+\.conf)$/;

const objects = sources
  .filter((source) => manifestPattern.test(source.path))
  .flatMap((source) => documentsOf(source.content).map((object, index) => ({ id: `${source.spec}: ${source.path}#${index}`, object })));

const kubeProxyKubeconfigs = objects
  .filter(({ object }) => object.kind === 'ConfigMap' && (object.metadata as { name?: string })?.name === 'kube-proxy')
  .map(({ id, object }) => ({ id: `${id} data["kubeconfig.conf"]`, text: String((object.data as Record<string, string>)['kubeconfig.conf']) }));
const kubeconfigs = [
  ...sources.filter((source) => kubeconfigPattern.test(source.path)).map((source) => ({ id: `${source.spec}: ${source.path}`, text: source.content })),
  ...kubeProxyKubeconfigs,
];

interface CheckResult {
  objects: { id: string; ok: boolean; error?: string }[];
  kubeconfigs: { id: string; ok: boolean; error?: string; currentContext?: string; contextFound?: boolean; userFound?: boolean; server?: string | null }[];
}

function check(input: { objects?: { id: string; object: unknown }[]; kubeconfigs?: { id: string; text: string }[] }): CheckResult {
  const result = spawnSync(process.execPath, [join(ROOT, 'tests', 'support', 'kubernetes-check.mjs')], {
    cwd: ROOT,
    input: JSON.stringify(input),
    encoding: 'utf8',
    timeout: deadline(60000),
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`kubernetes-check.mjs failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as CheckResult;
}

let checked: CheckResult;
beforeAll(() => {
  checked = check({ objects, kubeconfigs });
});

describe('kubernetes-models validates every generated Kubernetes object', () => {
  it('finds static pods, the kube-proxy ConfigMap and ClusterRoleBindings, and nothing it cannot judge', () => {
    const kinds = new Set(objects.map(({ object }) => `${object.apiVersion}/${object.kind}`));
    expect([...kinds].sort()).toEqual(['rbac.authorization.k8s.io/v1/ClusterRoleBinding', 'v1/ConfigMap', 'v1/Pod']);
  });

  it.each(objects.map(({ id }) => [id]))('%s', (id) => {
    const verdict = checked.objects.find((each) => each.id === id)!;
    if (!verdict.ok) throw new Error(verdict.error);
  });

  it('bites: a container image that is not a string, and a binding without roleRef, are refused', () => {
    const result = check({
      objects: [
        { id: 'pod', object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x' }, spec: { containers: [{ name: 'x', image: 3 }] } } },
        { id: 'binding', object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'x' } } },
      ],
    });
    expect(result.objects.map((each) => each.ok)).toEqual([false, false]);
  });
});

describe('@kubernetes/client-node loads every generated kubeconfig', () => {
  it('finds user, component and kube-proxy kubeconfigs', () => {
    expect(kubeconfigs.some(({ id }) => id.includes('cluster/kubeconfig/'))).toBe(true);
    expect(kubeconfigs.some(({ id }) => /hosts\/[^/]+\/etc\/kubernetes\/[^/]+\.conf$/.test(id))).toBe(true);
    expect(kubeconfigs.some(({ id }) => id.includes('kubeconfig.conf'))).toBe(true);
  });

  it.each(kubeconfigs.map(({ id }) => [id]))('%s', (id) => {
    const verdict = checked.kubeconfigs.find((each) => each.id === id)!;
    if (!verdict.ok) throw new Error(verdict.error);
    expect(verdict.currentContext).toBeTruthy();
    expect(verdict.contextFound).toBe(true);
    expect(verdict.userFound).toBe(true);
    expect(verdict.server).toMatch(/^https:\/\/[^/]+$/);
  });

  it('bites: a kubeconfig whose current context does not exist has no server', () => {
    const [result] = check({
      kubeconfigs: [{ id: 'x', text: 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\ncurrent-context: nowhere\n' }],
    }).kubeconfigs;
    expect(result.contextFound).toBe(false);
    expect(result.server ?? null).toBeNull();
  });
});

describe('kubeadm configuration documents validate against schemas/kubeadm/<version>.schema.json', () => {
  const ajv = new Ajv2020({ allErrors: true, strict: true });
  const validators = Object.fromEntries(
    ['v1beta2', 'v1beta3', 'v1beta4'].map((version) => [
      version,
      ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'kubeadm', `${version}.schema.json`), 'utf8'))),
    ]),
  );
  const validate = (version: string, document: unknown) => {
    const validator = validators[version];
    if (!validator) throw new Error(`no schema for kubeadm ${version}`);
    return validator(document) ? [] : (validator.errors ?? []).map((error) => `${error.instancePath} ${error.message} ${JSON.stringify(error.params)}`);
  };

  const files = sources.filter((source) => kubeadmPattern.test(source.path));
  const documents = files.flatMap((source) => {
    const docs = documentsOf(source.content);
    const versions = new Set(docs.map((doc) => String(doc.apiVersion)).filter((apiVersion) => apiVersion.startsWith('kubeadm.k8s.io/')));
    if (versions.size !== 1) throw new Error(`${source.path}: expected one kubeadm API version, found ${[...versions].join(', ')}`);
    const version = [...versions][0].split('/')[1];
    return docs.map((doc, index) => ({ id: `${source.spec}: ${source.path}#${index} ${String(doc.kind)}`, version, doc }));
  });

  it('covers every kubeadm API version and every document kind the generator writes', () => {
    expect([...new Set(documents.map((each) => each.version))].sort()).toEqual(['v1beta2', 'v1beta3', 'v1beta4']);
    expect([...new Set(documents.map((each) => String(each.doc.kind)))].sort()).toEqual([
      'ClusterConfiguration',
      'InitConfiguration',
      'JoinConfiguration',
      'KubeletConfiguration',
    ]);
  });

  it.each(documents.map((each) => [each.id, each] as const))('%s', (_id, each) => {
    expect(validate(each.version, each.doc)).toEqual([]);
  });

  const join4 = () =>
    structuredClone(documents.find((each) => each.version === 'v1beta4' && each.doc.kind === 'JoinConfiguration')!.doc) as Record<
      string,
      Record<string, unknown>
    >;

  it('bites: v1beta3 map-form kubeletExtraArgs are refused by the v1beta4 schema (and accepted by v1beta3)', () => {
    const doc = join4();
    doc.nodeRegistration.kubeletExtraArgs = { 'node-ip': '10.0.0.1' };
    expect(validate('v1beta4', doc)).not.toEqual([]);
    const asV1beta3 = { ...doc, apiVersion: 'kubeadm.k8s.io/v1beta3' };
    expect(validate('v1beta3', asV1beta3)).toEqual([]);
  });

  it('bites: an unknown field is refused, at the top and nested', () => {
    expect(validate('v1beta4', { ...join4(), unknownField: true })).not.toEqual([]);
    const nested = join4();
    nested.discovery.bootstrapToken = { ...(nested.discovery.bootstrapToken as object), caCertHash: 'sha256:00' };
    expect(validate('v1beta4', nested)).not.toEqual([]);
    expect(validate('v1beta4', { apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration', clusterDns: ['10.96.0.10'] })).not.toEqual([]);
  });

  it('bites: fields of another version are refused (v1beta2 useHyperKubeImage in v1beta3, v1beta3 apiServer.timeoutForControlPlane in v1beta4)', () => {
    expect(validate('v1beta3', { apiVersion: 'kubeadm.k8s.io/v1beta3', kind: 'ClusterConfiguration', useHyperKubeImage: false })).not.toEqual([]);
    expect(validate('v1beta2', { apiVersion: 'kubeadm.k8s.io/v1beta2', kind: 'ClusterConfiguration', useHyperKubeImage: false })).toEqual([]);
    expect(
      validate('v1beta4', { apiVersion: 'kubeadm.k8s.io/v1beta4', kind: 'ClusterConfiguration', apiServer: { timeoutForControlPlane: '4m0s' } }),
    ).not.toEqual([]);
    expect(validate('v1beta4', { apiVersion: 'kubeadm.k8s.io/v1beta3', kind: 'ClusterConfiguration' })).not.toEqual([]);
  });
});
