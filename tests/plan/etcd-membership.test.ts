/**
 * The plan's etcd order, followed against Debian's etcd 3.4 (etcd-server, etcd-client's etcdctl): three members
 * on 127.0.0.1 (dynamic ports, one data folder each) form the cluster of fixtures/modern's cp-1..cp-3; the plan
 * for replacing cp-3 by cp-4 is generated, and its steps' etcd actions are carried out in the plan's order
 * (etcdctl member add, start the member with --initial-cluster-state existing, etcdctl member remove, stop),
 * taking the cluster to four members and back to three, while a writer puts a key every 50 ms through the
 * members' HTTP gateway. No write may fail for longer than one election (twice the election timeout at most); every write that succeeded is
 * readable from the new member at the end. The plan's peer URLs name the fixture's addresses; here each member
 * maps to its own local ports, the only thing the test decides.
 */
import { planChange, type EtcdAction } from '@clusterspec/plan';
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadline } from '../support/deadline';
import { MODERN_CP3, modernControlPlane, revisions } from '../support/revisions';

const HEARTBEAT_MS = 100;
/** etcd's own default; one election at most may pass without a successful write. */
const ELECTION_TIMEOUT_MS = 1000;
const WRITE_EVERY_MS = 50;

const haveEtcd = [
  ['etcd', '--version'],
  ['etcdctl', 'version'],
].every(([program, ...args]) => spawnSync(program, args, { timeout: 10_000 }).status === 0);
const describeWithEtcd = haveEtcd ? describe : describe.skip;
if (!haveEtcd) console.warn('etcd membership test skipped: needs etcd-server and etcd-client (scripts/test.sh installs them)');

interface Member {
  readonly name: string;
  readonly client: string;
  readonly peer: string;
  process?: ChildProcess;
  exited?: boolean;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithEtcd('the plan replaces an etcd member without losing writes for more than one election', () => {
  let work: string;
  const members = new Map<string, Member>();
  const cluster = `cs-plan-${process.pid}`;

  const etcdctl = (endpoints: readonly string[], ...args: string[]) =>
    execFileSync('etcdctl', ['--endpoints', endpoints.join(','), '--dial-timeout=2s', '--command-timeout=5s', ...args], {
      env: { ...process.env, ETCDCTL_API: '3' },
      timeout: deadline(15_000),
      encoding: 'utf8',
    });
  const running = () => [...members.values()].filter((member) => member.process && !member.exited);

  function start(member: Member, initialCluster: readonly Member[], state: 'new' | 'existing') {
    const child = spawn(
      'etcd',
      [
        `--name=${member.name}`,
        `--data-dir=${join(work, member.name)}`,
        `--listen-client-urls=${member.client}`,
        `--advertise-client-urls=${member.client}`,
        `--listen-peer-urls=${member.peer}`,
        `--initial-advertise-peer-urls=${member.peer}`,
        `--initial-cluster=${initialCluster.map((other) => `${other.name}=${other.peer}`).join(',')}`,
        `--initial-cluster-state=${state}`,
        `--initial-cluster-token=${cluster}`,
        `--heartbeat-interval=${HEARTBEAT_MS}`,
        `--election-timeout=${ELECTION_TIMEOUT_MS}`,
        '--logger=zap',
        '--log-outputs=stderr',
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    member.process = child;
    child.once('exit', () => (member.exited = true));
  }

  async function healthy(member: Member) {
    const until = Date.now() + deadline(30_000);
    for (;;) {
      const result = spawnSync('etcdctl', ['--endpoints', member.client, '--dial-timeout=1s', '--command-timeout=2s', 'endpoint', 'health'], {
        env: { ...process.env, ETCDCTL_API: '3' },
        timeout: deadline(10_000),
        encoding: 'utf8',
      });
      if (result.status === 0) return;
      if (Date.now() > until || member.exited) throw new Error(`${member.name} never became healthy: ${result.stderr}`);
      await sleep(100);
    }
  }

  async function retried<T>(attempt: () => T): Promise<T> {
    const until = Date.now() + deadline(30_000);
    for (;;) {
      try {
        return attempt();
      } catch (error) {
        if (Date.now() > until) throw error;
        await sleep(250);
      }
    }
  }

  /** One put through a member's HTTP gateway (etcd's /v3/kv/put), true when it was committed. */
  const put = (member: Member, key: string) =>
    new Promise<boolean>((resolve) => {
      const body = JSON.stringify({ key: Buffer.from(key).toString('base64'), value: Buffer.from('x').toString('base64') });
      const call = request(`${member.client}/v3/kv/put`, { method: 'POST', timeout: 500, headers: { 'content-type': 'application/json' } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode === 200));
      });
      call.on('error', () => resolve(false));
      call.on('timeout', () => call.destroy());
      call.end(body);
    });

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'cs-plan-etcd-'));
    for (const name of ['cp-1', 'cp-2', 'cp-3', 'cp-4']) {
      members.set(name, { name, client: `http://127.0.0.1:${await freePort()}`, peer: `http://127.0.0.1:${await freePort()}` });
    }
    const first = ['cp-1', 'cp-2', 'cp-3'].map((name) => members.get(name)!);
    first.forEach((member) => start(member, first, 'new'));
    for (const member of first) await healthy(member);
  });

  afterAll(() => {
    for (const member of members.values()) if (member.process && !member.exited) member.process.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(
    '3 members, then 4, then 3, following the generated steps',
    async () => {
      const { previous, current } = revisions({ fixture: 'modern', after: [[MODERN_CP3, modernControlPlane('cp-4', '10.20.0.24')]] });
      const plan = planChange(previous, current);
      const actions: EtcdAction[] = plan.steps.flatMap((step) => step.etcd ?? []);
      expect(actions.map((action) => `${action.op} ${action.member}`)).toEqual(['member-add cp-4', 'start cp-4', 'member-remove cp-3', 'stop cp-3']);

      const writes: { at: number; ok: boolean; key: string }[] = [];
      let writing = true;
      let turn = 0;
      const writer = (async () => {
        while (writing) {
          const began = Date.now();
          const targets = running();
          const key = `plan/${writes.length}`;
          let ok = false;
          for (let attempt = 0; attempt < targets.length && !ok; attempt += 1) {
            ok = await put(targets[(turn + attempt) % targets.length], key);
          }
          turn += 1;
          writes.push({ at: began, ok, key });
          await sleep(Math.max(0, WRITE_EVERY_MS - (Date.now() - began)));
        }
      })();
      await sleep(500);

      try {
        for (const action of actions) {
          const member = members.get(action.member)!;
          const endpoints = running()
            .filter((other) => other !== member)
            .map((other) => other.client);
          if (action.op === 'member-add') {
            expect(action.peerURL).toBe('https://10.20.0.24:2380');
            // etcd refuses a new voter until every member has been connected for a while (its strict reconfiguration
            // check answers "unhealthy cluster"): the step's gate, waited on here.
            await retried(() => etcdctl(endpoints, 'member', 'add', member.name, `--peer-urls=${member.peer}`));
          } else if (action.op === 'start') {
            const listed = etcdctl(endpoints, 'member', 'list').trim().split('\n');
            const initial = listed.map((line) => line.split(', ')).map((fields) => ({ name: fields[2] || member.name, peer: fields[3] }));
            start(member, initial as Member[], 'existing');
            await healthy(member);
          } else if (action.op === 'member-remove') {
            const line = etcdctl(endpoints, 'member', 'list')
              .trim()
              .split('\n')
              .find((entry) => entry.split(', ')[2] === member.name);
            expect(line).toBeDefined();
            // The same strict check guards a removal: the gate after the join (every member healthy), waited on.
            await retried(() => etcdctl(endpoints, 'member', 'remove', line!.split(', ')[0]));
          } else {
            member.process?.kill('SIGTERM');
            const until = Date.now() + deadline(20_000);
            while (!member.exited && Date.now() < until) await sleep(50);
            expect(member.exited).toBe(true);
          }
          await sleep(500);
        }
        // Writes go on for a while after the last step, on the three members that stay.
        await sleep(1000);
      } finally {
        writing = false;
        await writer;
      }

      // The longest run of failed writes, from its first failure to the next success.
      let longest = 0;
      let failingSince: number | undefined;
      for (const write of writes) {
        if (!write.ok && failingSince === undefined) failingSince = write.at;
        if (write.ok && failingSince !== undefined) {
          longest = Math.max(longest, write.at - failingSince);
          failingSince = undefined;
        }
      }
      expect(failingSince).toBeUndefined();
      // One election: a follower waits a randomised timeout in [election-timeout, 2 × election-timeout) before it
      // campaigns (etcd's raft, "randomizedElectionTimeout"), so one election lasts up to twice the timeout.
      expect(longest).toBeLessThanOrEqual(deadline(2 * ELECTION_TIMEOUT_MS));
      const names = etcdctl([members.get('cp-1')!.client], 'member', 'list')
        .trim()
        .split('\n')
        .map((line) => line.split(', ')[2])
        .sort();
      expect(names).toEqual(['cp-1', 'cp-2', 'cp-4']);
      const succeeded = writes.filter((write) => write.ok).length;
      const onNew = new Set(
        etcdctl([members.get('cp-4')!.client], 'get', 'plan/', '--prefix', '--keys-only')
          .split('\n')
          .filter(Boolean),
      );
      expect(writes.filter((write) => write.ok && !onNew.has(write.key))).toEqual([]);
      // The figures of this run, for bench/RESULTS.md and the issue.
      console.log(`etcd membership: ${writes.length} writes, ${writes.length - succeeded} failed, longest outage ${longest} ms`);
    },
    deadline(120_000),
  );
});
