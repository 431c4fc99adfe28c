/**
 * Refusals of the validation phase that read like lint rules but are not: the spec is refused when it is loaded
 * (`validate` and every other command, exit 2), before any generator or rule runs, because nothing sensible can
 * be generated from it. Their ids are of their own namespace, `load/…`, so a message never sends the reader to a
 * lint rule that cannot fire on it; `clusterspec explain load/<name>` and docs/rules/README.md list them.
 */
export interface LoadCheck {
  /** `load/<name>`: the tag its messages end with. */
  readonly id: string;
  /** What it refuses and why, one or two sentences. */
  readonly description: string;
  /** The lint rule about the same subject, which checks what remains once the spec loads. */
  readonly rule?: string;
}

export const LOAD_CHECKS = {
  secretByReference: {
    id: 'load/secret-by-reference',
    description:
      'A secret field (bootstrap token, certificate key, passwords, gossip key) holds a reference, `{fromEnv: NAME}` or `{fromFile: /path}`, never the value itself: a value in the spec would be committed with it and written into out/.',
    rule: 'secret-literal',
  },
  tcpServicePort: {
    id: 'load/tcp-service-port',
    description: 'A Consul service tagged tcp is named `<name>-<port>`: the ingress publishes it on that port, and could not tell which port otherwise.',
    rule: 'service-name',
  },
  dockershim: {
    id: 'load/dockershim',
    description: 'Docker is not the kubelet runtime of Kubernetes 1.24 or newer: dockershim was removed in 1.24, so such a kubelet cannot start.',
    rule: 'container-runtime',
  },
  staticPodRuntime: {
    id: 'load/static-pod-runtime',
    description: 'containerd is not the runtime of the legacy static-pod flow (Kubernetes before 1.15), which is generated for Docker only.',
    rule: 'container-runtime',
  },
} satisfies Record<string, LoadCheck>;

/** The tag a load-time refusal's message ends with, e.g. ` (load/dockershim)`. */
export function loadCheckTag(check: LoadCheck): string {
  return ` (${check.id})`;
}
