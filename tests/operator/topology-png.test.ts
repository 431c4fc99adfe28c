import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSite } from '@clusterspec/generators';
import { fixtureSpecs, loadFixture, ROOT } from '../support/fixtures';
import { deadline } from '../support/deadline';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The picture as a person sees it: rendered by librsvg (Debian's rsvg-convert), not only parsed. */
describe('topology.svg renders to a picture', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'clusterspec-topology-png-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  const specs = [...fixtureSpecs(), 'fixtures/broken/admin-kubeconfig-lb-ip/cluster.yaml'];

  it.each(specs)('%s renders to a PNG of sensible size', async (file) => {
    const site = await generateSite(loadFixture(file));
    const svg = site.find((artifact) => artifact.path === 'topology.svg');
    expect(svg).toBeDefined();
    const input = join(scratch, 'topology.svg');
    const output = join(scratch, 'topology.png');
    writeFileSync(input, svg!.content);
    const result = spawnSync('rsvg-convert', ['-w', '1200', input, '-o', output], { encoding: 'utf8', timeout: deadline(30000) });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const png = readFileSync(output);
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const width = png.readUInt32BE(16);
    const height = png.readUInt32BE(20);
    expect(width).toBe(1200);
    expect(height).toBeGreaterThan(300);
  });

  it('rejects what is not a picture, so the check above can fail', () => {
    const input = join(scratch, 'broken.svg');
    writeFileSync(input, '<svg><g>');
    expect(spawnSync('rsvg-convert', [input, '-o', join(scratch, 'broken.png')], { timeout: deadline(30000) }).status).not.toBe(0);
  });

  it('the README shows the seed picture that is committed', () => {
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('out/seed-ha/topology.svg');
  });
});
