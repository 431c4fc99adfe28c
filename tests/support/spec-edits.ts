/**
 * Text edits of the fixtures that several rule and engine tests make, as [from, to] replacements for
 * `testRule` cases (`replacements`) and `variant`: each names the fixture lines it expects, so a stale
 * edit fails loudly where it is applied.
 */
export type SpecEdit = readonly [string, string];

/** The seed site's only user, kubernetes-admin (spec.kubernetes.users[0]). */
const SEED_ADMIN = '        groups: [system:masters]\n';

/** The seed site's kubernetes-admin dialling `url` instead of controlPlaneEndpoint. */
export const seedUserServer = (url: string): SpecEdit => [SEED_ADMIN, `${SEED_ADMIN}        server: ${url}\n`];

/** The seed site's kube-proxy dialling `url` instead of controlPlaneEndpoint. */
export const seedKubeProxy = (url: string): SpecEdit => ['    users:\n', `    kubeProxy:\n      server: ${url}\n    users:\n`];

/** The seed site's control-plane host wudang (spec.hosts[1]), for edits that add a field to it. */
const SEED_WUDANG = '      address: 10.24.138.208\n      roles: [control-plane]\n';

/** A field added to the seed site's wudang, e.g. `apiServerCertificateFrom: shaolin` or `taints: []`. */
export const seedWudangWith = (line: string): SpecEdit => [SEED_WUDANG, `${SEED_WUDANG}      ${line}\n`];

/** A `spec.lint.rules` block (its YAML lines, indented six spaces) put before the docker section every fixture ends in. */
export const withLintRules = (rulesYaml: string): SpecEdit => ['\n  docker:\n', `\n  lint:\n    rules:\n${rulesYaml}\n  docker:\n`];
