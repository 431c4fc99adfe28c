export { planChange, CHANGE_RULES } from './plan';
export { renderPlan, PLAN_FORMATS, type PlanFormat } from './render';
export { ansibleCommand, DEFAULT_RENDERED } from './ansible';
export { defaultWorkerBatchSize } from './batches';
export { PHASES, type EtcdAction, type Phase, type Plan, type PlanOptions, type PlanStep, type Revision } from './types';
