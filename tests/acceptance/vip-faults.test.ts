/**
 * Issue 23, item 6: the generated keepalived with the generated balancer, run for real in network namespaces
 * (tests/support/vip-lab.ts), under a client sending a request every 0.3 s, through the faults a site meets.
 * The targets are printed with what was measured; the assertions allow three times the target, so
 * a loaded two-core CI machine does not flake. The half-broken apiserver lasts 20 s here, not 60 s, to keep
 * the file near three minutes.
 */
import { fillSecrets } from '@clusterspec/cli';
import { generateArtifacts } from '@clusterspec/generators';
import { loadSpecText } from '@clusterspec/spec';
import { APISERVERS, BALANCERS, labSpec, longestGapSince, movesSince, VipLab, waitFor } from '../support/vip-lab';

const SECOND = 1000;
const HALF_BROKEN_FOR = 20 * SECOND;

function labFiles(engine: 'haproxy' | 'nginx'): Map<string, string> {
  const model = loadSpecText(`vip-lab-${engine}.yaml`, Buffer.from(labSpec(engine)));
  const front = generateArtifacts(model).filter((file) => /\/etc\/(haproxy|keepalived|nginx)\//.test(file.path));
  const filled = fillSecrets(model, front, { KEEPALIVED_AUTH_PASS: 'k8s-VRRP' });
  if (!filled.ok) throw new Error(filled.problems.map((problem) => problem.reason).join('; '));
  return new Map(filled.artifacts.map((file) => [file.path, file.content]));
}

const measured: string[] = [];
function report(line: string): void {
  measured.push(line);
  console.log(`vip-faults: ${line}`);
}

const exactlyOne = (lab: VipLab) => lab.holders().length === 1;
const servedSince = (lab: VipLab, since: number) => lab.requests.some((request) => request.at > since && request.ok);

describe.each(['haproxy', 'nginx'] as const)('the generated keepalived in front of %s', (engine) => {
  const lab = new VipLab(labFiles(engine));

  beforeAll(() => lab.build(), 60 * SECOND);
  afterAll(() => {
    lab.teardown();
    expect(lab.leftovers()).toEqual([]);
    if (engine === 'nginx') console.log(`vip-faults, measured:\n${measured.join('\n')}`);
  }, 60 * SECOND);

  it(
    engine === 'haproxy'
      ? 'start-up, balancers before apiservers: the address is on exactly one balancer, and served within 10 s of the first healthy apiserver'
      : 'start-up, apiservers before balancers: the address is on exactly one balancer within 10 s',
    async () => {
      lab.startClient();
      if (engine === 'haproxy') {
        for (const host of BALANCERS) lab.startBalancer(host.name, engine);
        for (const host of BALANCERS) lab.startKeepalived(host.name);
        const noApiserver = await waitFor('the address on a balancer with no apiserver up', 30 * SECOND, () => exactlyOne(lab));
        report(`${engine}: with no apiserver up, the address came to one balancer ${noApiserver} ms after keepalived started`);
        const firstHealthy = Date.now();
        lab.startApiServer('cp-1');
        const served = await waitFor('a request served through the address', 30 * SECOND, () => servedSince(lab, firstHealthy));
        report(`${engine}: first request served ${served} ms after the first apiserver started (target 10 s)`);
        expect(served).toBeLessThanOrEqual(30 * SECOND);
        for (const apiserver of APISERVERS.slice(1)) lab.startApiServer(apiserver.name);
      } else {
        for (const apiserver of APISERVERS) lab.startApiServer(apiserver.name);
        const started = Date.now();
        for (const host of BALANCERS) lab.startBalancer(host.name, engine);
        for (const host of BALANCERS) lab.startKeepalived(host.name);
        const held = await waitFor('the address on one balancer', 30 * SECOND, () => exactlyOne(lab) && servedSince(lab, started));
        report(`${engine}: address held and served ${held} ms after the balancers started (target 10 s)`);
        expect(held).toBeLessThanOrEqual(30 * SECOND);
      }
      // Settled: both keepalived instances run; still exactly one holder.
      await new Promise((resolve) => setTimeout(resolve, 4 * SECOND));
      expect(lab.holders()).toHaveLength(1);
    },
    120 * SECOND,
  );

  it(
    `one apiserver half-broken (TLS up, /healthz 500) for ${HALF_BROKEN_FOR / SECOND} s under traffic: the address does not move`,
    async () => {
      const started = Date.now();
      lab.setHealth('cp-2', false);
      await new Promise((resolve) => setTimeout(resolve, HALF_BROKEN_FOR));
      lab.setHealth('cp-2', true);
      const moves = movesSince(lab.changes, started);
      const during = lab.requests.filter((request) => request.at > started && request.at < started + HALF_BROKEN_FOR);
      // haproxy takes it out after fall 3 at inter 2s: about 6 s; 10 s leaves room for a slow machine.
      const afterDetection = during.filter((request) => request.at > started + 10 * SECOND && request.by === 'cp-2').length;
      const reached = during.filter((request) => request.by === 'cp-2').length;
      const failed = during.filter((request) => !request.ok).length;
      report(
        `${engine}: half-broken cp-2 for ${HALF_BROKEN_FOR / SECOND} s: ${moves} address moves, ${reached} of ${during.length} requests reached cp-2 (${afterDetection} after the first 10 s), ${failed} failed`,
      );
      expect(during.length).toBeGreaterThan(10);
      expect(moves).toBe(0);
      expect(lab.holders()).toHaveLength(1);
      if (engine === 'haproxy') expect(afterDetection).toBe(0);
    },
    120 * SECOND,
  );

  if (engine === 'nginx') return;

  it(
    "the holder's balancer process killed: the address moves within 10 s, and stays when the balancer comes back",
    async () => {
      const [holder] = lab.holders();
      const killed = Date.now();
      lab.stop(`balancer-${holder}`);
      const moved = await waitFor('the address on the other balancer', 30 * SECOND, () => exactlyOne(lab) && lab.holders()[0] !== holder);
      report(`${engine}: balancer killed on ${holder}: address moved in ${moved} ms (target 10 s)`);
      expect(moved).toBeLessThanOrEqual(30 * SECOND);
      const back = Date.now();
      lab.startBalancer(holder, engine);
      await new Promise((resolve) => setTimeout(resolve, 8 * SECOND));
      report(`${engine}: balancer back on ${holder}: ${movesSince(lab.changes, back)} address moves in 8 s (no preemption)`);
      expect(movesSince(lab.changes, back)).toBe(0);
      expect(lab.requests.filter((request) => request.at > killed + moved + 2 * SECOND && !request.ok)).toHaveLength(0);
    },
    120 * SECOND,
  );

  it(
    "the holder's keepalived killed (-9, with its VRRP child): the address moves within 3 s",
    async () => {
      const [holder] = lab.holders();
      const killed = Date.now();
      lab.killKeepalived(holder);
      const moved = await waitFor('the address on the other balancer', 30 * SECOND, () => lab.holders().some((host) => host !== holder));
      report(`${engine}: keepalived killed on ${holder}: address on the other balancer in ${moved} ms (target 3 s)`);
      expect(moved).toBeLessThanOrEqual(9 * SECOND);
      // The killed host's stale copy goes with the host; keepalived started again must not take the address back.
      lab.dropStaleAddress(holder);
      const restarted = Date.now();
      lab.startKeepalived(holder);
      await new Promise((resolve) => setTimeout(resolve, 6 * SECOND));
      report(`${engine}: keepalived back on ${holder}: ${movesSince(lab.changes, restarted)} address moves in 6 s`);
      expect(movesSince(lab.changes, restarted)).toBe(0);
      expect(lab.holders()).toHaveLength(1);
      expect(killed).toBeLessThan(Date.now());
    },
    120 * SECOND,
  );

  it(
    'every apiserver down, then back: the address stays on one balancer and traffic resumes within 10 s of the first',
    async () => {
      const down = Date.now();
      for (const apiserver of APISERVERS) lab.stop(`apiserver-${apiserver.name}`);
      await new Promise((resolve) => setTimeout(resolve, 8 * SECOND));
      const firstBack = Date.now();
      lab.startApiServer('cp-3');
      const resumed = await waitFor('a request served again', 30 * SECOND, () => servedSince(lab, firstBack));
      for (const apiserver of APISERVERS.slice(0, 2)) lab.startApiServer(apiserver.name);
      const gap = longestGapSince(lab.changes, down);
      report(
        `${engine}: every apiserver down 8 s: longest time on no balancer ${gap} ms, ${movesSince(lab.changes, down)} moves; traffic resumed ${resumed} ms after the first came back (target 10 s)`,
      );
      expect(gap).toBe(0);
      expect(lab.holders()).toHaveLength(1);
      expect(resumed).toBeLessThanOrEqual(30 * SECOND);
    },
    120 * SECOND,
  );
});
