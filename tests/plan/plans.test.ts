/**
 * Golden plans: for each pair of revisions (text edits of a fixture), the plan `clusterspec plan` prints, byte
 * for byte, against tests/plan/golden/<name>.txt, and what it promises whatever the wording: the exit it
 * implies, etcd gaining a member before losing one, control-plane hosts one per step. CLUSTERSPEC_UPDATE_GOLDEN=1
 * rewrites the golden files (review the diff: that is the point of them).
 */
import { planChange, renderPlan, type Plan } from '@clusterspec/plan';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODERN_CP3, modernControlPlane, revisions, type RevisionPair } from '../support/revisions';

const GOLDEN = join(__dirname, 'golden');
const UPDATE = process.env.CLUSTERSPEC_UPDATE_GOLDEN === '1';

type Outcome = 'nothing' | 'steps' | 'refused';

interface PairCase extends RevisionPair {
  readonly name: string;
  readonly outcome: Outcome;
  /** change-* rules expected to refuse it. */
  readonly refusedBy?: readonly string[];
}

const MODERN_VERSION = 'version: "1.34.2"';
const MODERN_HARBOR = 'version: "2.13.1"';
const SCHEDULABLE = '      schedulable: false       # taint control-plane nodes NoSchedule\n';
/** spec.osFamily: rhel (yum instead of apt). */
const RHEL: readonly [string, string] = ['spec:\n  hosts:\n', 'spec:\n  osFamily: rhel\n  hosts:\n'];
/** spec.kubernetes.rollout.workerBatchSize: 2. */
const WORKERS_BY_TWO: readonly [string, string] = [SCHEDULABLE, `${SCHEDULABLE}    rollout:\n      workerBatchSize: 2\n`];

const CASES: readonly PairCase[] = [
  { name: 'nothing-changed', fixture: 'modern', outcome: 'nothing' },
  { name: 'seed-nothing-changed', fixture: 'seed-ha', outcome: 'nothing' },
  { name: 'kubernetes-one-minor', fixture: 'modern', before: [[MODERN_VERSION, 'version: "1.33.5"']], outcome: 'steps' },
  {
    name: 'kubernetes-two-minors-refused',
    fixture: 'modern',
    before: [[MODERN_VERSION, 'version: "1.32.4"']],
    outcome: 'refused',
    refusedBy: ['change-version-skip'],
  },
  {
    name: 'kubernetes-one-minor-workers-by-two',
    fixture: 'modern',
    before: [[MODERN_VERSION, 'version: "1.33.5"'], WORKERS_BY_TWO],
    after: [WORKERS_BY_TWO],
    outcome: 'steps',
  },
  {
    name: 'kubernetes-one-minor-new-containerd',
    fixture: 'modern',
    before: [[MODERN_VERSION, 'version: "1.29.8"']],
    after: [[MODERN_VERSION, 'version: "1.30.4"']],
    outcome: 'steps',
  },
  { name: 'consul-upgrade', fixture: 'modern', before: [['version: "1.21.4"', 'version: "1.20.6"']], outcome: 'steps' },
  {
    name: 'add-and-remove-workers',
    fixture: 'modern',
    after: [
      ['    - name: worker-4\n      address: 10.20.0.34\n', '    - name: worker-5\n      address: 10.20.0.35\n'],
      [/worker-4\b/g, 'worker-5'],
    ],
    outcome: 'steps',
  },
  {
    name: 'kubernetes-one-minor-rhel',
    fixture: 'modern',
    before: [[MODERN_VERSION, 'version: "1.33.5"'], RHEL],
    after: [RHEL],
    outcome: 'steps',
  },
  { name: 'kubernetes-patch-legacy', fixture: 'seed-ha', before: [['version: "1.6.2"', 'version: "1.6.0"']], outcome: 'steps' },
  {
    name: 'add-control-plane',
    fixture: 'modern',
    after: [[MODERN_CP3, `${MODERN_CP3}${modernControlPlane('cp-4', '10.20.0.24')}${modernControlPlane('cp-5', '10.20.0.25')}`]],
    outcome: 'steps',
  },
  { name: 'remove-control-plane', fixture: 'modern', before: [[MODERN_CP3, `${MODERN_CP3}${modernControlPlane('cp-4', '10.20.0.24')}`]], outcome: 'steps' },
  {
    name: 'seed-add-control-plane-legacy',
    fixture: 'seed-ha',
    after: [['    - name: node1\n', '    - name: songshan\n      address: 10.27.53.40\n      roles: [control-plane]\n    - name: node1\n']],
    outcome: 'steps',
  },
  {
    name: 'replace-control-plane',
    fixture: 'modern',
    after: [[MODERN_CP3, modernControlPlane('cp-4', '10.20.0.24')]],
    outcome: 'steps',
  },
  {
    name: 'quorum-lost-refused',
    fixture: 'modern',
    after: [[`${modernControlPlane('cp-2', '10.20.0.22')}${MODERN_CP3}`, '']],
    outcome: 'refused',
    refusedBy: ['change-quorum-loss'],
  },
  {
    name: 'replace-balancer',
    fixture: 'modern',
    after: [
      [/lb-2/g, 'lb-3'],
      ['address: 10.20.0.12', 'address: 10.20.0.13'],
    ],
    outcome: 'steps',
  },
  { name: 'change-vip', fixture: 'modern', after: [[/10\.20\.0\.10\b/g, '10.20.0.9']], outcome: 'steps' },
  {
    name: 'change-endpoint-name',
    fixture: 'modern',
    after: [['controlPlaneEndpoint: k8s-api.corp.example:8443', 'controlPlaneEndpoint: api.corp.example:8443']],
    outcome: 'steps',
  },
  {
    name: 'change-endpoint-stranded-refused',
    fixture: 'modern',
    after: [
      ['controlPlaneEndpoint: k8s-api.corp.example:8443', 'controlPlaneEndpoint: api.corp.example:8443'],
      ['        groups: [platform-team]\n', '        groups: [platform-team]\n        server: https://k8s-api.corp.example:8443\n'],
    ],
    outcome: 'refused',
    refusedBy: ['change-endpoint-dialled'],
  },
  {
    name: 'service-subnet-refused',
    fixture: 'modern',
    after: [['serviceSubnet: 10.96.0.0/12', 'serviceSubnet: 10.112.0.0/12']],
    outcome: 'refused',
    refusedBy: ['change-in-place'],
  },
  { name: 'harbor-upgrade', fixture: 'modern', before: [[MODERN_HARBOR, 'version: "2.12.2"']], outcome: 'steps' },
  {
    name: 'harbor-too-far-refused',
    fixture: 'modern',
    before: [[MODERN_HARBOR, 'version: "2.9.1"']],
    outcome: 'refused',
    refusedBy: ['change-version-skip'],
  },
  {
    name: 'consul-server-replaced',
    fixture: 'modern',
    after: [
      [/consul-3\b/g, 'consul-4'],
      ['address: 10.20.0.53', 'address: 10.20.0.54'],
    ],
    outcome: 'steps',
  },
];

const outcomeOf = (plan: Plan): Outcome => (plan.refusals.length > 0 ? 'refused' : plan.steps.length > 0 ? 'steps' : 'nothing');

describe('golden plans over revision pairs of the fixtures', () => {
  it.each(CASES.map((entry) => [entry.name, entry] as const))('%s', (name, entry) => {
    const { previous, current } = revisions(entry);
    const plan = planChange(previous, current);
    expect(outcomeOf(plan)).toBe(entry.outcome);
    if (entry.refusedBy) expect([...new Set(plan.refusals.map((finding) => finding.ruleId))]).toEqual(entry.refusedBy);
    const text = renderPlan(plan, 'text');
    const file = join(GOLDEN, `${name}.txt`);
    if (UPDATE || !existsSync(file)) writeFileSync(file, text);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('what every plan promises', () => {
  const plans = CASES.filter((entry) => entry.outcome === 'steps').map(
    (entry) => [entry.name, planChange(revisions(entry).previous, revisions(entry).current)] as const,
  );

  it.each(plans)('%s: etcd never loses a member before it gains its replacement, and never holds fewer than a majority', (_name, plan) => {
    const actions = plan.steps.flatMap((step) => step.etcd ?? []);
    const firstRemove = actions.findIndex((action) => action.op === 'member-remove');
    const lastAdd = actions.map((action) => action.op).lastIndexOf('member-add');
    if (firstRemove >= 0 && lastAdd >= 0) expect(lastAdd).toBeLessThan(firstRemove);
  });

  it.each(plans)('%s: a step acts on one control-plane host at most, and the steps are numbered in order', (_name, plan) => {
    const controlPlane = new Set(
      plan.steps.filter((step) => step.phase.startsWith('control-plane') || step.phase === 'kubernetes-upgrade').flatMap((step) => step.hosts),
    );
    for (const step of plan.steps) {
      if (step.phase.startsWith('control-plane') || step.phase === 'kubernetes-upgrade')
        expect(step.hosts.filter((host) => controlPlane.has(host)).length).toBeLessThanOrEqual(1);
    }
    expect(plan.steps.map((step) => step.number)).toEqual(plan.steps.map((_, index) => index + 1));
  });

  it('a removed control plane leaves only after every balancer stopped sending it traffic', () => {
    const [, plan] = plans.find(([name]) => name === 'replace-control-plane')!;
    const leave = plan.steps.findIndex((step) => step.phase === 'control-plane-leave');
    const lastBalancer = plan.steps.map((step) => step.phase).lastIndexOf('balancers');
    expect(leave).toBeGreaterThan(lastBalancer);
    expect(lastBalancer).toBeGreaterThan(plan.steps.findIndex((step) => step.phase === 'control-plane-join'));
  });

  it('the formats carry the same steps', () => {
    const [, plan] = plans.find(([name]) => name === 'kubernetes-one-minor')!;
    const json = JSON.parse(renderPlan(plan, 'json')) as Plan;
    expect(json.steps.map((step) => step.title)).toEqual(plan.steps.map((step) => step.title));
    const markdown = renderPlan(plan, 'markdown');
    for (const step of plan.steps) expect(markdown).toContain(`### ${step.number}. ${step.title}`);
  });
});
