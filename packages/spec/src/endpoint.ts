import { looksLikeIpv4, parseIpv4 } from './net';

/** A host and port to dial, parsed once from the spec (host:port, or the authority of a URL). */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
  /** True when host is an IPv4 address rather than a DNS name. */
  readonly hostIsAddress: boolean;
}

/** scheme://host[:port], as written (no URL normalisation), with the port defaulted from the scheme when left out. */
export interface ServerURL extends Endpoint {
  readonly scheme: string;
  /** The URL exactly as the spec wrote it. */
  readonly text: string;
}

/** A parsed value, or why the text is unusable (a sentence fragment after the field name). */
export type Parsed<T> = { readonly value: T } | { readonly problem: string };

/** An RFC 1123 label, as the schema's dnsLabel (a cluster name, one part of a DNS name). */
export const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Why a host part (of a URL or host:port) is unusable: it must be a dotted-quad IPv4 address or a DNS
 * name of non-empty labels. Checked here rather than left to URL parsing, which throws on some inputs
 * and silently rewrites others (http://0x1 becomes 0.0.0.1, http://1.2.3 becomes 1.2.0.3).
 */
export function hostProblem(host: string): string | undefined {
  if (looksLikeIpv4(host)) return parseIpv4(host) === undefined ? `"${host}" is not a valid IPv4 address` : undefined;
  if (host.length > 253 || !host.split('.').every((part) => DNS_LABEL.test(part))) return `"${host}" is not a valid DNS name`;
  return undefined;
}

/** Why a port is unusable, if it is. */
export function portProblem(port: number): string | undefined {
  return Number.isInteger(port) && port >= 1 && port <= 65535 ? undefined : `port ${port} is out of range`;
}

/** The one host:port parser: the port after the last colon, both parts checked. */
export function parseHostPort(text: string): Parsed<Endpoint> {
  const separator = text.lastIndexOf(':');
  if (separator < 0 || !/^[0-9]+$/.test(text.slice(separator + 1))) return { problem: 'is not host:port' };
  const host = text.slice(0, separator);
  const port = Number(text.slice(separator + 1));
  const problem = hostProblem(host) ?? portProblem(port);
  return problem ? { problem } : { value: { host, port, hostIsAddress: looksLikeIpv4(host) } };
}

/** The port a scheme implies when a URL names none. */
const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443 };

/**
 * scheme://host[:port] with no path, its scheme among `schemes`; the port may be left out only where the
 * scheme implies one and `portRequired` is false.
 */
export function parseServerURL(text: string, schemes: readonly string[], portRequired: boolean): Parsed<ServerURL> {
  const schemeText = schemes.length === 2 && schemes.includes('http') && schemes.includes('https') ? 'http(s)' : schemes.join('|');
  const shape = `${schemeText}://host${portRequired ? ':port' : '[:port]'}`;
  const match = /^([a-z]+):\/\/([^/]*)$/.exec(text);
  if (!match || !schemes.includes(match[1])) return { problem: `is not ${shape}` };
  const [, scheme, authority] = match;
  const defaultPort = DEFAULT_PORTS[scheme];
  if (!authority.includes(':') && !portRequired && defaultPort !== undefined) {
    const problem = hostProblem(authority);
    return problem ? { problem } : { value: { scheme, host: authority, port: defaultPort, hostIsAddress: looksLikeIpv4(authority), text } };
  }
  const endpoint = parseHostPort(authority);
  if ('problem' in endpoint) return endpoint.problem === 'is not host:port' ? { problem: `is not ${shape}` } : endpoint;
  return { value: { scheme, ...endpoint.value, text } };
}
