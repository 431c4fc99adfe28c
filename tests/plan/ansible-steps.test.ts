/**
 * Each plan step's bundle command, judged by the real ansible-playbook (Debian's ansible-core 2.14): the new
 * revision is generated into a scratch out/, and for every step that installs files, `ansible-playbook
 * --list-hosts --list-tags` with the step's own --limit and --tags (the operator's inventory.local.yml and the
 * rendered tree left out: they are the operator's) must accept them, select exactly the step's hosts and
 * name only tags the playbook has.
 */
import { planChange } from '@clusterspec/plan';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { cli } from '../support/cli';
import { deadline } from '../support/deadline';
import { editedSpec, MODERN_CP3, modernControlPlane, revision, type RevisionPair } from '../support/revisions';

const ANSIBLE_PLAYBOOK = '/usr/bin/ansible-playbook';
const describeWithAnsible = existsSync(ANSIBLE_PLAYBOOK) ? describe : describe.skip;
const env = { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0', ANSIBLE_LOCALHOST_WARNING: '0' };

const PAIRS: readonly (RevisionPair & { readonly name: string })[] = [
  { name: 'replace a control plane', fixture: 'modern', after: [[MODERN_CP3, modernControlPlane('cp-4', '10.20.0.24')]] },
  {
    name: 'Kubernetes one minor up',
    fixture: 'modern',
    before: [['version: "1.34.2"', 'version: "1.29.8"']],
    after: [['version: "1.34.2"', 'version: "1.30.4"']],
  },
  { name: 'VIP moved', fixture: 'modern', after: [[/10\.20\.0\.10\b/g, '10.20.0.9']] },
];

describeWithAnsible('every step maps to an ansible-playbook run the bundle accepts', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cs-plan-ansible-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(PAIRS.map((pair) => [pair.name, pair] as const))(
    '%s',
    async (name, pair) => {
      const folder = join(scratch, name.replace(/\W+/g, '-'));
      const spec = join(folder, 'cluster.yaml');
      const after = editedSpec(pair.fixture, pair.after);
      rmSync(folder, { recursive: true, force: true });
      expect((await cli(['generate', writeSpec(spec, after), '--out', join(folder, 'out'), '--quiet'])).code).toBe(0);
      const plan = planChange(revision('before.yaml', editedSpec(pair.fixture, pair.before)), revision(spec, after));
      const steps = plan.steps.filter((step) => step.ansible !== undefined);
      expect(steps.length).toBeGreaterThan(0);
      const deploy = join(folder, 'out', plan.cluster, 'deploy');
      for (const step of steps) {
        const limit = /--limit (\S+)/.exec(step.ansible!)![1];
        const tags = /--tags ([^\s)]+)/.exec(step.ansible!)![1];
        const run = spawnSync(ANSIBLE_PLAYBOOK, ['-i', 'inventory.yml', 'site.yml', '--list-hosts', '--list-tags', '--limit', limit, '--tags', tags], {
          cwd: deploy,
          encoding: 'utf8',
          timeout: deadline(60_000),
          env,
        });
        expect({ step: step.title, status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ step: step.title, status: 0, stderr: '' });
        const listed = new Set([...run.stdout.matchAll(/^\s{6}(\S+)$/gm)].map((match) => match[1]));
        expect({ step: step.title, hosts: [...listed].sort() }).toEqual({ step: step.title, hosts: [...step.hosts].sort() });
        const known = new Set([...run.stdout.matchAll(/TASK TAGS: \[([^\]]*)\]/g)].flatMap((match) => match[1].split(', ')));
        for (const tag of tags.split(',')) expect({ step: step.title, tag, known: known.has(tag) }).toEqual({ step: step.title, tag, known: true });
      }
    },
    deadline(240_000),
  );
});

function writeSpec(file: string, text: string): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
}
