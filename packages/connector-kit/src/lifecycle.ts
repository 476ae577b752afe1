import { DomainError } from '@integrations/contracts';

/** What a user may change of a connected integration (a bot, an account, a channel) without connecting again. */
export interface LifecycleState {
  isActive: boolean;
  label: string | null;
}

/** A JSON merge patch of that state: a field left out stays as it is; `label: null` removes the label. */
export interface LifecyclePatch {
  isActive?: boolean;
  label?: string | null;
}

export type LifecycleVerb = 'paused' | 'resumed' | 'updated';

export interface LifecyclePlan {
  /** The state after the patch. */
  next: LifecycleState;
  /** The events it calls for, in order: `paused` or `resumed` when `isActive` flips, `updated` for a new label. */
  verbs: LifecycleVerb[];
}

/**
 * Applies a patch to an integration's state and names what happened. A patch that changes nothing calls for no
 * event (a repeated PATCH is a no-op), so connectors announce and audit only real changes.
 */
export function planLifecycle(current: LifecycleState, patch: LifecyclePatch): LifecyclePlan {
  const label = patch.label === undefined ? current.label : normalizeLabel(patch.label);
  const next = { isActive: patch.isActive ?? current.isActive, label };
  const verbs: LifecycleVerb[] = [];
  if (next.isActive !== current.isActive) verbs.push(next.isActive ? 'resumed' : 'paused');
  if (next.label !== current.label) verbs.push('updated');
  return { next, verbs };
}

/** Surrounding blanks are not part of a name, and an empty name is no name. */
function normalizeLabel(label: string | null): string | null {
  const trimmed = label?.trim();
  return trimmed ? trimmed : null;
}

/** Sends through a paused integration (or a channel of one) are refused, not queued: its user stopped it. */
export function ensureActive(item: { is_active: number | boolean }, what: string): void {
  if (!item.is_active)
    throw new DomainError('INTEGRATION_PAUSED', `This ${what} is paused; resume it to send through it.`);
}
