/**
 * The emulator's clock: real time plus an offset that `POST /_emulator/clock {advanceSeconds}` moves forward.
 * The 24-hour window, the rate limits and every webhook timestamp read it, so a test closes a window or empties
 * a rate window by advancing the clock instead of waiting.
 */
export class Clock {
  private offsetMs = 0;

  constructor(private readonly real: () => number = Date.now) {}

  now(): number {
    return this.real() + this.offsetMs;
  }

  /** Unix seconds, as Meta's payloads carry them (a string in webhooks). */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(seconds: number): void {
    this.offsetMs += seconds * 1000;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
