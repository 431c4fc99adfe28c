import { imagesReport, type ImagesReport } from '@clusterspec/analysis';
import { EXIT_OK, UsageError, type Command } from '../command';
import { generateArtifacts } from '@clusterspec/generators';
import { loadAll } from '../load';

const FORMATS = ['text', 'json'] as const;

const ORIGIN_TEXT = { kubeadm: 'kubeadm', generated: 'generated', 'harbor-installer': "Harbor's offline installer" } as const;

function renderText(report: ImagesReport): string {
  const lines = [`${report.cluster}: ${report.images.length} images${report.registry ? `, pulled from ${report.registry}` : ''}`, ''];
  for (const image of report.images) {
    const moved = image.destination === image.source ? '' : `\n    → ${image.destination}`;
    lines.push(`  ${image.source}${moved}\n    ${ORIGIN_TEXT[image.origin]}; ${image.hosts.join(', ')}`);
  }
  lines.push('', 'Per host:');
  for (const entry of report.hosts) lines.push(`  ${entry.host} (${entry.images.length}): ${entry.images.join(' ')}`);
  lines.push('');
  if (report.copy.length > 0) {
    lines.push("Fill the site's registry before the first kubeadm init (skopeo login to it first):", ...report.copy);
  } else {
    lines.push('Nothing to copy: spec.images names no registry or mirror, so every host pulls from the public registries.');
  }
  return lines.join('\n');
}

export const images: Command = {
  name: 'images',
  usage: `Usage: clusterspec images <spec...> [--format text|json]

Lists every image each site pulls, per image and per host: kubeadm's for the Kubernetes release
(control plane, kube-proxy, etcd, pause, CoreDNS), the static pods (kube-vip, the per-node nginx),
registrator and Harbor's own (which its offline installer brings). Each shows its public source and the
name the hosts pull it by (spec.images), and every moved image gets a \`skopeo copy\` line that fills the
site's registry (docs/images.md). Writes nothing. A spec of - is read from standard input.`,
  readOnly: true,
  options: { format: { type: 'string', default: 'text' } },
  run(positionals, values, io) {
    const format = String(values.format);
    if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format takes ${FORMATS.join(', ')}`);
    const reports = loadAll(positionals).map((model) => imagesReport(model, generateArtifacts(model)));
    if (format === 'json') io.out(JSON.stringify(reports.length === 1 ? reports[0] : reports, null, 2));
    else io.out(reports.map(renderText).join('\n\n'));
    return EXIT_OK;
  },
};
