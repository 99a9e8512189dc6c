/** Ctrl-C (SIGINT) or SIGTERM, once asked: a command stops cleanly and exits 128 + the signal's number. */
export interface Interruption {
  /** Aborted on the first SIGINT or SIGTERM. */
  readonly signal: AbortSignal;
  /** 130 after SIGINT, 143 after SIGTERM; undefined while not interrupted. */
  exitCode(): number | undefined;
  /** Called on the first signal; a command that does not watch `signal` closes its resources here. */
  onInterrupt(handler: () => void): void;
  dispose(): void;
}

const exitCodes = { SIGINT: 130, SIGTERM: 143 } as const;
type StopSignal = keyof typeof exitCodes;

/**
 * Owns SIGINT and SIGTERM for the life of a command. The first signal asks the command to stop; a
 * second one exits at once with the same code, for a user who does not want to wait.
 */
export function watchInterruption(err: (line: string) => void): Interruption {
  const controller = new AbortController();
  let received: StopSignal | undefined;
  const handlers: Array<() => void> = [];
  const listener = (name: StopSignal) => {
    if (received !== undefined) {
      err(`${name} again: exiting at once.`);
      process.exit(exitCodes[received]);
    }
    received = name;
    err(`${name} received: stopping after the units in flight (press Ctrl-C again to quit at once).`);
    controller.abort(new Error(`Interrupted by ${name}.`));
    for (const handler of handlers) handler();
  };
  const onInt = () => listener("SIGINT");
  const onTerm = () => listener("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    signal: controller.signal,
    exitCode: () => (received === undefined ? undefined : exitCodes[received]),
    onInterrupt: (handler) => void handlers.push(handler),
    dispose: () => {
      process.removeListener("SIGINT", onInt);
      process.removeListener("SIGTERM", onTerm);
    },
  };
}
