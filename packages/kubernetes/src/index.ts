import type { Generator } from '@clusterspec/spec';
import { generateComponentKubeconfigs } from './component-kubeconfigs';
import { generateKubeadmConfigs } from './kubeadm-config';
import { generateKubeProxyConfig } from './kube-proxy';
import { generateNodeRoleScript } from './node-roles';
import { generateGroupBindings } from './rbac';
import { generateStaticPods } from './static-pods';
import { generateUserKubeconfigs } from './user-kubeconfigs';

export { endpointAddress } from './endpoint-address';
export { KUBEADM_CONFIG_PATH, kubeletCgroupDriver } from './kubeadm-config';
export { endpointURL } from './kubeconfig';
export { controlPlaneTaints, nodeLabels, nodeTaints } from './node-roles';

export const kubernetesGenerators: readonly Generator[] = [
  generateStaticPods,
  generateComponentKubeconfigs,
  generateKubeadmConfigs,
  generateNodeRoleScript,
  generateKubeProxyConfig,
  generateUserKubeconfigs,
  generateGroupBindings,
];
