import { existsSync, readFileSync, renameSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SavedBotUpdates } from './botapi/updates';
import type { WorldSnapshot } from './world';

/** What `EMULATOR_STATE_FILE` holds: the world, and the MTProto server's keys (opaque to this module). */
export interface EmulatorState {
  version: 1;
  world: WorldSnapshot;
  /** Each bot's update ids, unconfirmed updates and webhook: a polling bot's offset stays valid. */
  updates?: Record<string, SavedBotUpdates>;
  mtproto?: unknown;
}

/**
 * The saved state, if the file exists. A file that cannot be read as a state is moved aside (`.unreadable-<ms>`)
 * and the emulator starts empty, saying so through `warn`: a sandbox that refuses to start helps no one.
 */
export function readStateFile(path: string, warn: (message: string) => void): EmulatorState | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<EmulatorState>;
    if (state.version !== 1 || typeof state.world !== 'object' || state.world === null) {
      throw new Error('not an emulator state (version 1)');
    }
    return state as EmulatorState;
  } catch (error) {
    const aside = `${path}.unreadable-${Date.now()}`;
    renameSync(path, aside);
    warn(`the emulator state in ${path} could not be read (${(error as Error).message}); moved to ${aside}`);
    return undefined;
  }
}

/**
 * Writes the state after changes, at most every `delayMs`, atomically (a temporary file renamed over the old
 * one, so a crash mid-write leaves the previous state). A failed write is reported and tried again on the next
 * change; it never stops the emulator.
 */
export class StateWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly snapshot: () => EmulatorState,
    private readonly onError: (error: unknown) => void,
    private readonly delayMs = 200,
  ) {}

  /** Something changed: write soon. */
  schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.delayMs);
    this.timer.unref();
  }

  /** Writes now (on stop) and waits for it. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.write();
  }

  private write(): Promise<void> {
    // One write at a time, each with the state as it is when it starts.
    this.writing = this.writing.then(async () => {
      const tmp = `${this.path}.${process.pid}.tmp`;
      try {
        await mkdir(dirname(this.path), { recursive: true });
        await writeFile(tmp, JSON.stringify(this.snapshot()), { mode: 0o600 });
        await rename(tmp, this.path);
      } catch (error) {
        this.onError(error);
      }
    });
    return this.writing;
  }
}
