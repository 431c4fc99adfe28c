import { defineGenerator, type Generator } from '@clusterspec/spec';
import { generateHaproxy, haproxyCfgFile } from './haproxy';
import { checkApiServerFile, generateKeepalived, keepalivedConfFile, nonlocalBindFile } from './keepalived';
import { generateKubeVip, kubeVipInitManifestFile, kubeVipManifestFile } from './kube-vip';
import { generateLoadBalancerNginx, nginxConfFile } from './nginx-conf';
import { generatePerNodeProxy, perNodeProxyConfFile, perNodeProxyManifestFile } from './per-node-proxy';

export { apiServerStream, renderApiServerStream, type ApiServerStream } from './apiserver-stream';
export {
  CHECK_APISERVER_PATH,
  checkApiServerFile,
  KEEPALIVED_CONF_PATH,
  keepalivedConfFile,
  NONLOCAL_BIND_SYSCTL_PATH,
  nonlocalBindFile,
  VRRP_PRIORITY,
  type KeepalivedConf,
} from './keepalived';
export { APISERVER_HEALTH_CHECK, balancesWithHaproxy, HAPROXY_CFG_PATH, haproxyCfgFile, type HaproxyCfg } from './haproxy';
export { KUBE_VIP_INIT_MANIFEST_PATH, KUBE_VIP_MANIFEST_PATH, kubeVipInitManifestFile, kubeVipManifestFile } from './kube-vip';
export {
  NGINX_CONF_PATH,
  nginxConfFile,
  nginxOwnedByConsulTemplate,
  renderNginxConf,
  renderStaticBalancers,
  staticBalancers,
  type NginxRuntime,
  type NginxSections,
  type StaticBalancers,
} from './nginx-conf';
export { consulAgentListeners, hostListeners, INGRESS_HTTP_LISTENER, INGRESS_TCP_LISTENER, nodeListeners, type Listener } from './listeners';
export { PER_NODE_PROXY_CONF_PATH, PER_NODE_PROXY_MANIFEST_PATH, perNodeProxyConfFile, perNodeProxyManifestFile } from './per-node-proxy';

export const loadBalancerGenerators: readonly Generator[] = [
  defineGenerator([nginxConfFile], generateLoadBalancerNginx),
  defineGenerator([haproxyCfgFile], generateHaproxy),
  defineGenerator([keepalivedConfFile, checkApiServerFile, nonlocalBindFile], generateKeepalived),
  defineGenerator([kubeVipManifestFile, kubeVipInitManifestFile], generateKubeVip),
  defineGenerator([perNodeProxyConfFile, perNodeProxyManifestFile], generatePerNodeProxy),
];
