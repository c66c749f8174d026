// Contract suites, one per port: `notificationStoreContract(it, makeStore)` and friends.
export {};
