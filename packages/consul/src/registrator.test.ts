import { loadFixture } from '../../../tests/support/fixtures';
import { generateRegistrators, REGISTRATOR_TTL, REGISTRATOR_TTL_REFRESH, REGISTRATOR_UNIT_PATH } from './registrator';

const seed = loadFixture('fixtures/seed-ha/cluster.yaml');
const modern = loadFixture('fixtures/modern/cluster.yaml');
const edge = loadFixture('fixtures/edge/cluster.yaml');

/** The words after the image in ExecStart: registrator's options and then the registry URI. */
function registratorArgs(model: typeof seed, host: string): string[] {
  const file = generateRegistrators(model).find((each) => each.path === `hosts/${host}${REGISTRATOR_UNIT_PATH}`);
  if (!file) throw new Error(`no registrator on ${host}`);
  const execStart = /^ExecStart=(.*)$/m.exec(file.content)![1].split(' ');
  const image = execStart.findIndex((word) => word.startsWith('gliderlabs/registrator:'));
  expect(execStart.slice(0, image)).toEqual(expect.arrayContaining(['--net=host', '--volume=/var/run/docker.sock:/tmp/docker.sock']));
  return execStart.slice(image + 1);
}

describe('registrator', () => {
  it('runs on every Docker host and nowhere else', () => {
    const hosts = (model: typeof seed) => generateRegistrators(model).map((file) => file.path.split('/')[1]);
    expect(hosts(seed)).toEqual(seed.hosts.map((host) => host.name));
    expect(hosts(modern)).toEqual(['worker-1', 'worker-2', 'worker-3', 'worker-4', 'harbor-1', 'harbor-2']);
    expect(hosts(edge)).toEqual(['k1', 'k2', 'k3', 'w1', 'w2', 'h1', 'h2', 'h3']);
  });

  it('puts every flag before the registry URI, which comes last', () => {
    for (const model of [seed, modern, edge]) {
      for (const host of model.docker!.hosts) {
        const args = registratorArgs(model, host.name);
        expect(args[args.length - 1]).toMatch(/^consul:\/\/[^ ]+:8500$/);
        expect(args.filter((word) => word.startsWith('consul://'))).toHaveLength(1);
        expect(args.slice(0, 2)).toEqual(['-ip', host.address]);
        expect(args.slice(2, 8)).toEqual(['-ttl', '30', '-ttl-refresh', '10', '-resync', '60']);
      }
    }
  });

  it("registers a TTL check refreshed well within its TTL, so a dead host's services turn critical and leave `service`", () => {
    expect(REGISTRATOR_TTL_REFRESH * 2).toBeLessThan(REGISTRATOR_TTL);
    const unit = generateRegistrators(seed).find((file) => file.path.startsWith('hosts/node1/'))!.content;
    expect(unit).toMatch(/gliderlabs\/registrator:v7 -ip \S+ -ttl 30 -ttl-refresh 10 -resync 60 consul:\/\/192\.168\.0\.129:8500$/m);
  });

  it('seed: talks to the local agent only where one runs, else to the first server', () => {
    for (const host of ['consul-1', 'consul-2', 'consul-3']) expect(registratorArgs(seed, host).at(-1)).toBe('consul://localhost:8500');
    for (const host of ['node1', 'node2', 'shaolin', 'wudang', 'emei']) expect(registratorArgs(seed, host).at(-1)).toBe('consul://192.168.0.129:8500');
  });

  it('modern and edge: clients use their agent; edge Harbor hosts (no agent) use c1', () => {
    for (const host of modern.docker!.hosts) expect(registratorArgs(modern, host.name).at(-1)).toBe('consul://localhost:8500');
    expect(registratorArgs(edge, 'w2').at(-1)).toBe('consul://localhost:8500');
    for (const host of ['h1', 'h2', 'h3']) expect(registratorArgs(edge, host).at(-1)).toBe('consul://172.16.3.11:8500');
  });

  it('orders itself after the local agent only where there is one', () => {
    const unit = (host: string) => generateRegistrators(seed).find((file) => file.path.startsWith(`hosts/${host}/`))!.content;
    expect(unit('consul-1')).toMatch(/^After=docker\.service consul\.service$/m);
    expect(unit('node1')).toMatch(/^After=docker\.service$/m);
    expect(unit('node1')).not.toContain('consul.service');
  });
});
