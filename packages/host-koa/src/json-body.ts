import type { IncomingMessage } from 'node:http';
import { NotifyError } from '@notify/email-core';

/** 256 KiB, the default body limit of docs/api.md. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/** `application/json` or a structured-syntax `+json` type (RFC 6839), e.g. `application/merge-patch+json`. */
const JSON_MEDIA_TYPE = /^application\/(?:json|[a-z0-9!#$&^_.-]+\+json)$/;

/**
 * Refuses anything but JSON in UTF-8 (RFC 8259 allows no other charset), and any content coding:
 * decompressing would let a small request become an unbounded one.
 */
export function assertJsonContentType(req: IncomingMessage): void {
  const header = req.headers['content-type'];
  const [mediaType = '', ...params] = (header ?? '').split(';');
  const charset = params
    .map((param) => param.trim().toLowerCase())
    .find((param) => param.startsWith('charset='))
    ?.slice('charset='.length)
    .replace(/^"|"$/g, '');
  if (
    !JSON_MEDIA_TYPE.test(mediaType.trim().toLowerCase()) ||
    (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
  ) {
    throw new NotifyError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be application/json (UTF-8); got ${header ? JSON.stringify(header.slice(0, 100)) : 'none'}`,
    );
  }
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw new NotifyError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Content-Encoding is not supported; send the body uncompressed',
    );
  }
}

function tooLarge(limit: number): NotifyError {
  return new NotifyError('PAYLOAD_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes`);
}

/**
 * Reads the whole body, refusing more than `limit` bytes: first by the declared Content-Length (so a
 * client is told before it sends megabytes), then by counting, since chunked bodies declare nothing.
 * It stops listening at the limit rather than destroying the request, so the 413 can still be written.
 */
export function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));

  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      received += chunk.length;
      if (received > limit) {
        cleanup();
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new NotifyError('MALFORMED_JSON', 'The request body could not be read', { cause: error }));
    };
    // 'close' before 'end' means the client went away mid-body; nobody is left to answer.
    const onClose = (): void => {
      cleanup();
      reject(new NotifyError('MALFORMED_JSON', 'The request body ended early'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Parses a JSON body; any failure (bad UTF-8, bad syntax, nothing at all) is 400 MALFORMED_JSON. */
export function parseJson(raw: Buffer): unknown {
  let text: string;
  try {
    // ignoreBOM: false strips a leading BOM, which RFC 8259 lets a parser ignore.
    text = utf8.decode(raw);
  } catch {
    throw new NotifyError('MALFORMED_JSON', 'Request body is not valid UTF-8');
  }
  if (text.trim() === '')
    throw new NotifyError('MALFORMED_JSON', 'Request body is empty; a JSON object is required');
  try {
    return JSON.parse(text);
  } catch {
    throw new NotifyError('MALFORMED_JSON', 'Request body is not valid JSON');
  }
}

/** A JSON request body: its content type, its size (`limit`) and its JSON checked, in that order. */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  assertJsonContentType(req);
  return parseJson(await readRawBody(req, limit));
}
