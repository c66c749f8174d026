import type { NotificationStore } from '../../ports/notification-store.js';
import { type BaseHarness, type Lacks, withHarness } from '../contract-runner.js';

/**
 * What `makeStore` returns for each case. The store may be shared with other runs (one database
 * for the whole suite is fine): every case uses its own request ids and user ids, and never
 * assumes it sees only its own records except through a filter on its own user id.
 */
export interface NotificationStoreHarness extends BaseHarness<NotificationStore> {
  /**
   * Makes the backend unreachable for `subject` (e.g. end its pool, point it at a closed port)
   * so that ping and every call reject with NotifyError STORE_UNAVAILABLE. Required unless
   * `lacks.outage` is declared.
   */
  makeUnavailable?(): Promise<void>;
}

/** Capabilities a store's harness may declare absent, with the reason. */
export interface NotificationStoreContractOptions {
  lacks?: Lacks<'outage'>;
}

/** Every case's title starts with this (tests elsewhere find cases by their titles). */
export const T = 'NotificationStore:';

type StoreCase = (store: NotificationStore, harness: NotificationStoreHarness) => Promise<void>;

/** What every group needs: the declared lacks, and `run`, which gives a case a fresh harness. */
export function storeCases(
  makeStore: () => Promise<NotificationStoreHarness>,
  options: NotificationStoreContractOptions,
): { lacks: Lacks<'outage'>; run: (body: StoreCase) => () => Promise<void> } {
  return {
    lacks: options.lacks ?? {},
    run: (body) => () => withHarness(makeStore, (harness) => body(harness.subject, harness)),
  };
}
