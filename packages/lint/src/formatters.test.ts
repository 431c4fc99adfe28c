import { loadSpec } from '@clusterspec/spec';
import { join } from 'node:path';
import { ROOT } from '../../../tests/support/fixtures';
import { sarifValidator } from '../../../tests/support/sarif';
import type { Untyped } from '../../../tests/support/untyped';
import { generateArtifacts } from '@clusterspec/generators';
import { lintSite } from './engine';
import { formatGithub } from './formatters/github';
import { formatJson } from './formatters/json';
import { formatSarif } from './formatters/sarif';
import { formatText } from './formatters/text';
import type { Diagnostic } from './rule';
import { rules } from './rules';

const ESC = '\u001b';
const BROKEN = 'fixtures/broken/admin-kubeconfig-lb-ip/cluster.yaml';

function lintFile(file: string): Diagnostic[] {
  const model = loadSpec(file);
  return lintSite(model, generateArtifacts(model));
}

/** Real diagnostics: two san-coverage errors with an artifact, the seed's two warnings without one and registrator-remote-agent's with one. */
const BROKEN_FILE = join(ROOT, BROKEN);
const real = lintFile(BROKEN_FILE);

const synthetic = (overrides: Partial<Diagnostic> & { file?: string; line?: number; column?: number }): Diagnostic => ({
  ruleId: overrides.ruleId ?? 'port-conflict',
  severity: overrides.severity ?? 'error',
  message: overrides.message ?? 'a and b both listen on port 80 on h1',
  location: { file: overrides.file ?? 'site/cluster.yaml', line: overrides.line ?? 3, column: overrides.column ?? 5 },
  field: 'spec.harbor.httpPort',
  ...(overrides.artifact ? { artifact: overrides.artifact } : {}),
});

describe('text', () => {
  it('prints file:line:col severity message (artifact) rule-id, grouped per file, then a summary; no ANSI without colour', () => {
    const output = formatText(real, { colour: false });
    expect(output).not.toContain(ESC);
    const lines = output.split('\n');
    expect(lines[0]).toBe(BROKEN_FILE);
    const body = lines.slice(1, 1 + real.length);
    real.forEach((diagnostic, index) => {
      const { file, line, column } = diagnostic.location;
      const artifact = diagnostic.artifact ? ` (${diagnostic.artifact})` : '';
      expect(body[index]).toBe(`${file}:${line}:${column} ${diagnostic.severity} ${diagnostic.message}${artifact} ${diagnostic.ruleId}`);
    });
    expect(body.filter((line) => line.includes(' error ') && line.endsWith(' san-coverage'))).toHaveLength(2);
    expect(lines[lines.length - 1]).toBe('6 problems (2 errors, 3 warnings, 1 info)');
    expect(lines[lines.length - 2]).toBe('');
  });

  it('groups the diagnostics of each file under its name, whatever their order', () => {
    const diagnostics = [
      synthetic({ file: 'a.yaml', line: 1 }),
      synthetic({ file: 'b.yaml', severity: 'warning' }),
      synthetic({ file: 'a.yaml', line: 9, severity: 'info' }),
    ];
    const blocks = formatText(diagnostics, { colour: false }).split('\n\n');
    expect(blocks).toHaveLength(3);
    expect(blocks[0].split('\n')).toEqual(['a.yaml', expect.stringMatching(/^a\.yaml:1:5 error /), expect.stringMatching(/^a\.yaml:9:5 info /)]);
    expect(blocks[1].split('\n')).toEqual(['b.yaml', expect.stringMatching(/^b\.yaml:3:5 warning /)]);
    expect(blocks[2]).toBe('3 problems (1 error, 1 warning, 1 info)');
  });

  it('says so when there is nothing', () => {
    expect(formatText([], { colour: false })).toBe('no problems');
  });

  it('paints severities, file names and rule ids with colour', () => {
    const output = formatText(real, { colour: true });
    expect(output).toContain(`${ESC}[31merror${ESC}[0m`);
    expect(output).toContain(`${ESC}[33mwarning${ESC}[0m`);
    expect(output).toContain(`${ESC}[1m${BROKEN_FILE}${ESC}[0m`);
    expect(output).toContain(`${ESC}[2msan-coverage${ESC}[0m`);
    expect(output.split('\n').pop()).toBe(`${ESC}[31m6 problems (2 errors, 3 warnings, 1 info)${ESC}[0m`);
    expect(formatText([synthetic({ severity: 'info' })], { colour: true })).toContain(`${ESC}[36minfo${ESC}[0m`);
    // Without the codes, the coloured text is the plain text.
    // eslint-disable-next-line no-control-regex -- ANSI colour codes begin with ESC, the character to match
    expect(output.replace(/\u001b\[[0-9]+m/g, '')).toBe(formatText(real, { colour: false }));
  });
});

describe('json', () => {
  it('carries each diagnostic with ruleId, severity, message, location and artifact when involved, and a summary', () => {
    const parsed = JSON.parse(formatJson(real)) as { diagnostics: Record<string, unknown>[]; summary: Record<string, number> };
    // san-coverage's info: emei's own address, on the balancer path, in no other certificate.
    expect(parsed.summary).toEqual({ errors: 2, warnings: 3, infos: 1 });
    expect(parsed.diagnostics).toHaveLength(6);
    const errors = parsed.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    expect(errors).toHaveLength(2);
    for (const diagnostic of errors) {
      expect(diagnostic).toMatchObject({
        ruleId: 'san-coverage',
        message: expect.stringContaining('x509: certificate is valid for'),
        location: { file: BROKEN_FILE, line: expect.any(Number), column: expect.any(Number) },
        artifact: 'cluster/kubeconfig/kubernetes-admin.conf',
        field: 'spec.kubernetes.users[0].server',
      });
    }
    const warning = parsed.diagnostics.find((diagnostic) => diagnostic.ruleId === 'endpoint-is-service-name');
    expect(warning).toMatchObject({ severity: 'warning', location: { file: BROKEN_FILE } });
    expect(warning).not.toHaveProperty('artifact');
    expect(Object.keys((warning as { location: object }).location).sort()).toEqual(['column', 'file', 'line']);
  });

  it('is valid JSON with an empty list when clean', () => {
    expect(JSON.parse(formatJson([]))).toEqual({ diagnostics: [], summary: { errors: 0, warnings: 0, infos: 0 } });
  });
});

describe('github', () => {
  it('writes one workflow command per diagnostic', () => {
    const lines = formatGithub(real).trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    const [error] = real.filter((diagnostic) => diagnostic.severity === 'error');
    const { line, column } = error.location;
    expect(lines).toContain(`::error file=${BROKEN_FILE},line=${line},col=${column},title=san-coverage::${error.message}`);
    expect(lines.filter((text) => text.startsWith('::warning file='))).toHaveLength(3);
    expect(formatGithub([synthetic({ severity: 'info' })])).toMatch(/^::notice file=/);
    expect(formatGithub([])).toBe('');
  });

  it('escapes data (%, CR, LF) and properties (also : and ,)', () => {
    const output = formatGithub([synthetic({ file: 'sites/a,b:c%.yaml', message: '100% sure:\r\nport 80, again' })]);
    expect(output).toBe('::error file=sites/a%2Cb%3Ac%25.yaml,line=3,col=5,title=port-conflict::100%25 sure:%0D%0Aport 80, again\n');
  });
});

describe('sarif', () => {
  const validate = sarifValidator();
  const sarif = (diagnostics: readonly Diagnostic[]) => JSON.parse(formatSarif(diagnostics, rules, 'https://github.com/clusterspec/clusterspec'));

  it('is a valid SARIF 2.1.0 log', () => {
    const log = sarif([...real, synthetic({ severity: 'info', artifact: 'hosts/h1/etc/nginx/nginx.conf' })]);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    expect(validate(sarif([])) ? [] : validate.errors).toEqual([]);
  });

  it('really rejects a broken log', () => {
    const log = sarif(real);
    expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    expect(validate({ ...log, runs: [{ ...log.runs[0], tool: {} }] })).toBe(false);
    const badLevel = JSON.parse(JSON.stringify(log));
    badLevel.runs[0].results[0].level = 'fatal';
    expect(validate(badLevel)).toBe(false);
    const badLine = JSON.parse(JSON.stringify(log));
    badLine.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(badLine)).toBe(false);
  });

  it('describes every rule and points each result at its rule, level, spec position and artifact', () => {
    const log = sarif(real);
    const driver = log.runs[0].tool.driver;
    expect(driver.rules.map((rule: { id: string }) => rule.id)).toEqual(rules.map((rule) => rule.id));
    for (const rule of driver.rules) expect(rule.helpUri).toBe(`https://github.com/clusterspec/clusterspec/blob/main/docs/rules/${rule.id}.md`);
    const levels = Object.fromEntries(
      driver.rules.map((rule: { id: string; defaultConfiguration: { level: string } }) => [rule.id, rule.defaultConfiguration.level]),
    );
    expect(levels['san-coverage']).toBe('error');
    expect(levels['lb-proxy-timeout']).toBe('warning');
    const results = log.runs[0].results;
    expect(results).toHaveLength(real.length);
    results.forEach((result: Untyped, index: number) => {
      const diagnostic = real[index];
      expect(driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(result.ruleId).toBe(diagnostic.ruleId);
      expect(result.level).toBe(diagnostic.severity === 'info' ? 'note' : diagnostic.severity); // SARIF calls info 'note'
      expect(result.message.text).toBe(diagnostic.message);
      expect(result.locations[0].physicalLocation).toEqual({
        artifactLocation: { uri: diagnostic.location.file },
        region: { startLine: diagnostic.location.line, startColumn: diagnostic.location.column },
      });
      if (diagnostic.artifact) expect(result.relatedLocations[0].physicalLocation.artifactLocation.uri).toBe(diagnostic.artifact);
      else expect(result.relatedLocations).toBeUndefined();
    });
    expect(sarif([synthetic({ severity: 'info' })]).runs[0].results[0].level).toBe('note');
  });
});
