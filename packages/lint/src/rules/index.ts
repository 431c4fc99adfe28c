import type { LintRule } from '../rule';
import { certExpiry } from './cert-expiry';
import { certIssuer } from './cert-issuer';
import { certNotRead } from './cert-not-read';
import { certPlanDrift } from './cert-plan-drift';
import { certSubject } from './cert-subject';
import { certUsage } from './cert-usage';
import { changeEndpointDialled } from './change-endpoint-dialled';
import { changeHarborDatabase } from './change-harbor-database';
import { changeInPlace } from './change-in-place';
import { changeQuorumLoss } from './change-quorum-loss';
import { changeVersionSkip } from './change-version-skip';
import { etcdPlaintext } from './etcd-plaintext';
import { consulDnsUnreachable } from './consul-dns-unreachable';
import { containerDnsLoopback } from './container-dns-loopback';
import { dnsPublicFallback } from './dns-public-fallback';
import { consulBootstrapExpect } from './consul-bootstrap-expect';
import { consulDatacenter } from './consul-datacenter';
import { consulGossipKey } from './consul-gossip-key';
import { consulRetryJoin } from './consul-retry-join';
import { consulTemplateAgent } from './consul-template-agent';
import { containerRuntime } from './container-runtime';
import { endpointIsServiceName } from './endpoint-is-service-name';
import { endpointUnreachable } from './endpoint-unreachable';
import { fleetCollision } from './fleet-collision';
import { harborEndpoint } from './harbor-endpoint';
import { harborSharedState } from './harbor-shared-state';
import { lbProxyTimeout } from './lb-proxy-timeout';
import { podSubnet } from './pod-subnet';
import { portConflict } from './port-conflict';
import { registryTrust } from './registry-trust';
import { registratorAgent } from './registrator-agent';
import { registratorRemoteAgent } from './registrator-remote-agent';
import { consulQuorum } from './consul-quorum';
import { etcdQuorum } from './etcd-quorum';
import { sanAdvertiseAddress } from './san-advertise-address';
import { sanCoverage } from './san-coverage';
import { secretLiteral } from './secret-literal';
import { serviceName } from './service-name';
import { singleApiServerDependency } from './single-apiserver-dependency';
import { taintLabelConsistency } from './taint-label-consistency';
import { unusableHostAddress } from './unusable-host-address';
import { virtualAddress } from './virtual-address';
import { vipConfig } from './vip-config';

/** Every rule, in the order lint runs them and docs/rules/README.md lists them. */
export const rules: readonly LintRule[] = [
  sanCoverage,
  sanAdvertiseAddress,
  taintLabelConsistency,
  singleApiServerDependency,
  endpointUnreachable,
  lbProxyTimeout,
  vipConfig,
  fleetCollision,
  endpointIsServiceName,
  portConflict,
  etcdQuorum,
  consulQuorum,
  consulBootstrapExpect,
  consulRetryJoin,
  consulGossipKey,
  consulDatacenter,
  consulTemplateAgent,
  containerDnsLoopback,
  consulDnsUnreachable,
  dnsPublicFallback,
  harborSharedState,
  harborEndpoint,
  registryTrust,
  containerRuntime,
  serviceName,
  registratorAgent,
  registratorRemoteAgent,
  secretLiteral,
  podSubnet,
  virtualAddress,
  unusableHostAddress,
  etcdPlaintext,
  certExpiry,
  certIssuer,
  certUsage,
  certSubject,
  certPlanDrift,
  certNotRead,
  changeQuorumLoss,
  changeInPlace,
  changeEndpointDialled,
  changeHarborDatabase,
  changeVersionSkip,
];
