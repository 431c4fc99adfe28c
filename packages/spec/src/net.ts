/** IPv4 arithmetic for subnets and derived service addresses. */

export interface Ipv4Cidr {
  readonly network: number;
  readonly prefix: number;
  readonly text: string;
}

const OCTET = /^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])$/;

/** Digits and dots only: meant as an IPv4 address rather than a DNS name (valid or not). */
export function looksLikeIpv4(text: string): boolean {
  return /^[0-9.]+$/.test(text);
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((part) => OCTET.test(part))) return undefined;
  return parts.reduce((value, part) => value * 256 + Number(part), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Why a CIDR is unusable, or undefined when it is a proper network address with prefix. */
export function cidrProblem(text: string): string | undefined {
  const match = /^([^/]+)\/([0-9]{1,2})$/.exec(text);
  if (!match) return 'is not an IPv4 CIDR (address/prefix, e.g. 10.96.0.0/12)';
  const address = parseIpv4(match[1]);
  const prefix = Number(match[2]);
  if (address === undefined) return `has "${match[1]}", which is not an IPv4 address`;
  if (prefix > 30) return `has prefix /${prefix}, too small a network (at most /30)`;
  const hostBits = 2 ** (32 - prefix);
  if (address % hostBits !== 0) {
    return `has host bits set; the network address is ${formatIpv4(address - (address % hostBits))}/${prefix}`;
  }
  return undefined;
}

/** Parses a CIDR already accepted by cidrProblem. */
export function parseCidr(text: string): Ipv4Cidr {
  const [address, prefix] = text.split('/');
  return { network: parseIpv4(address) as number, prefix: Number(prefix), text };
}

export function cidrSize(cidr: Ipv4Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

/** The n-th address of a network (n = 1 is the first usable one), as Kubernetes counts service IPs. */
export function nthAddress(cidr: Ipv4Cidr, n: number): string {
  return formatIpv4(cidr.network + n);
}

export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.network < b.network + cidrSize(b) && b.network < a.network + cidrSize(a);
}

export function cidrContains(cidr: Ipv4Cidr, address: number): boolean {
  return address >= cidr.network && address < cidr.network + cidrSize(cidr);
}
