import type { ArtifactDescriptor, Generator } from '@clusterspec/spec';
import { consulConfigFile, consulUnitFile, generateConsulAgents } from './agent';
import { consulTemplateConfigFile, consulTemplateUnitFile, generateIngress, nginxPreviewFile, nginxTemplateFile } from './ingress';
import { generateRegistrators, registratorUnitFile } from './registrator';

export { consulAgentConfig, consulConfigFile, consulUnitFile, CONSUL_CONFIG_PATH, CONSUL_UNIT_PATH, type ConsulUnit, type ConsulAgentConfig } from './agent';
export {
  consulTemplateConfigFile, consulTemplateUnitFile, declaredCatalog, FALLBACK_SERVER, NGINX_PREVIEW_PATH, NGINX_TEMPLATE_PATH, ingressNginx, ingressNginxConf, ingressSections, nginxPreviewFile, nginxTemplateFile, previewRenderer, publishedPort, renderIngressNginx, templateRenderer,
  type IngressNginx, type IngressPreview, type IngressRenderer, type Instance,
} from './ingress';
export { registratorFlags, registratorRegistry, registratorUnitFile, REGISTRATOR_UNIT_PATH, type RegistratorUnit } from './registrator';
export { agentFor } from './topology';

export const consulGenerators: readonly Generator[] = [generateConsulAgents, generateRegistrators, generateIngress];
export const consulArtifacts: readonly ArtifactDescriptor[] = [consulConfigFile, consulUnitFile, registratorUnitFile, consulTemplateConfigFile, nginxTemplateFile, nginxPreviewFile, consulTemplateUnitFile];
