import type { Diagnostic } from '@clusterspec/lint';
import { terminalJson, visible } from '@clusterspec/pki';
import type { Command, Plan, PlanStep } from './types';

export const PLAN_FORMATS = ['text', 'json', 'markdown'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

const where = (finding: Diagnostic) => `${visible(finding.location.file)}:${finding.location.line}:${finding.location.column}`;

function summary(plan: Plan): string {
  if (plan.refusals.length > 0) return `refused: ${plan.refusals.length} change finding(s) below; nothing of this change should be applied`;
  if (plan.steps.length === 0) return 'nothing to do: both revisions make the same files';
  return `${plan.steps.length} step(s), in order; each one's gate holds before the next starts`;
}

/** Where a command runs, as a prompt: `[cp-1]$`, `[each]$` (every host of the step), `[operator]$` (where out/ is). */
const prompt = (command: Command) => (command.run.startsWith('#') ? `[${command.on}] ${command.run}` : `[${command.on}]$ ${command.run}`);

function textStep(step: PlanStep): string[] {
  return [
    '',
    `Step ${step.number} [${step.phase}] ${visible(step.title)}${step.hosts.length > 0 ? ` — ${step.hosts.join(', ')}` : ''}`,
    `  why: ${step.why}`,
    ...(step.files.length > 0 ? ['  files:', ...step.files.map((file) => `    ${visible(file)}`)] : []),
    ...(step.commands.length > 0 ? ['  run:', ...step.commands.map((command) => `    ${prompt(command)}`)] : []),
    ...(step.tells ? [`  the bundle then: ${step.tells.join('; ')}`] : []),
    '  gate:',
    ...step.gate.map((gate) => `    ${prompt(gate)}`),
  ];
}

function text(plan: Plan): string {
  const lines = [`Plan for ${visible(plan.cluster)}: ${visible(plan.from)} -> ${visible(plan.to)}`, summary(plan)];
  for (const finding of [...plan.refusals, ...plan.notes]) lines.push(`${where(finding)}  ${finding.severity}  ${finding.message}  ${finding.ruleId}`);
  plan.steps.forEach((step) => lines.push(...textStep(step)));
  return `${lines.join('\n')}\n`;
}

function markdownStep(step: PlanStep): string[] {
  return [
    '',
    `### ${step.number}. ${visible(step.title)}`,
    '',
    `*${step.phase}*${step.hosts.length > 0 ? ` on ${step.hosts.map((host) => `\`${host}\``).join(', ')}` : ''}. ${step.why}.`,
    ...(step.files.length > 0
      ? ['', '<details><summary>' + `${step.files.length} file(s)` + '</summary>', '', ...step.files.map((file) => `- \`${visible(file)}\``), '', '</details>']
      : []),
    ...(step.commands.length > 0 ? ['', '```sh', ...step.commands.map(prompt), '```'] : []),
    ...(step.tells ? ['', `The bundle then: ${step.tells.join('; ')}.`] : []),
    '',
    'Gate before the next step:',
    '',
    '```sh',
    ...step.gate.map(prompt),
    '```',
  ];
}

function markdown(plan: Plan): string {
  const lines = [`## Change plan for \`${visible(plan.cluster)}\``, '', `From \`${visible(plan.from)}\` to \`${visible(plan.to)}\`: ${summary(plan)}.`];
  if (plan.refusals.length + plan.notes.length > 0) {
    lines.push('', '| where | severity | rule | finding |', '| --- | --- | --- | --- |');
    for (const finding of [...plan.refusals, ...plan.notes])
      lines.push(`| ${where(finding)} | ${finding.severity} | \`${finding.ruleId}\` | ${visible(finding.message).replace(/\|/g, '\\|')} |`);
  }
  plan.steps.forEach((step) => lines.push(...markdownStep(step)));
  return `${lines.join('\n')}\n`;
}

/** A plan as text (a terminal), JSON (tools) or Markdown (a pull request's comment). */
export function renderPlan(plan: Plan, format: PlanFormat): string {
  if (format === 'json') return terminalJson(plan);
  return format === 'markdown' ? markdown(plan) : text(plan);
}
