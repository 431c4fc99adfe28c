import { parseIpv4 } from '@clusterspec/spec';

/** Ranges no host can be reached at, first octet from and to (RFC 6890's special-purpose registry). */
const UNUSABLE: readonly { readonly from: number; readonly to: number; readonly what: string }[] = [
  { from: 0, to: 0, what: 'in 0.0.0.0/8, "this host on this network" (RFC 1122), never a destination' },
  { from: 127, to: 127, what: 'a loopback address (127.0.0.0/8)' },
  { from: 224, to: 239, what: 'a multicast address (224.0.0.0/4)' },
  { from: 240, to: 255, what: 'in 240.0.0.0/4, reserved (255.255.255.255 is broadcast)' },
];

/** Why no other machine can reach an IPv4 address, e.g. "a loopback address (127.0.0.0/8)"; undefined when it can (or for a name). */
export function unusableAddress(address: string): { readonly what: string; readonly loopback: boolean } | undefined {
  const value = parseIpv4(address);
  if (value === undefined) return undefined;
  const first = Math.floor(value / 2 ** 24);
  const range = UNUSABLE.find((candidate) => first >= candidate.from && first <= candidate.to);
  return range ? { what: range.what, loopback: first === 127 } : undefined;
}
