import { defineGenerator, type Generator } from '@clusterspec/spec';
import { consulConfigFile, consulUnitFile, generateConsulAgents } from './agent';
import { consulTemplateConfigFile, consulTemplateUnitFile, generateIngress, nginxPreviewFile, nginxTemplateFile, reloadScriptFile } from './consul-template';
import { generateRegistrators, registratorUnitFile } from './registrator';

export { consulAgentConfig, consulConfigFile, consulUnitFile, CONSUL_CONFIG_PATH, CONSUL_UNIT_PATH, type ConsulUnit, type ConsulAgentConfig } from './agent';
export {
  CONSUL_TEMPLATE_CONFIG_PATH,
  consulTemplateConfigFile,
  consulTemplateUnitFile,
  NGINX_PREVIEW_PATH,
  NGINX_TEMPLATE_PATH,
  nginxPreviewFile,
  nginxTemplateFile,
  reloadScriptFile,
} from './consul-template';
export { templateRenderer } from './ingress-go-template';
export {
  catalogOfPreview,
  declaredCatalog,
  discoveryRules,
  EMPTY_CATALOG,
  FALLBACK_SERVER,
  ingressNginx,
  ingressNginxConf,
  ingressSections,
  previewRenderer,
  publishedPort,
  quoteToAscii,
  renderIngressNginx,
  skipReason,
  type Catalog,
  type CatalogService,
  type DiscoveryRules,
  type IngressNginx,
  type IngressPreview,
  type IngressRenderer,
  type Instance,
} from './ingress-nginx';
export {
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
