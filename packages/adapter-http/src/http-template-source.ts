import {
  type Clock,
  isValidTemplateCode,
  NotifyError,
  systemClock,
  type Template,
  type TemplateSource,
} from '@notify/email-core';
import CircuitBreaker from 'opossum';
import {
  configError,
  describeFetchError,
  headersOption,
  httpUrl,
  integerOption,
  isTimeout,
} from './config-error.js';
import { parseTemplateResponse } from './template-response.js';

/** Larger answers are not templates; refuse them rather than buffer them. */
const MAX_BODY_BYTES = 1024 * 1024;
const C = 'HTTP template source';

export interface HttpTemplateSourceOptions {
  /** Prefix the code is appended to, as the predecessor did: `GET {baseUrl}{code}`. Usually ends in `/`. */
  baseUrl: string;
  /** Milliseconds one request (answer and body) may take. Default 5 000. */
  timeoutMs?: number;
  /** How long a fetched template is served from memory, in ms; 0 turns caching off. Default 60 000. */
  cacheTtlMs?: number;
  /** Most templates kept in memory; the oldest entry makes room. Default 500. */
  cacheMaxEntries?: number;
  /** Extra request headers, e.g. `Authorization`. */
  headers?: Record<string, string>;
  /**
   * Circuit breaker around the service, so an outage fails fast instead of costing every worker a
   * timeout. `false` turns it off. Only transient failures count.
   */
  breaker?:
    | false
    | {
        /** Consecutive transient failures that open the circuit. Default 5. */
        failureThreshold?: number;
        /** Milliseconds the circuit stays open before one trial request. Default 30 000. */
        resetTimeoutMs?: number;
      };
  /** The fetch implementation (an embedder's instrumented or proxied fetch). Default: global fetch. */
  fetch?: typeof fetch;
  /** Time source for cache expiry. Default: system clock. */
  clock?: Clock;
}

interface CacheEntry {
  template: Template;
  expiresAt: number;
}

/** TemplateSource that asks the predecessor's template service over HTTP. */
export class HttpTemplateSource implements TemplateSource {
  readonly #baseUrl: string;
  readonly #timeoutMs: number;
  readonly #cacheTtlMs: number;
  readonly #cacheMaxEntries: number;
  readonly #headers: Record<string, string>;
  readonly #fetch: typeof fetch;
  readonly #clock: Clock;
  readonly #cache = new Map<string, CacheEntry>();
  /** Concurrent gets of one code share a single request. */
  readonly #inFlight = new Map<string, Promise<Template>>();
  readonly #breaker: CircuitBreaker<[string], Template> | undefined;
  readonly #resetTimeoutMs: number;
  #consecutiveFailures = 0;

  constructor(options: HttpTemplateSourceOptions) {
    if (typeof options !== 'object' || options === null) throw configError(C, 'options', 'must be an object');
    httpUrl(C, 'baseUrl', options.baseUrl);
    this.#baseUrl = options.baseUrl;
    this.#timeoutMs = integerOption(C, 'timeoutMs', options.timeoutMs, 5_000);
    this.#cacheTtlMs = integerOption(C, 'cacheTtlMs', options.cacheTtlMs, 60_000, 0);
    this.#cacheMaxEntries = integerOption(C, 'cacheMaxEntries', options.cacheMaxEntries, 500);
    this.#headers = headersOption(C, 'headers', options.headers);
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw configError(C, 'fetch', 'must be a fetch function');
    }
    this.#fetch = options.fetch ?? fetch;
    this.#clock = options.clock ?? systemClock;
    const breaker = options.breaker ?? {};
    if (breaker !== false && (typeof breaker !== 'object' || breaker === null)) {
      throw configError(C, 'breaker', 'must be an object or false');
    }
    this.#resetTimeoutMs = breaker
      ? integerOption(C, 'breaker.resetTimeoutMs', breaker.resetTimeoutMs, 30_000)
      : 0;
    this.#breaker = breaker
      ? this.#createBreaker(integerOption(C, 'breaker.failureThreshold', breaker.failureThreshold, 5))
      : undefined;
  }

  /**
   * opossum opens on an error percentage; like the core's SMTP breaker we want "N consecutive
   * transient failures", so its own threshold is disabled and we open it ourselves. A 404 or a
   * malformed template proves the service is answering, so permanent errors are filtered out.
   */
  #createBreaker(failureThreshold: number): CircuitBreaker<[string], Template> {
    const breaker = new CircuitBreaker((code: string) => this.#request(code), {
      name: 'template-service',
      timeout: false,
      resetTimeout: this.#resetTimeoutMs,
      errorThresholdPercentage: 100,
      enableSnapshots: false,
      errorFilter: (error: unknown) => NotifyError.is(error) && !error.retryable,
    });
    breaker.on('success', () => {
      this.#consecutiveFailures = 0;
    });
    breaker.on('failure', () => {
      this.#consecutiveFailures += 1;
      if (breaker.closed && this.#consecutiveFailures >= failureThreshold) breaker.open();
    });
    breaker.on('close', () => {
      this.#consecutiveFailures = 0;
    });
    return breaker;
  }

  /** Circuit state, for health reporting. */
  get breakerState(): 'closed' | 'open' | 'half-open' | 'disabled' {
    if (!this.#breaker) return 'disabled';
    if (this.#breaker.opened) return 'open';
    if (this.#breaker.halfOpen) return 'half-open';
    return 'closed';
  }

  async get(code: string): Promise<Template> {
    // The API's template_code rule: anything else cannot name a template and never reaches the URL.
    if (!isValidTemplateCode(code)) {
      throw new NotifyError('TEMPLATE_NOT_FOUND', `no template can have the code ${JSON.stringify(code)}`);
    }
    const cached = this.#cache.get(code);
    if (cached && cached.expiresAt > this.#clock.now().getTime()) return structuredClone(cached.template);

    let pending = this.#inFlight.get(code);
    if (!pending) {
      pending = this.#fire(code).finally(() => this.#inFlight.delete(code));
      this.#inFlight.set(code, pending);
    }
    return structuredClone(await pending);
  }

  async #fire(code: string): Promise<Template> {
    const template = this.#breaker ? await this.#throughBreaker(code) : await this.#request(code);
    if (this.#cacheTtlMs > 0) {
      this.#cache.delete(code);
      this.#cache.set(code, { template, expiresAt: this.#clock.now().getTime() + this.#cacheTtlMs });
      // Map keeps insertion order, so the first key is the oldest entry.
      if (this.#cache.size > this.#cacheMaxEntries) this.#cache.delete(this.#cache.keys().next().value!);
    }
    return template;
  }

  async #throughBreaker(code: string): Promise<Template> {
    try {
      return await this.#breaker!.fire(code);
    } catch (error) {
      const breakerCode = (error as { code?: string }).code;
      if (breakerCode === 'ESHUTDOWN') {
        throw new NotifyError('TEMPLATE_SOURCE_UNAVAILABLE', 'template source is closed', { cause: error });
      }
      if (breakerCode === 'EOPENBREAKER') {
        throw new NotifyError(
          'TEMPLATE_SOURCE_UNAVAILABLE',
          'template service circuit is open after repeated failures',
          {
            cause: error,
            retryAfterMs: this.#resetTimeoutMs,
          },
        );
      }
      throw error;
    }
  }

  async #request(code: string): Promise<Template> {
    const url = `${this.#baseUrl}${code}`;
    let response: Response;
    let body: string;
    try {
      response = await this.#fetch(url, {
        headers: { accept: 'application/json', ...this.#headers },
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      body = await readLimited(response);
    } catch (error) {
      // Messages name the template, not the service's URL: a failed notification's `error` reaches
      // clients, and the URL is the operator's (TEMPLATE_SERVICE_URL), found in the configuration.
      if (NotifyError.is(error)) throw error;
      const reason = isTimeout(error) ? `timed out after ${this.#timeoutMs} ms` : describeFetchError(error);
      throw new NotifyError(
        'TEMPLATE_SOURCE_UNAVAILABLE',
        `template service request for "${code}" failed: ${reason}`,
        {
          cause: error,
        },
      );
    }
    const status = response.status;
    if (status === 404 || status === 410) {
      throw new NotifyError(
        'TEMPLATE_NOT_FOUND',
        `template "${code}" not found (HTTP ${status} from the template service)`,
        {
          responseCode: status,
        },
      );
    }
    if (status >= 500 || [401, 403, 407, 408, 429].includes(status)) {
      // Server trouble, overload or our credentials: nothing wrong with the message, so retry.
      throw new NotifyError(
        'TEMPLATE_SOURCE_UNAVAILABLE',
        `template service answered HTTP ${status} for "${code}"`,
        {
          responseCode: status,
        },
      );
    }
    if (status < 200 || status >= 300) {
      throw new NotifyError('TEMPLATE_NOT_FOUND', `template service refused ${code} with HTTP ${status}`, {
        responseCode: status,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new NotifyError('TEMPLATE_INVALID', `template service answer for ${code} is not JSON`, {
        responseCode: status,
      });
    }
    return parseTemplateResponse(code, json);
  }

  /** Forgets cached templates (e.g. after a template was edited) and stops the breaker's timers. */
  async close(): Promise<void> {
    this.#cache.clear();
    this.#breaker?.shutdown();
  }
}

async function readLimited(response: Response): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new NotifyError('TEMPLATE_INVALID', `template service answer of ${declared} bytes is too large`);
  }
  const text = await response.text();
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) {
    throw new NotifyError('TEMPLATE_INVALID', 'template service answer is too large');
  }
  return text;
}

export function createHttpTemplateSource(options: HttpTemplateSourceOptions): HttpTemplateSource {
  return new HttpTemplateSource(options);
}
