/** The command line was called wrongly: exit 2 with the command's usage. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  /** The command whose usage is shown with the message; undefined: the overview. */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}
