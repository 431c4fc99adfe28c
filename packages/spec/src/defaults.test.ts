/**
 * Defaults are written once, in schemas/cluster.schema.json: the validator fills them in (Ajv's
 * useDefaults) and the normaliser reads them from the validated data, repeating none. Proof: for every
 * `default` of the schema, a schema with that one default changed gives a different model for a spec
 * that leaves the field out. A default the normaliser shadowed with its own value would give the same
 * model, and fail here.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { normalize } from './normalize';
import { clusterSchema, createSchemaCompiler } from './schema-compiler';
import { parseSource } from './source';
import type { Untyped } from '../../../tests/support/untyped';

type Json = Untyped;

/** A site that leaves out every field with a default (its sections present, so their defaults apply). */
const MINIMAL = `
apiVersion: clusterspec/v1alpha1
kind: Cluster
metadata: {name: minimal}
spec:
  hosts:
    - {name: cp-1, address: 10.0.0.11, roles: [control-plane, worker, apiserver-lb, consul-server, harbor]}
    - {name: node-1, address: 10.0.0.21, roles: [worker]}
  kubernetes:
    version: "1.34.2"
    controlPlaneEndpoint: cp-1:6443
    networking: {serviceSubnet: 10.96.0.0/12, podSubnet: 10.244.0.0/16}
  harbor:
    version: "2.13.1"
    externalURL: http://registry.example
    loadBalancer: {hosts: [cp-1], port: 8080}
    storage: {sharedPath: /srv/harbor}
    database: {host: 10.0.0.50, port: 5432, user: harbor, password: {fromEnv: DB}}
    redis: {host: 10.0.0.51, port: 6379}
    adminPassword: {fromEnv: ADMIN}
  consul:
    version: "1.21.4"
    datacenter: dc1
    encrypt: {fromEnv: GOSSIP}
  docker: {}
`;

/** Per default (by its schema pointer): another value, and what the spec needs for the default to apply. */
const CHANGES: Record<string, { readonly value: unknown; readonly prepare?: (document: Json) => void }> = {
  '#/$defs/kubernetes/properties/networking/properties/dnsDomain': { value: 'corp.local' },
  '#/$defs/kubernetes/properties/apiServer/properties/bindPort': { value: 7443 },
  '#/$defs/kubernetes/properties/apiServer/properties/certSANs': { value: ['api.example'] },
  '#/$defs/kubernetes/properties/loadBalancer/properties/port': { value: 7443 },
  '#/$defs/kubernetes/properties/loadBalancer/properties/engine': { value: 'nginx' },
  '#/$defs/kubernetes/properties/loadBalancer/properties/connectTimeout': { value: '2s' },
  '#/$defs/kubernetes/properties/loadBalancer/properties/proxyTimeout': { value: '20m' },
  '#/$defs/kubernetes/properties/loadBalancer/properties/interface': {
    value: 'ens192',
    prepare: (document) => (document.spec.kubernetes.loadBalancer = { virtualAddress: '10.0.0.10' }),
  },
  '#/$defs/kubernetes/properties/loadBalancer/properties/vrrpPassword': {
    value: { fromEnv: 'OTHER' },
    // The model keeps the password in virtualIP, which only a virtual address makes.
    prepare: (document) => (document.spec.kubernetes.loadBalancer = { virtualAddress: '10.0.0.10' }),
  },
  '#/$defs/kubernetes/properties/loadBalancer/properties/addToCertificates': { value: false },
  '#/$defs/kubernetes/properties/loadBalancer/properties/mode': { value: 'per-node' },
  '#/$defs/kubernetes/properties/controlPlane/properties/schedulable': { value: true },
  '#/$defs/kubernetes/properties/bootstrapToken': { value: { fromEnv: 'OTHER' } },
  '#/$defs/kubernetes/properties/certificateKey': { value: { fromEnv: 'OTHER' } },
  '#/$defs/kubernetes/properties/caCertHash': { value: { fromEnv: 'OTHER' } },
  '#/$defs/kubernetes/properties/certificates/properties/expiryWarningDays': { value: 14 },
  '#/$defs/kubernetes/properties/users': { value: [{ name: 'admin', groups: ['system:masters'] }] },
  '#/$defs/kubernetes/properties/users/items/properties/clusterRole': {
    value: 'edit',
    prepare: (document) => (document.spec.kubernetes.users = [{ name: 'dev', groups: ['dev'] }]),
  },
  '#/$defs/harbor/properties/httpPort': { value: 8081 },
  '#/$defs/harbor/properties/database/properties/embedded': { value: true },
  '#/$defs/consul/properties/dnsPort': { value: 53 },
  '#/$defs/consul/properties/ingress/properties/discovery': { value: 'declared' },
  '#/$defs/consul/properties/ingress/properties/tcpPorts': { value: { from: 2000, to: 2999 } },
  '#/$defs/consul/properties/agentOverrides': { value: [{ host: 'cp-1', datacenter: 'dc9' }] },
  '#/$defs/harbor/properties/sharedSecrets/properties/csrfKey': { value: { fromEnv: 'OTHER' } },
  '#/$defs/harbor/properties/sharedSecrets/properties/coreSecret': { value: { fromEnv: 'OTHER' } },
  '#/$defs/harbor/properties/sharedSecrets/properties/jobserviceSecret': { value: { fromEnv: 'OTHER' } },
  '#/$defs/consul/properties/recursors': { value: ['10.0.0.2'] },
  '#/$defs/consul/properties/services': { value: [{ name: 'web' }] },
  '#/$defs/consul/properties/services/items/properties/tags': { value: ['web'], prepare: (document) => (document.spec.consul.services = [{ name: 'web' }]) },
  '#/$defs/docker/properties/hosts': { value: ['node-1'] },
  '#/$defs/docker/properties/registryMirrors': { value: ['https://mirror.example'] },
  '#/$defs/docker/properties/dns': { value: ['10.0.0.2'] },
  '#/$defs/lint/properties/rules': { value: { 'dns-public-fallback': 'off' } },
  '#/$defs/taint/properties/value': { value: 'yes', prepare: (document) => (document.spec.hosts[1].taints = [{ key: 'dedicated', effect: 'NoSchedule' }]) },
  '#/properties/spec/properties/osFamily': { value: 'rhel' },
};

/** Pointers of every default, except the empty objects that only hold defaulted properties. */
function defaultPointers(node: Json, pointer = '#'): string[] {
  if (!node || typeof node !== 'object') return [];
  const children = Object.entries(node).flatMap(([key, child]) => defaultPointers(child, `${pointer}/${key}`));
  const holdsOnlyDefaults =
    node.default &&
    typeof node.default === 'object' &&
    !Array.isArray(node.default) &&
    Object.keys(node.default).length === 0 &&
    (node.properties || node.$ref);
  return 'default' in node && !holdsOnlyDefaults ? [pointer, ...children] : children;
}

/** The model of a spec under a schema, as JSON (the source locator left out). */
function modelUnder(schema: object, document: Json): string {
  const source = parseSource('minimal.yaml', Buffer.from(stringify(document)));
  const validate = createSchemaCompiler({ standalone: false }).compile(schema);
  if (!validate(source.data)) throw new Error(JSON.stringify(validate.errors));
  const { locate: _locate, ...model } = normalize(source);
  return JSON.stringify(model);
}

const schema = clusterSchema() as Json;

describe('defaults are written once, in the schema', () => {
  it('every default of the schema has a change below (a new default needs one)', () => {
    expect(defaultPointers(schema).sort()).toEqual(Object.keys(CHANGES).sort());
  });

  it.each(Object.keys(CHANGES))('changing the default at %s changes the model', (pointer) => {
    const { value, prepare } = CHANGES[pointer];
    const document = parse(MINIMAL);
    prepare?.(document);
    const changed = structuredClone(schema);
    pointer
      .slice(2)
      .split('/')
      .reduce((node: Json, part) => node[part], changed).default = value;
    expect(modelUnder(changed, document)).not.toEqual(modelUnder(schema, document));
  });

  it('the spec guide (docs/spec-guide.md) names the defaults the schema states', () => {
    const guide = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'spec-guide.md'), 'utf8');
    const at = (pointer: string) =>
      pointer
        .slice(2)
        .split('/')
        .reduce((node: Json, part) => node[part], schema).default;
    expect(guide).toContain(
      `\`dnsDomain\` \`${at('#/$defs/kubernetes/properties/networking/properties/dnsDomain')}\`, \`bindPort\` ${at('#/$defs/kubernetes/properties/apiServer/properties/bindPort')}`,
    );
  });
});
