import { parse as parseToml } from '@iarna/toml';
import { parse as parseYaml } from 'yaml';
import { ARTIFACT_FORMATS } from './artifact-formats';
import { artifact, defineArtifact, jsonDocument, tomlDocument, yamlDocuments, type ArtifactFormat } from './artifact';
import { placeSecrets } from './secret-placement';

const PLACEHOLDER = '{{secret:env:PW}}';

/** A file of one format holding the placeholder at `password` (and `other` at an undeclared key when given). */
function file(format: ArtifactFormat, render: (data: { password: string; other?: string }) => string, extra: Partial<{ other: string }> = {}) {
  const descriptor = defineArtifact<{ password: string; other?: string }>({
    id: `test/${format}`,
    pattern: 'cluster/x',
    description: 'a test file',
    where: 'the cluster',
    reads: ['spec'],
    secretKeys: ['password'],
    consumer: 'a test',
    format,
    render,
  });
  return artifact(descriptor, `cluster/${format}`, { password: PLACEHOLDER, ...extra });
}

const place = (item: ReturnType<typeof file>, value: string) => placeSecrets([item], new Map([[PLACEHOLDER, value]]));

describe('placeSecrets: a value goes into the data at the declared key and the descriptor renders it', () => {
  it.each(['yes', '0777', 'a: b', '- x', '#x', ' lead', `q"u'o\\te`, 'two\nlines', '{{secret:env:OTHER}}'])(
    'YAML round-trips %j (the serialiser quotes)',
    (value) => {
      const result = place(
        file('yaml', (data) => yamlDocuments(data)),
        value,
      );
      if (!result.ok) throw new Error('refused');
      expect(parseYaml(result.artifacts[0].content, { version: '1.1' }).password).toBe(value);
      // The data keeps its placeholder: only the text, which is written, holds the value.
      expect(result.artifacts[0].data).toEqual({ password: PLACEHOLDER });
    },
  );

  it('JSON and TOML round-trip any value through their serialisers', () => {
    const value = 'q"u\\o\ttab\nline\u0085é';
    const json = place(file('json', jsonDocument), value);
    const toml = place(
      file('toml', (data) => tomlDocument(data)),
      value,
    );
    if (!json.ok || !toml.ok) throw new Error('refused');
    expect(JSON.parse(json.artifacts[0].content).password).toBe(value);
    expect(parseToml(toml.artifacts[0].content).password).toBe(value);
  });

  it('refuses in YAML what the serialiser would write raw and readers misread (NEL, U+2028, DEL, a byte-order mark)', () => {
    for (const value of ['a\u0085b', 'a\u2028b', 'a\u007fb', '\ufeffab']) {
      const result = place(
        file('yaml', (data) => yamlDocuments(data)),
        value,
      );
      expect(result.ok).toBe(false);
      if (!result.ok) expect([...(result.refused.get(PLACEHOLDER)?.keys() ?? [])][0]).toMatch(/YAML readers refuse or read otherwise/);
    }
  });

  it("escapes for a template's quoted HCL string and refuses what HCL1 cannot hold", () => {
    const hcl = file('hcl', (data) => `encrypt = "${data.password}"\n`);
    const ok = place(hcl, 'go"ss\\ip');
    expect(ok.ok && ok.artifacts[0].content).toBe('encrypt = "go\\"ss\\\\ip"\n');
    expect(place(hcl, 'a${b}').ok).toBe(false);
  });

  it('refuses a placeholder at a key its descriptor does not declare, rather than leaving it in the text', () => {
    const result = place(
      file('yaml', (data) => yamlDocuments(data), { other: PLACEHOLDER }),
      'pw',
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect([...(result.refused.get(PLACEHOLDER)?.keys() ?? [])]).toEqual(['sits where test/yaml declares no secret key']);
  });

  it('has an entry for every format (a new format is one entry of ARTIFACT_FORMATS)', () => {
    for (const entry of Object.values(ARTIFACT_FORMATS)) expect(typeof entry).toBe('object');
  });
});
