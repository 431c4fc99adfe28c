import type { Generator } from '@clusterspec/spec';
import { generateConsulAgents } from './agent';
import { generateIngress } from './ingress';
import { generateRegistrators } from './registrator';

export { consulAgentConfig, CONSUL_CONFIG_PATH, CONSUL_UNIT_PATH } from './agent';
export { declaredCatalog, FALLBACK_SERVER, ingressNginxConf, ingressSections, previewRenderer, publishedPort, templateRenderer, type IngressRenderer, type Instance } from './ingress';
export { agentFor } from './topology';
export { registratorFlags, registratorRegistry, REGISTRATOR_UNIT_PATH } from './registrator';

export const consulGenerators: readonly Generator[] = [generateConsulAgents, generateRegistrators, generateIngress];
