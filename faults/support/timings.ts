/**
 * Short timings for the fault scenarios, set through the documented environment variables
 * (docs/configuration.md), so a lease expiry, a breaker reset or a recovery pass takes seconds.
 */
export const FAST_TIMINGS: Record<string, string> = {
  // A worker killed mid-send holds its claim this long; sends are cut off well before.
  // Generous against a loaded 2-core machine: a send cut off by the timeout may still have
  // reached the peer, and its retry would be a duplicate the suite does not allow.
  PROCESSING_LEASE_MS: '8000',
  BREAKER_TIMEOUT_MS: '6000',
  BREAKER_RESET_TIMEOUT_MS: '2000',
  // The API's recovery loop: every half second, for records unpublished for 2 s or more.
  OUTBOX_RECOVERY_INTERVAL_MS: '500',
  OUTBOX_RECOVERY_GRACE_MS: '2000',
  RETRY_BASE_MS: '500',
  RETRY_CAP_MS: '4000',
  SMTP_CONNECTION_TIMEOUT_MS: '1000',
  SMTP_GREETING_TIMEOUT_MS: '1000',
  SMTP_SOCKET_TIMEOUT_MS: '3000',
  SHUTDOWN_TIMEOUT_MS: '8000',
  // The stock default (docs/configuration.md), so the faults hit as many in-flight messages as
  // production workers hold.
  WORKER_CONCURRENCY: '64',
};
