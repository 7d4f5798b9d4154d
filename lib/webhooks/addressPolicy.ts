import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Which addresses a webhook may be sent to. A tenant names the URL, so without this the service
 * would POST wherever a tenant points it: the instance-metadata service, the VPC, the machine
 * itself (server-side request forgery). Deployed stages send only to public unicast addresses;
 * the local stage also to loopback, where the tests' and `npm start`'s receivers listen.
 */
export type AddressRules = 'deployed' | 'local';

/** Loopback: allowed on the local stage only. */
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * Never a webhook target: private, shared, link-local (metadata), reserved, documentation,
 * multicast. Two lists: a BlockList checks IPv4 addresses against IPv6 rules as IPv4-mapped
 * addresses, so the mapped range in one list would refuse every IPv4 address.
 */
const NEVER_V4 = new BlockList();
const NEVER_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  NEVER_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  // IPv4-mapped, IPv4-compatible and NAT64 forms reach IPv4 addresses: judged by the IPv4 part below.
  ['::ffff:0:0', 96],
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 23],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  NEVER_V6.addSubnet(network, prefix, 'ipv6');
}

/** The IPv4 address an IPv6 address embeds (mapped, compatible or NAT64), if it embeds one. */
const embeddedIpv4 = (address: string): string | undefined => {
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (dotted) return dotted;
  const hex = /^(?:::ffff:|::|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return undefined;
  const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
};

/** Why an address may not be sent to, or undefined when it may. */
export const refusedAddress = (address: string, rules: AddressRules): string | undefined => {
  const family = isIP(address);
  if (family === 0) return `${address} is not an IP address`;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (rules === 'local' && LOOPBACK.check(address, type)) return undefined;
  if (type === 'ipv6') {
    const inner = embeddedIpv4(address);
    if (inner) return refusedAddress(inner, rules) && `${address} reaches ${inner}, a non-public address`;
  }
  if (LOOPBACK.check(address, type) || (type === 'ipv4' ? NEVER_V4 : NEVER_V6).check(address, type)) return `${address} is not a public address`;
  return undefined;
};

export class AddressRefused extends Error {
  override readonly name = 'AddressRefused';
  readonly code = 'ADDRESS_REFUSED';
}

/**
 * A `lookup` for http.request that resolves as usual and then drops every address the rules
 * refuse, failing when none is left. The connection is made to an address checked here, so a name
 * that resolves to a public address at registration and to a private one later (DNS rebinding)
 * is refused at delivery.
 */
export const guardedLookup = (rules: AddressRules): LookupFunction =>
  ((hostname: string, options: { all?: boolean; family?: number }, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      const allowed = addresses.filter(({ address }) => refusedAddress(address, rules) === undefined);
      if (allowed.length === 0) {
        const reasons = addresses.map(({ address }) => refusedAddress(address, rules)).join('; ');
        return callback(new AddressRefused(`${hostname} resolves to no public address (${reasons || 'none'})`));
      }
      if (options.all) return callback(null, allowed);
      callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  }) as LookupFunction;

/** Every address `hostname` resolves to must be allowed (registration: refuse what delivery would). */
export const checkResolvedHost = async (hostname: string, rules: AddressRules): Promise<void> => {
  const literal = hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(literal)) {
    const refused = refusedAddress(literal, rules);
    if (refused) throw new AddressRefused(refused);
    return;
  }
  const addresses = await new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(literal, { all: true }, (error, found) => (error ? reject(error) : resolve(found))),
  );
  const refused = addresses.map(({ address }) => refusedAddress(address, rules)).filter(Boolean);
  if (refused.length > 0) throw new AddressRefused(`${hostname}: ${refused.join('; ')}`);
};
