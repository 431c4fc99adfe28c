import type { ClusterModel, FieldPath } from '@clusterspec/spec';
import { defineChangeRule } from '../change-rule';

type Field = 'name' | 'serviceSubnet' | 'podSubnet' | 'dnsDomain';

/** The fields a running site cannot change in place, where each lives in the spec, and how to read it. */
const FIELDS: readonly { readonly messageId: Field; readonly path: FieldPath; readonly value: (model: ClusterModel) => string }[] = [
  { messageId: 'name', path: ['metadata', 'name'], value: (model) => model.name },
  { messageId: 'serviceSubnet', path: ['spec', 'kubernetes', 'networking', 'serviceSubnet'], value: (model) => model.kubernetes.networking.serviceSubnet },
  { messageId: 'podSubnet', path: ['spec', 'kubernetes', 'networking', 'podSubnet'], value: (model) => model.kubernetes.networking.podSubnet },
  { messageId: 'dnsDomain', path: ['spec', 'kubernetes', 'networking', 'dnsDomain'], value: (model) => model.kubernetes.networking.dnsDomain },
];

/**
 * What a running cluster fixed when it was built. kubeadm reads these at `init` only (`kubeadm upgrade` keeps
 * the ClusterConfiguration's networking); every Service holds an address of the service range, every node a
 * pod range of the pod network, every pod's resolv.conf the DNS domain, every certificate kubernetes.default.svc.<domain>.
 */
export const changeInPlace = defineChangeRule({
  id: 'change-in-place',
  description: "A revision keeps the cluster's name, service subnet, pod subnet and DNS domain: a built cluster cannot change them in place.",
  messages: {
    name: 'metadata.name changes from {{from}} to {{to}}: the name is the site (out/{{from}}/, the deploy inventory, derived VRRP ids); a new name is a new site — build it beside the old one and move the workloads, or keep {{from}}',
    serviceSubnet:
      "serviceSubnet changes from {{from}} to {{to}}: every Service keeps its address in {{from}} and the apiserver certificate names {{from}}'s first address; keep {{from}} (from Kubernetes 1.33 a ServiceCIDR object can add a range beside it) or build a new cluster",
    podSubnet:
      'podSubnet changes from {{from}} to {{to}}: each node was given its pod range in {{from}} when it joined and keeps it; keep {{from}}, or build a new cluster and move the workloads',
    dnsDomain:
      'dnsDomain changes from {{from}} to {{to}}: every pod resolves names under {{from}} and the apiserver certificates name kubernetes.default.svc.{{from}}; keep {{from}}, or build a new cluster',
  },
  severity: 'error',
  check({ model, previous, report }) {
    for (const field of FIELDS) {
      const from = field.value(previous.model);
      const to = field.value(model);
      if (from !== to) report({ messageId: field.messageId, field: field.path, data: { from, to } });
    }
  },
});
