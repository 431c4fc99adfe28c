import { defineGenerator, type Generator } from '@clusterspec/spec';
import { componentKubeconfigFile, generateComponentKubeconfigs } from './component-kubeconfigs';
import { generateKubeadmConfigs, kubeadmConfigFile } from './kubeadm-config';
import { generateKubeProxyConfig, kubeProxyConfigMapFile } from './kube-proxy';
import { generateNodeRoleScript, nodeRoleScriptFile } from './node-roles';
import { generateGroupBindings, groupBindingsFile } from './rbac';
import { generateStaticPods, staticPodFile } from './static-pods';
import { generateUserKubeconfigs, userKubeconfigFile } from './user-kubeconfigs';
import { generateKubeletViaProxy, kubeletViaProxyFile } from './kubelet-via-proxy';

export { componentKubeconfigFile } from './component-kubeconfigs';
export { endpointAddress } from './endpoint-address';
export { KUBEADM_CONFIG_PATH, kubeadmConfigFile, kubeletCgroupDriver, type KubeadmDocument } from './kubeadm-config';
export { endpointURL, kubeconfigServer, type Kubeconfig } from './kubeconfig';
export { KUBE_PROXY_CONFIGMAP_PATH, kubeProxyConfigMapFile, type KubeProxyConfigMap } from './kube-proxy';
export { controlPlaneTaints, nodeLabels, nodeRoleScriptFile, nodeTaints } from './node-roles';
export { groupBindingsFile } from './rbac';
export { staticPodFile } from './static-pods';
export { userKubeconfigFile } from './user-kubeconfigs';
export { hasStaticPodBeforeJoin, PER_NODE_PROXY_ADDRESS, perNodeProxyHosts, perNodeProxyServer } from './per-node-proxy';
export { KUBELET_VIA_PROXY_PATH, kubeletViaProxyFile, type KubeletViaProxy } from './kubelet-via-proxy';

export const kubernetesGenerators: readonly Generator[] = [
  defineGenerator([staticPodFile], generateStaticPods),
  defineGenerator([componentKubeconfigFile], generateComponentKubeconfigs),
  defineGenerator([kubeadmConfigFile], generateKubeadmConfigs),
  defineGenerator([nodeRoleScriptFile], generateNodeRoleScript),
  defineGenerator([kubeProxyConfigMapFile], generateKubeProxyConfig),
  defineGenerator([userKubeconfigFile], generateUserKubeconfigs),
  defineGenerator([groupBindingsFile], generateGroupBindings),
  defineGenerator([kubeletViaProxyFile], generateKubeletViaProxy),
];
