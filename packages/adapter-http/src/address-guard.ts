import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { NotifyError, type WebhookUrlGuard } from '@notify/email-core';

type Family = 'ipv4' | 'ipv6';

/** Ordered: the first list an address is in names the reason, so the narrow ranges come first. */
function lists(family: Family, ranges: [reason: string, subnets: string[]][]): [string, BlockList][] {
  return ranges.map(([reason, subnets]) => {
    const list = new BlockList();
    for (const subnet of subnets) {
      const [network = '', prefix] = subnet.split('/');
      list.addSubnet(network, Number(prefix), family);
    }
    return [reason, list];
  });
}

const IPV4 = lists('ipv4', [
  ['unspecified', ['0.0.0.0/8']],
  ['loopback', ['127.0.0.0/8']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']],
  ['carrier-grade NAT', ['100.64.0.0/10']],
  // AWS, GCP, Azure and most others answer instance credentials here.
  ['cloud metadata', ['169.254.169.254/32']],
  ['link-local', ['169.254.0.0/16']],
  ['documentation', ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24']],
  ['multicast', ['224.0.0.0/4']],
  ['broadcast', ['255.255.255.255/32']],
  ['reserved', ['192.0.0.0/24', '198.18.0.0/15', '240.0.0.0/4']],
]);

const IPV6 = lists('ipv6', [
  ['unspecified', ['::/128']],
  ['loopback', ['::1/128']],
  // AWS's IPv6 metadata endpoint, inside the unique-local range.
  ['cloud metadata', ['fd00:ec2::254/128']],
  ['unique local', ['fc00::/7']],
  ['link-local', ['fe80::/10']],
  ['multicast', ['ff00::/8']],
  ['documentation', ['2001:db8::/32']],
]);

/**
 * IPv6 ranges whose last 32 bits are an IPv4 address the packet really goes to: the stack (mapped)
 * or a NAT64 gateway translates them, so `::ffff:127.0.0.1` is loopback and must be judged as such.
 */
const EMBEDDING = lists('ipv6', [
  ['IPv4-mapped', ['::ffff:0:0/96']],
  ['NAT64', ['64:ff9b::/96']],
]);

/** The eight 16-bit groups of a valid IPv6 address, `::` expanded and a dotted tail converted. */
function groupsOf(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a = 0, b = 0, c = 0, d = 0] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array<string>(zeros).fill('0'), ...right].map((group) => Number.parseInt(group, 16));
}

function firstMatch(table: [string, BlockList][], address: string, family: Family): string | null {
  for (const [reason, list] of table) if (list.check(address, family)) return reason;
  return null;
}

/**
 * Why a webhook may not be sent to this IP address (loopback, private, cloud metadata, ...), or
 * null when it is a public address. Not an IP address at all is refused too: there is nothing to
 * judge, and a guard must not let through what it cannot read.
 */
export function forbiddenAddressReason(address: string): string | null {
  // A zone (fe80::1%eth0) says which interface, not where: the address alone decides.
  const bare = address.split('%')[0] ?? '';
  const version = isIP(bare);
  if (version === 4) return firstMatch(IPV4, bare, 'ipv4');
  if (version !== 6) return 'not an IP address';
  const embedding = firstMatch(EMBEDDING, bare, 'ipv6');
  if (embedding !== null) {
    const [, , , , , , high = 0, low = 0] = groupsOf(bare);
    const ipv4 = `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
    const reason = firstMatch(IPV4, ipv4, 'ipv4');
    return reason === null ? null : `${embedding} ${reason}`;
  }
  return firstMatch(IPV6, bare, 'ipv6');
}

export interface WebhookUrlOptions {
  /** `WEBHOOK_ALLOW_PRIVATE_NETWORKS`: skip the address check (a receiver on the same network). */
  allowPrivateNetworks: boolean;
  /** Every address a host name resolves to. Default: the system resolver (`dns.lookup`, all of them). */
  lookup?: (host: string) => Promise<string[]>;
}

export async function systemLookup(host: string): Promise<string[]> {
  const answers = await dns.lookup(host, { all: true, verbatim: true });
  return answers.map((answer) => answer.address);
}

function invalidUrl(message: string, cause?: unknown): NotifyError {
  return new NotifyError('VALIDATION_FAILED', `webhook URL ${message}`, {
    cause,
    details: [{ path: 'url', message }],
  });
}

/** A name that does not exist, as opposed to a resolver that could not answer. */
const NO_SUCH_NAME = new Set(['ENOTFOUND', 'ENODATA', 'EAI_NONAME', 'EAI_NODATA']);

async function resolve(host: string, lookup: (host: string) => Promise<string[]>): Promise<string[]> {
  let addresses: string[];
  try {
    addresses = await lookup(host);
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === 'string' && NO_SUCH_NAME.has(code)) {
      throw invalidUrl(`host '${host}' does not resolve`, error);
    }
    // EAI_AGAIN, a timeout, a resolver down: the URL may be fine, so the caller may try again.
    throw new NotifyError('UNAVAILABLE', `could not resolve webhook URL host '${host}': ${String(error)}`, {
      cause: error,
    });
  }
  if (addresses.length === 0) throw invalidUrl(`host '${host}' does not resolve`);
  return addresses;
}

/**
 * The SSRF guard for webhook URLs: refuses what is not http(s), carries credentials, or points
 * (directly or through DNS) at this machine, the private network or a cloud metadata endpoint.
 * Every address of a name is checked: a name answering one public and one private address would
 * otherwise reach the private one whenever the client picks it. DNS can change after the URL was
 * accepted, so call this again before each send.
 */
export async function assertWebhookUrlAllowed(raw: string, options: WebhookUrlOptions): Promise<URL> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (error) {
    throw invalidUrl('must be an absolute http or https URL', error);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidUrl(`must be an http or https URL, got ${url.protocol}`);
  }
  // Credentials would be stored and logged with the URL; a receiver wanting auth checks the signature.
  if (url.username !== '' || url.password !== '') throw invalidUrl('must not contain credentials');
  if (options.allowPrivateNetworks) return url;

  // The URL parser already turned 0x7f.1, 2130706433 and the like into dotted IPv4.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const name = host.replace(/\.$/, '');
  let addresses: string[];
  if (isIP(host) !== 0) addresses = [host];
  else if (name === 'localhost' || name.endsWith('.localhost')) addresses = ['127.0.0.1'];
  else addresses = await resolve(host, options.lookup ?? systemLookup);

  assertAddressesAllowed(host, addresses);
  return url;
}

/**
 * WEBHOOK_URL_FORBIDDEN unless every one of `addresses` (what `host` is or resolves to) is
 * allowed: also what the sender asks of the addresses it is about to connect to.
 */
export function assertAddressesAllowed(host: string, addresses: readonly string[]): void {
  for (const address of addresses) {
    const reason = forbiddenAddressReason(address);
    if (reason === null) continue;
    const target = address === host ? 'is a forbidden address' : `resolves to ${address}`;
    const message = `webhook URL host '${host}' ${target} (${reason}); set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow private networks`;
    throw new NotifyError('WEBHOOK_URL_FORBIDDEN', message, { details: [{ path: 'url', message }] });
  }
}

/** The guard as the core's WebhookUrlGuard port: what the engine asks before storing a URL. */
export function createWebhookUrlGuard(options: WebhookUrlOptions): WebhookUrlGuard {
  return {
    async check(url: string): Promise<void> {
      await assertWebhookUrlAllowed(url, options);
    },
  };
}
