import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode, Logger } from '@notify/email-core';
import { failure } from './envelope.js';
import { HTTP_STATUS } from './http-status.js';

/** Codes of a connection that went away: there is nobody to answer, and nothing worth a warning. */
const GONE = new Set(['ECONNRESET', 'ECONNABORTED', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

function refusalFor(code: string | undefined): { code: ErrorCode; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { code: 'HEADERS_TOO_LARGE', message: 'The request headers are too large' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { code: 'REQUEST_TIMEOUT', message: 'The request took too long to arrive' };
  }
  return { code: 'MALFORMED_REQUEST', message: 'The request is not valid HTTP/1.1' };
}

/**
 * Answers what Node's HTTP parser refused (a bad chunk size, headers too large, a request that
 * never finished) with the envelope and a code, as every other answer, instead of Node's bare
 * status line. The log line says what, never the request: the parser's error carries the raw
 * bytes (`rawPacket`), API key and recipients included. A connection that went away gets neither.
 */
export function answerClientError(logger: Logger) {
  return (error: Error & { code?: string }, socket: Duplex): void => {
    if (GONE.has(error.code ?? '') || !socket.writable) {
      socket.destroy();
      return;
    }
    const refusal = refusalFor(error.code);
    const status = HTTP_STATUS[refusal.code];
    const body = JSON.stringify(failure(refusal.code, refusal.message));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
    logger.warn({ status, code: refusal.code, parser_code: error.code }, 'Malformed HTTP request refused');
  };
}

/**
 * The app's own 'error' events (a socket failing under a request): a connection that went away is
 * a debug line without a stack, since a client can cause them cheaply and at will; anything else a
 * warning with the error's code and message only.
 */
export function logConnectionError(logger: Logger) {
  return (error: unknown): void => {
    const { code, message } = (error ?? {}) as { code?: string; message?: string };
    if (GONE.has(code ?? '') || message === 'aborted')
      logger.debug({ code }, 'HTTP connection closed by the client');
    else logger.warn({ code, error: message }, 'HTTP connection error');
  };
}
