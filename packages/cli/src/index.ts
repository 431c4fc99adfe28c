/**
 * The CLI as a library, for the tests and any program that drives clusterspec in-process. The
 * `clusterspec` binary loads `main` alone (bin/clusterspec.js here, lib/clusterspec.js in the published package,
 * both from the bundle scripts/bundle.js makes of it), so nothing here slows its start. The published package's
 * main export is that bundled main module too, not this file (whose imports it does not ship as packages).
 */
export { EXIT_BAD_INPUT, EXIT_FINDINGS, EXIT_OK, UsageError, type Command, type Io } from './command';
export { answersFrom, promptReader, runInit, runInitRepo, type Ask } from './commands/init';
export { artifactTable, withArtifactTable } from './artifact-table';
export { INIT_DEFAULTS, initData, initYaml, type InitAnswers } from './init-spec';
export { NX_VERSION, repoFiles, type RepoFile, type RepoOptions } from './init-repo';
export { diffLines, unifiedDiff } from './line-diff';
export { loadAll, SITE_CHECKS } from './load';
export { main } from './main';
export { fillSecrets, type SecretProblem, type SecretUse } from './secrets-fill';
export { replacedPlaceholders, strayEntries, type ReplacedPlaceholder, type StrayEntry } from './out-audit';
export { writeArtifacts, writeSites, type SiteWrite } from './atomic-write';
export { compareArtifacts, listFiles, type Drift } from './safe-read';
export { lockPath, recoverTarget } from './site-lock';
export { ARCHIVE_FORMAT, decodeArchive, encodeArchive, type ArchivedFile, type ArchivedSite } from './site-archive';
