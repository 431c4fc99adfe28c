import type { ArtifactDescriptor } from '@clusterspec/spec';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/**
 * The artifact table of docs/artifacts.md, from the generators' descriptors (one row each, in generate's
 * order): scripts/artifact-table.js writes it between the markers, tests/operator/artifacts.test.ts
 * fails when the committed copy is stale.
 */
export function artifactTable(descriptors: readonly ArtifactDescriptor<unknown>[]): string {
  const rows = descriptors.map((descriptor) => {
    const secrets = descriptor.secretKeys.length > 0 ? descriptor.secretKeys.map((key) => `\`${key}\``).join(', ') : '';
    return `| \`${cell(descriptor.pattern)}\` | ${cell(descriptor.where)} | ${cell(descriptor.description)} | ${cell(descriptor.consumer)} | ${secrets} | \`${descriptor.id}\` |`;
  });
  return [
    '| file (under `out/<cluster>/`) | on | what | read by | secret keys (in its data) | descriptor |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export const ARTIFACT_TABLE_BEGIN = "<!-- artifact-table:begin (generated from the generators' descriptors by `npm run docs`; do not edit) -->";
export const ARTIFACT_TABLE_END = '<!-- artifact-table:end -->';

/** A page (docs/artifacts.md) with its artifact table replaced by the one the descriptors make. */
export function withArtifactTable(page: string, descriptors: readonly ArtifactDescriptor<unknown>[]): string {
  const begin = page.indexOf(ARTIFACT_TABLE_BEGIN);
  const end = page.indexOf(ARTIFACT_TABLE_END);
  if (begin < 0 || end < begin) throw new Error('the page has no artifact-table markers');
  return `${page.slice(0, begin + ARTIFACT_TABLE_BEGIN.length)}\n${artifactTable(descriptors)}\n${page.slice(end)}`;
}
