/**
 * Everything a run creates registers its undo here (databases, vhosts, processes), and the
 * harness runs them in reverse order on success, on failure and on Ctrl-C, so a broken run leaves
 * no process running and no database or vhost behind.
 */
const undos: Array<{ name: string; undo: () => Promise<void> }> = [];

export function onCleanup(name: string, undo: () => Promise<void>): void {
  undos.push({ name, undo });
}

let running: Promise<string[]> | undefined;

/** Runs every registered undo once (newest first); returns the ones that failed, described. */
export function cleanupAll(): Promise<string[]> {
  running ??= (async () => {
    const failures: string[] = [];
    while (undos.length > 0) {
      const { name, undo } = undos.pop() as (typeof undos)[number];
      try {
        await undo();
      } catch (error) {
        failures.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  })();
  return running;
}
