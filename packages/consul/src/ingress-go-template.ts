/**
 * The ingress nginx.conf as a consul-template template (Go text/template): the same description as the
 * preview (ingress-nginx.ts), with the catalog's services and instances read at run time by `services` and
 * `service` and the discovery rules written as regexMatch actions, so both give the same lines.
 */
import {
  DNS_LABEL_PATTERN,
  DNS_NAME_PATTERN,
  FALLBACK_SERVER,
  INSTANCE_NAME_LENGTH_PATTERN,
  INSTANCE_PORT_PATTERN,
  IPV4_PATTERN,
  IPV6_PATTERN,
  notTaggedSo,
  PORT_SUFFIX_PATTERN,
  portRangePattern,
  reservedFor,
  serverLine,
  type IngressRenderer,
} from './ingress-nginx';

/** A pattern as a Go string literal in an action, written as is: `"` and `\\` would end or change the literal, `}}` the action. */
function quoteless(pattern: string): string {
  if (pattern.includes('}}') || pattern.includes('"') || pattern.includes('\\')) throw new Error(`pattern ${pattern} cannot be written into a template action`);
  return `"${pattern}"`;
}

/** Go template text: `{{` in static text is escaped, instances and services come from the catalog at run time. */
export const templateRenderer: IngressRenderer = {
  servers: (service, parameters) => goServers(`"${service}"`, parameters),
  literal: (text) => text.split('{{').join('{{"{{"}}'),
  discover: (tag, rules, block) => {
    const published = block({ name: '{{ .Name }}', port: '{{ $port }}', servers: (parameters) => goServers(`(print "${tag}." .Name)`, parameters) });
    // A declared service's name under a tag it is not declared with (a list only when there are any).
    const otherTag = rules.declared.filter((declared) => !declared.tags.includes(tag)).map((declared) => declared.name);
    const notDeclaredSo = otherTag.length === 0 ? [] : [`{{- else if in (split "," "${otherTag.join(',')}") .Name }}`, `# ${notTaggedSo(tag, '{{ .Name }}')}`];
    // One branch per declared tcp port: a literal comparison, so the owner needs no lookup.
    const reserved = rules.declaredTcpPorts.flatMap((declared) => [
      `{{- else if and (eq $port "${declared.port}") (ne .Name "${declared.name}") }}`,
      `# ${reservedFor('{{ .Name }}', String(declared.port), declared.name)}`,
    ]);
    const lines =
      tag === 'http'
        ? [
            `{{- range services }}{{- if in .Tags "http" }}`,
            `{{- if not (regexMatch ${quoteless(DNS_LABEL_PATTERN)} .Name) }}`,
            `# skipped http service {{ printf "%+q" .Name }}: its name is not a DNS label`,
            ...notDeclaredSo,
            '{{- else }}',
            '',
            published,
            '{{- end }}',
            '{{- end }}{{- end }}',
          ]
        : [
            `{{- range services }}{{- if in .Tags "tcp" }}`,
            '{{- $port := regexReplaceAll "^.*-" "" .Name }}',
            `{{- if not (regexMatch ${quoteless(DNS_LABEL_PATTERN)} .Name) }}`,
            `# skipped tcp service {{ printf "%+q" .Name }}: its name is not a DNS label`,
            `{{- else if not (regexMatch ${quoteless(PORT_SUFFIX_PATTERN)} .Name) }}`,
            '# skipped tcp service {{ .Name }}: its name does not end in -<port>',
            `{{- else if not (regexMatch ${quoteless(`-(${portRangePattern(rules.tcpPorts.from, rules.tcpPorts.to)})$`)} .Name) }}`,
            `# skipped tcp service {{ .Name }}: port {{ $port }} is outside ${rules.tcpPorts.from}-${rules.tcpPorts.to}`,
            `{{- else if in (split "," "${rules.takenPorts.join(',')}") $port }}`,
            '# skipped tcp service {{ .Name }}: port {{ $port }} is used on this host',
            ...notDeclaredSo,
            ...reserved,
            '{{- else if scratch.Key (print "tcp-port-" $port) }}',
            '# skipped tcp service {{ .Name }}: port {{ $port }} is published already, by {{ scratch.Get (print "tcp-port-" $port) }}',
            '{{- else }}',
            '{{- scratch.Set (print "tcp-port-" $port) .Name }}',
            '',
            published,
            '{{- end }}',
            '{{- end }}{{- end }}',
          ];
    // The leading newline ends the header's line; `{{-` trims it, as the preview never writes it.
    return `\n${lines.join('\n')}`;
  },
};

/**
 * The server lines of one upstream: each healthy instance that instanceSkipReason lets through (the
 * same tests as regexMatch actions, the comment's address through printf "%+q" so it stays on its
 * line), then the fallback when none was written (a variable assigned in the range: Go 1.11's `=`).
 */
function goServers(query: string, parameters: string): string {
  const address = '{{ printf "%+q" .Address }}:{{ .Port }}';
  const plainAddress = `(or (regexMatch ${quoteless(IPV4_PATTERN)} .Address) (regexMatch ${quoteless(IPV6_PATTERN)} .Address) (and (regexMatch ${quoteless(DNS_NAME_PATTERN)} .Address) (regexMatch ${quoteless(INSTANCE_NAME_LENGTH_PATTERN)} .Address)))`;
  return [
    '    {{- $written := false }}',
    `    {{- range service ${query} }}`,
    `    {{- if not (regexMatch ${quoteless(INSTANCE_PORT_PATTERN)} (print .Port)) }}`,
    `    # skipped instance ${address}: its port is outside 1-65535`,
    `    {{- else if not ${plainAddress} }}`,
    `    # skipped instance ${address}: its address is not an IPv4 or IPv6 address or a DNS name`,
    '    {{- else }}',
    '    {{- $written = true }}',
    `    ${serverLine('{{ if regexMatch ":" .Address }}[{{ .Address }}]{{ else }}{{ .Address }}{{ end }}', '{{ .Port }}', parameters)}`,
    '    {{- end }}',
    '    {{- end }}',
    '    {{- if not $written }}',
    `    ${FALLBACK_SERVER}`,
    '    {{- end }}',
  ].join('\n');
}
