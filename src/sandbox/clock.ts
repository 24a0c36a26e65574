/**
 * The sandbox clock: real time plus an offset that tests move forward (POST /_sandbox/clock), so that
 * rate-limit windows, token expiry and idempotency retention can be exercised without waiting.
 */
export class SandboxClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  advance(seconds: number): void {
    this.offsetMs += Math.round(seconds * 1000);
  }

  reset(): void {
    this.offsetMs = 0;
  }

  get offsetSeconds(): number {
    return this.offsetMs / 1000;
  }
}
