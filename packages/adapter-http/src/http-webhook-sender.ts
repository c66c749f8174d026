import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import {
  NotifyError,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookSender,
} from '@notify/email-core';
import {
  assertAddressesAllowed,
  assertWebhookUrlAllowed,
  systemLookup,
  type WebhookUrlOptions,
} from './address-guard.js';

/**
 * The socket's own name resolution, checked: the connection goes to an address the guard has
 * just allowed, never to one a second DNS answer gave after the check (DNS rebinding).
 */
function guardedLookup(options: WebhookUrlOptions): LookupFunction {
  const resolveAll = options.lookup ?? systemLookup;
  return (hostname, lookupOptions, callback) => {
    resolveAll(hostname).then(
      (addresses) => {
        try {
          if (addresses.length === 0) throw new Error(`host '${hostname}' does not resolve`);
          if (!options.allowPrivateNetworks) assertAddressesAllowed(hostname, addresses);
        } catch (error) {
          callback(error as NodeJS.ErrnoException, '', 4);
          return;
        }
        const entries = addresses.map((address) => ({ address, family: isIP(address) }));
        if (lookupOptions.all) callback(null, entries);
        else callback(null, entries[0]?.address ?? '', entries[0]?.family ?? 4);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}

/**
 * WebhookSender over node:http(s): the SSRF guard before each send and again at the socket's
 * lookup, no redirect followed (a 3xx is an answer like any other, and not a success), the
 * whole exchange bounded by the timeout, and the answer's body discarded.
 */
export class HttpWebhookSender implements WebhookSender {
  readonly #options: WebhookUrlOptions;
  readonly #lookup: LookupFunction;
  readonly #trustedLookup: LookupFunction;

  constructor(options: WebhookUrlOptions) {
    this.#options = options;
    this.#lookup = guardedLookup(options);
    this.#trustedLookup = guardedLookup({ ...options, allowPrivateNetworks: true });
  }

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    const rules = request.trusted === true ? { ...this.#options, allowPrivateNetworks: true } : this.#options;
    const url = await assertWebhookUrlAllowed(request.url, rules);
    const client = url.protocol === 'https:' ? https : http;
    return new Promise<WebhookResponse>((resolve, reject) => {
      const signal = AbortSignal.timeout(request.timeoutMs);
      const outgoing = client.request(
        url,
        {
          method: 'POST',
          headers: { ...request.headers, 'content-length': String(Buffer.byteLength(request.body)) },
          lookup: request.trusted === true ? this.#trustedLookup : this.#lookup,
          signal,
        },
        (response) => {
          // The body is not read; the timeout may still cut it off, which is no one's concern.
          response.on('error', () => {});
          response.resume();
          resolve({ status: response.statusCode ?? 0 });
        },
      );
      outgoing.on('error', (error: NodeJS.ErrnoException) => {
        if (NotifyError.is(error)) reject(error);
        else if (signal.aborted) {
          reject(new NotifyError('UNAVAILABLE', `timed out after ${request.timeoutMs} ms`, { cause: error }));
        } else {
          const code = error.code ? `${error.code}: ` : '';
          reject(new NotifyError('UNAVAILABLE', `${code}${error.message}`, { cause: error }));
        }
      });
      outgoing.end(request.body);
    });
  }
}

export function createHttpWebhookSender(options: WebhookUrlOptions): HttpWebhookSender {
  return new HttpWebhookSender(options);
}
