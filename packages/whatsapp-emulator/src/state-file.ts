import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PhoneNumber, World } from './world';

/** A phone number as saved: the customers' windows as entries (a Map does not survive JSON). */
type SavedNumber = Omit<PhoneNumber, 'lastInbound'> & { lastInbound: [string, number][] };

/** What `WHATSAPP_EMULATOR_STATE_FILE` holds: the numbers (tokens, secrets, templates, webhooks, windows, messages). */
export interface WhatsAppEmulatorState {
  version: 1;
  numbers: SavedNumber[];
}

export function snapshotOf(world: World): WhatsAppEmulatorState {
  return {
    version: 1,
    numbers: world.listNumbers().map((number) => ({ ...number, lastInbound: [...number.lastInbound] })),
  };
}

/** Puts saved numbers back into an empty world: their tokens and app secrets keep working. */
export function restoreInto(world: World, state: WhatsAppEmulatorState): void {
  for (const saved of state.numbers) {
    world.adopt({ ...saved, lastInbound: new Map(saved.lastInbound) });
  }
}

/**
 * The saved state, if the file exists. One that cannot be read is moved aside (`.unreadable-<ms>`) and the
 * emulator starts empty, saying so through `warn`: a sandbox that refuses to start helps no one.
 */
export function readState(path: string, warn: (message: string) => void): WhatsAppEmulatorState | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const state = JSON.parse(readFileSync(path, 'utf8')) as Partial<WhatsAppEmulatorState>;
    if (state.version !== 1 || !Array.isArray(state.numbers))
      throw new Error('not a WhatsApp emulator state');
    return state as WhatsAppEmulatorState;
  } catch (error) {
    const aside = `${path}.unreadable-${Date.now()}`;
    renameSync(path, aside);
    warn(`the state in ${path} could not be read (${(error as Error).message}); moved to ${aside}`);
    return undefined;
  }
}

/** Writes atomically (a temporary file renamed over the old one): a crash mid-write leaves the previous state. */
export function writeState(path: string, state: WhatsAppEmulatorState): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state), { mode: 0o600 });
  renameSync(tmp, path);
}
