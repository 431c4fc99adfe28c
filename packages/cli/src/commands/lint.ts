import {
  formatGithub,
  formatJson,
  formatSarif,
  formatText,
  lintAcrossSites,
  lintSite,
  readsDescriptor,
  rules,
  summarise,
  type Diagnostic,
} from '@clusterspec/lint';
import { matchesPattern, type Artifact, type ClusterModel } from '@clusterspec/spec';
import { EXIT_FINDINGS, EXIT_OK, UsageError, type Command } from '../command';
import { readDeployedCertificates, judgementInstant } from '../deployed-certificates';
import { fleetSpecs } from '../fleet';
import { generateArtifactsFor } from '@clusterspec/generators';
import { loadAll } from '../load';
import { progress, verbosity, VERBOSITY_OPTIONS, VERBOSITY_USAGE } from '../progress';

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;

export const lint: Command = {
  name: 'lint',
  usage: `Usage: clusterspec lint <spec...> [--format text|json|sarif|github] [--max-warnings N] [--quiet|--verbose]
       clusterspec lint --fleet [GLOB...] [--format …] [--max-warnings N] [--quiet|--verbose]
       clusterspec lint <spec> --certs DIR [--now DATE]

Checks each site and its generated artifacts against every rule (docs/rules/). Specs linted together are
also compared: two sites claiming one address or one controlPlaneEndpoint name (fleet-collision), VRRP
groups that hear each other with one virtual_router_id (vip-config); each such finding names both specs.
--fleet lints every spec of the repository in one run: the files each GLOB matches (*, ?, ** and {a,b};
quote it, or let the shell expand it), or without one, those of the specs glob in ./nx.json (the cluster
plugin's "specs" option, as nx run-many -t lint sees them).
--certs DIR also judges the certificates collected from the site's hosts, laid out as out/<cluster>/
(DIR/hosts/<host>/etc/kubernetes/pki/…, or a copy of /etc/kubernetes/pki per host; users' under
DIR/cluster/kubeconfig/): expiry, issuer, usage, subject, drift from pki/plan.json, and the same
dial paths as san-coverage against the SANs they really carry. --now judges expiry at another instant.
Exits 1 when there is an error, or more than N warnings; 0 when clean.
--quiet prints errors only, and nothing in text format when there are none (warnings still
count for --max-warnings). A spec of - is read from standard input.
${VERBOSITY_USAGE}`,
  options: {
    format: { type: 'string', default: 'text' },
    'max-warnings': { type: 'string', default: '-1' },
    certs: { type: 'string' },
    now: { type: 'string' },
    fleet: { type: 'boolean' },
    ...VERBOSITY_OPTIONS,
  },
  readOnly: true,
  async run(positionals, values, io) {
    const format = String(values.format);
    const maxWarnings = Number(values['max-warnings']);
    if (!(FORMATS as readonly string[]).includes(format) || !Number.isInteger(maxWarnings)) {
      throw new UsageError(`--format takes ${FORMATS.join(', ')}; --max-warnings takes a whole number`);
    }
    const level = verbosity(values);
    if (values.certs === undefined && values.now !== undefined) throw new UsageError('--now judges collected certificates: give --certs DIR too');
    if (values.certs !== undefined && (values.fleet === true || positionals.length !== 1))
      throw new UsageError('--certs DIR holds the certificates of one site: name exactly one spec');
    const models = loadAll(values.fleet === true ? fleetSpecs(positionals, process.cwd()) : positionals);
    const deployed = values.certs === undefined ? undefined : readDeployedCertificates(models[0], String(values.certs), judgementInstant(values.now));
    const step = progress(io, level, models, 'linting');
    const diagnostics: Diagnostic[] = [];
    // Kept only when several specs are linted together: some rules compare sites (vip-config's VRRP ids), and
    // of each site only the files those rules read, so a fleet of hundreds is not held in memory whole.
    const sites: { model: ClusterModel; artifacts: readonly Artifact[] }[] = [];
    const readAcrossSites = rules.filter((rule) => rule.checkAcrossSites !== undefined).flatMap((rule) => rule.reads ?? []);
    const keptAcrossSites = (artifact: Artifact) => readAcrossSites.some((pattern) => matchesPattern(pattern, artifact.path));
    for (const model of models) {
      await step(model, () => {
        const artifacts = generateArtifactsFor(model, (descriptor) => rules.some((rule) => readsDescriptor(rule, descriptor)));
        const found = lintSite(model, artifacts, rules, deployed);
        diagnostics.push(...found);
        if (models.length > 1) sites.push({ model, artifacts: artifacts.filter(keptAcrossSites) });
        return `${found.length} finding(s)`;
      });
    }
    diagnostics.push(...lintAcrossSites(sites));
    // --quiet hides what does not fail the run, as ESLint's does; the summary below still counts everything.
    const shown = level === 'quiet' ? diagnostics.filter((diagnostic) => diagnostic.severity === 'error') : diagnostics;
    const formatted = {
      text: () => formatText(shown, { colour: io.colour }),
      json: () => formatJson(shown).trimEnd(),
      sarif: () => formatSarif(shown, rules, 'https://github.com/clusterspec/clusterspec').trimEnd(),
      github: () => formatGithub(shown).trimEnd(),
    }[format as (typeof FORMATS)[number]]();
    // Quiet text with nothing to show prints nothing: "no problems" would be untrue with warnings hidden.
    const silent = level === 'quiet' && format === 'text' && shown.length === 0;
    if (formatted && !silent) io.out(formatted);
    const { errors, warnings } = summarise(diagnostics);
    if (errors > 0) return EXIT_FINDINGS;
    if (maxWarnings >= 0 && warnings > maxWarnings) {
      io.err(`clusterspec lint: ${warnings} warnings, more than --max-warnings ${maxWarnings}`);
      return EXIT_FINDINGS;
    }
    return EXIT_OK;
  },
};
