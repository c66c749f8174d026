import { promises as dns } from 'node:dns';
import { readFileSync } from 'node:fs';
import { NotifyError } from '@notify/email-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertWebhookUrlAllowed, forbiddenAddressReason } from '../src/index.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('forbiddenAddressReason', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['100.127.255.254', 'carrier-grade NAT'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.1.1', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.0.2.1', 'documentation'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['198.19.255.255', 'reserved'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fc00::1', 'unique local'],
    ['fd12:3456::1', 'unique local'],
    ['fd00:ec2::254', 'cloud metadata'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf::1', 'link-local'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'documentation'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['::ffff:a9fe:a9fe', 'IPv4-mapped cloud metadata'],
    ['0:0:0:0:0:ffff:10.0.0.1', 'IPv4-mapped private'],
    ['64:ff9b::10.0.0.1', 'NAT64 private'],
    ['64:ff9b::7f00:1', 'NAT64 loopback'],
    ['not-an-address', 'not an IP address'],
  ])('refuses %s (%s)', (address, reason) => {
    expect(forbiddenAddressReason(address)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '1.1.1.1',
    '100.63.255.255',
    '100.128.0.0',
    '172.15.255.255',
    '172.32.0.0',
    '169.253.255.255',
    '223.255.255.255',
    '2606:4700:4700::1111',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '::ffff:5db8:d822',
    '64:ff9b::8.8.8.8',
  ])('allows the public address %s', (address) => {
    expect(forbiddenAddressReason(address)).toBeNull();
  });
});

function lookupReturning(table: Record<string, string[]>) {
  return vi.fn(async (host: string) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses;
  });
}

const lookup = lookupReturning({
  'internal.example.com': ['10.1.2.3'],
  'split.example.com': ['93.184.216.34', '127.0.0.1'],
  'mapped.example.com': ['::ffff:169.254.169.254'],
  'public.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
});

async function refusal(raw: string, options: Parameters<typeof assertWebhookUrlAllowed>[1]) {
  const error = await assertWebhookUrlAllowed(raw, options).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!NotifyError.is(error)) throw new Error(`expected a NotifyError for ${raw}, got ${String(error)}`);
  return error;
}

describe('assertWebhookUrlAllowed', () => {
  it.each([
    ['http://127.0.0.1', 'loopback'],
    ['http://10.0.0.1/hook', 'private'],
    ['http://169.254.169.254/latest/meta-data', 'cloud metadata'],
    ['http://[::1]:8080/', 'loopback'],
    ['http://[::ffff:127.0.0.1]/', 'IPv4-mapped loopback'],
    ['http://[fd00:ec2::254]/', 'cloud metadata'],
    // The URL parser reads these as 127.0.0.1; the guard must judge what will be dialled.
    ['http://2130706433/', 'loopback'],
    ['http://0x7f.1/', 'loopback'],
    ['http://127.0.0.1./', 'loopback'],
    ['https://localhost/', 'loopback'],
    ['https://LOCALHOST./', 'loopback'],
    ['http://api.localhost:3000/', 'loopback'],
    ['https://internal.example.com/hook', 'private'],
    ['https://split.example.com/hook', 'loopback'],
    ['https://mapped.example.com/hook', 'IPv4-mapped cloud metadata'],
  ])('refuses %s (%s) with WEBHOOK_URL_FORBIDDEN at url', async (raw, reason) => {
    const error = await refusal(raw, { allowPrivateNetworks: false, lookup });
    expect(error.code).toBe('WEBHOOK_URL_FORBIDDEN');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(`(${reason})`);
    expect(error.message).toContain('WEBHOOK_ALLOW_PRIVATE_NETWORKS=true');
    expect(error.details).toEqual([{ path: 'url', message: error.message }]);
  });

  it('names the host and the address it resolves to', async () => {
    const error = await refusal('https://internal.example.com/hook', { allowPrivateNetworks: false, lookup });
    expect(error.message).toBe(
      "webhook URL host 'internal.example.com' resolves to 10.1.2.3 (private); set WEBHOOK_ALLOW_PRIVATE_NETWORKS=true to allow private networks",
    );
  });

  it('asks DNS neither for IP literals nor for localhost names', async () => {
    const spy = lookupReturning({});
    for (const raw of ['http://127.0.0.1/', 'http://[::1]/', 'http://localhost/', 'http://a.localhost/']) {
      await refusal(raw, { allowPrivateNetworks: false, lookup: spy });
    }
    expect(spy).not.toHaveBeenCalled();
  });

  it('accepts a public host and returns the parsed URL', async () => {
    const url = await assertWebhookUrlAllowed('https://public.example.com/hooks?x=1', {
      allowPrivateNetworks: false,
      lookup,
    });
    expect(url).toBeInstanceOf(URL);
    expect(url.href).toBe('https://public.example.com/hooks?x=1');
    await expect(
      assertWebhookUrlAllowed('http://93.184.216.34:8080/', { allowPrivateNetworks: false, lookup }),
    ).resolves.toBeInstanceOf(URL);
    await expect(
      assertWebhookUrlAllowed('http://[2606:4700:4700::1111]/', { allowPrivateNetworks: false, lookup }),
    ).resolves.toBeInstanceOf(URL);
  });

  it.each([
    'http://127.0.0.1',
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]:8080/',
    'https://localhost/',
    'https://internal.example.com/hook',
    'https://split.example.com/hook',
  ])('allows %s with allowPrivateNetworks, without asking DNS', async (raw) => {
    const spy = lookupReturning({});
    const url = await assertWebhookUrlAllowed(raw, { allowPrivateNetworks: true, lookup: spy });
    expect(url.href).toBe(new URL(raw).href);
    expect(spy).not.toHaveBeenCalled();
  });

  it.each([
    ['ftp://example.com', 'http or https'],
    ['not a url', 'absolute http or https URL'],
    ['file:///etc/passwd', 'http or https'],
    ['javascript:alert(1)', 'http or https'],
    ['http://user:pw@example.com', 'credentials'],
    ['http://user@example.com', 'credentials'],
  ])('refuses %s with VALIDATION_FAILED at url, even with allowPrivateNetworks', async (raw, problem) => {
    for (const allowPrivateNetworks of [false, true]) {
      const error = await refusal(raw, { allowPrivateNetworks, lookup });
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.details).toHaveLength(1);
      expect(error.details?.[0]?.path).toBe('url');
      expect(error.details?.[0]?.message).toContain(problem);
    }
  });

  it('does not repeat the credentials in the message', async () => {
    const error = await refusal('http://user:s3cret@example.com', { allowPrivateNetworks: false, lookup });
    expect(error.message).not.toContain('s3cret');
  });

  it('refuses a host that does not resolve with VALIDATION_FAILED at url', async () => {
    const error = await refusal('https://nowhere.example.com/', { allowPrivateNetworks: false, lookup });
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual([{ path: 'url', message: "host 'nowhere.example.com' does not resolve" }]);
    const empty = await refusal('https://empty.example.com/', {
      allowPrivateNetworks: false,
      lookup: async () => [],
    });
    expect(empty.code).toBe('VALIDATION_FAILED');
  });

  it('answers a DNS failure with UNAVAILABLE, which may be retried', async () => {
    const failing = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN hooks.example.com'), { code: 'EAI_AGAIN' });
    };
    const error = await refusal('https://hooks.example.com/', {
      allowPrivateNetworks: false,
      lookup: failing,
    });
    expect(error.code).toBe('UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('hooks.example.com');
    const timeout = await refusal('https://hooks.example.com/', {
      allowPrivateNetworks: false,
      lookup: () => Promise.reject(new DOMException('The operation timed out', 'TimeoutError')),
    });
    expect(timeout.code).toBe('UNAVAILABLE');
  });

  it('by default asks the system resolver for every address, in its order', async () => {
    const system = vi.spyOn(dns, 'lookup').mockResolvedValue([
      { address: '93.184.216.34', family: 4 },
      { address: 'fe80::1', family: 6 },
    ] as never);
    const error = await refusal('https://dual.example.com/', { allowPrivateNetworks: false });
    expect(system).toHaveBeenCalledWith('dual.example.com', { all: true, verbatim: true });
    expect(error.code).toBe('WEBHOOK_URL_FORBIDDEN');
    expect(error.message).toContain('resolves to fe80::1 (link-local)');
  });

  // A name other than localhost (which is refused before DNS) that /etc/hosts maps to loopback:
  // the real resolver, without network. Skipped on a machine whose hosts file has none.
  const loopbackName = hostsFileLoopbackName();
  it.skipIf(loopbackName === undefined)(
    `with the system resolver, refuses a name /etc/hosts maps to loopback (${loopbackName})`,
    async () => {
      const error = await refusal(`http://${loopbackName}:8080/hook`, { allowPrivateNetworks: false });
      expect(error.code).toBe('WEBHOOK_URL_FORBIDDEN');
      expect(error.message).toMatch(/resolves to \S+ \((IPv4-mapped )?loopback\)/);
    },
  );
});

function hostsFileLoopbackName(): string | undefined {
  let text: string;
  try {
    text = readFileSync('/etc/hosts', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (address === undefined || !/^127\./.test(address)) continue;
    const name = names.find((n) => /^[a-z0-9-]+(\.[a-z0-9-]+)*$/i.test(n) && !/(^|\.)localhost$/i.test(n));
    if (name !== undefined) return name;
  }
  return undefined;
}
