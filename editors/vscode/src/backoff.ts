// Restart delays after server crashes: exponential, capped, reset after a stable run.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A run that lasted this long counts as stable and resets the delay. */
  stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 1000, maxMs: 30_000, stableAfterMs: 60_000 };

export class RestartBackoff {
  private failures = 0;
  private startedAt: number | undefined;

  constructor(
    private readonly options: BackoffOptions = DEFAULT_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call when the server (re)starts. */
  started(): void {
    this.startedAt = this.now();
  }

  /** Call when the server died unexpectedly; returns how long to wait before restarting. */
  crashed(): number {
    const ranFor = this.startedAt === undefined ? 0 : this.now() - this.startedAt;
    if (ranFor >= this.options.stableAfterMs) this.failures = 0;
    const delay = Math.min(this.options.maxMs, this.options.initialMs * 2 ** this.failures);
    this.failures += 1;
    this.startedAt = undefined;
    return delay;
  }

  /** A manual restart forgets past crashes. */
  reset(): void {
    this.failures = 0;
  }

  get crashCount(): number {
    return this.failures;
  }
}
