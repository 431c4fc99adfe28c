import { defineGenerator, type ArtifactDescriptor, type Generator } from '@clusterspec/spec';
import { consulConfigFile, consulUnitFile, generateConsulAgents } from './agent';
import { consulTemplateConfigFile, consulTemplateUnitFile, generateIngress, nginxPreviewFile, nginxTemplateFile, reloadScriptFile } from './ingress';
import { generateRegistrators, registratorUnitFile } from './registrator';

export { consulAgentConfig, consulConfigFile, consulUnitFile, CONSUL_CONFIG_PATH, CONSUL_UNIT_PATH, type ConsulUnit, type ConsulAgentConfig } from './agent';
export {
  catalogOfPreview,
  CONSUL_TEMPLATE_CONFIG_PATH,
  consulTemplateConfigFile,
  consulTemplateUnitFile,
  declaredCatalog,
  discoveryRules,
  EMPTY_CATALOG,
  FALLBACK_SERVER,
  ingressNginx,
  ingressNginxConf,
  ingressSections,
  NGINX_PREVIEW_PATH,
  NGINX_TEMPLATE_PATH,
  nginxPreviewFile,
  nginxTemplateFile,
  previewRenderer,
  publishedPort,
  quoteToAscii,
  reloadScriptFile,
  renderIngressNginx,
  skipReason,
  templateRenderer,
  type Catalog,
  type CatalogService,
  type DiscoveryRules,
  type IngressNginx,
  type IngressPreview,
  type IngressRenderer,
  type Instance,
} from './ingress';
export {
  REGISTRATOR_IMAGE,
  registratorFlags,
  registratorRegistry,
  registratorUnitFile,
  REGISTRATOR_TTL,
  REGISTRATOR_TTL_REFRESH,
  REGISTRATOR_UNIT_PATH,
  type RegistratorUnit,
} from './registrator';
export { agentFor } from './topology';

export const consulGenerators: readonly Generator[] = [
  defineGenerator([consulConfigFile, consulUnitFile], generateConsulAgents),
  defineGenerator([registratorUnitFile], generateRegistrators),
  defineGenerator([consulTemplateConfigFile, nginxTemplateFile, nginxPreviewFile, reloadScriptFile, consulTemplateUnitFile], generateIngress),
];
export const consulArtifacts: readonly ArtifactDescriptor[] = consulGenerators.flatMap((generator) => generator.produces);
