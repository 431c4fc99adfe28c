import type { Diagnostic } from '@clusterspec/lint';
import type { Artifact, ClusterModel } from '@clusterspec/spec';

/** One revision of a site: its frozen model and every artifact generated from it (generate's in-memory output). */
export interface Revision {
  readonly model: ClusterModel;
  readonly artifacts: readonly Artifact[];
}

/** Where a step sits in the order; the order of this list is the order of a plan. */
export const PHASES = [
  'prepare',
  'kubernetes-upgrade',
  'control-plane-join',
  'control-plane',
  'balancers',
  'control-plane-leave',
  'kubelets',
  'workers',
  'consul',
  'harbor',
  'hosts',
  'cluster',
] as const;
export type Phase = (typeof PHASES)[number];

/**
 * What a step does to etcd's membership, as data: the runbook's etcdctl commands say the same in words, and a
 * test follows these against real etcd members (tests/plan/etcd-membership.test.ts).
 */
export type EtcdAction =
  | { readonly op: 'member-add'; readonly member: string; readonly peerURL: string }
  | { readonly op: 'start'; readonly member: string }
  | { readonly op: 'member-remove'; readonly member: string }
  | { readonly op: 'stop'; readonly member: string };

/** One command of a step and where it runs: a host, `each` host of the step, or the `operator`'s machine (the one holding out/). */
export interface Command {
  readonly on: string;
  readonly run: string;
}

export interface PlanStep {
  /** From 1, in order. */
  readonly number: number;
  readonly phase: Phase;
  readonly title: string;
  /** The hosts the step acts on, in the order it acts on them. */
  readonly hosts: readonly string[];
  /** Files of out/<cluster>/ that change with this step (added, changed or removed), e.g. hosts/cp-1/etc/kubernetes/kubeadm-config.yaml. */
  readonly files: readonly string[];
  /** What to run, in order, each where it says. */
  readonly commands: readonly Command[];
  /** What the bundle's handlers then do for the step's files (its service table): reload or restart exactly what reads them. */
  readonly tells?: readonly string[];
  /** The deploy bundle's command installing this step's files and restarting what reads them, when files change on hosts of the new revision. */
  readonly ansible?: string;
  /** What must hold before the next step starts. */
  readonly gate: readonly Command[];
  /** Why the step is here, in this place. */
  readonly why: string;
  readonly etcd?: readonly EtcdAction[];
}

export interface Plan {
  readonly cluster: string;
  /** The revisions' spec files as named (a git revision as REF:path). */
  readonly from: string;
  readonly to: string;
  /** The change-* findings of severity error: any one refuses the whole plan (exit 2) and no step is given. */
  readonly refusals: readonly Diagnostic[];
  /** The other change-* findings (warnings, infos). */
  readonly notes: readonly Diagnostic[];
  readonly steps: readonly PlanStep[];
}

/** How the plan's steps name the deploy bundle and the rendered tree (the operator's paths). */
export interface PlanOptions {
  /** The rendered tree of the new revision (`clusterspec render SPEC --all --to DIR`), as the operator names it. */
  readonly rendered?: string;
  /** Workers drained and changed at a time; default: the spec's, else a fifth of the workers (at least 1). */
  readonly workerBatchSize?: number;
}
