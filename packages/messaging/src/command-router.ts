import { DomainError, type CommandDataMap, type Envelope } from '@integrations/contracts';
import { aclMetrics, type Registry } from '@integrations/observability';
import type { CommandMeta } from './types';

/** Who a command acts for: the envelope's `userid`, and whether the api vouched for the admin scope. */
export interface CommandCaller {
  userId: string;
  admin: boolean;
}

export type CommandRoutes<K extends keyof CommandDataMap> = {
  [T in K]: (
    caller: CommandCaller,
    data: CommandDataMap[T],
    envelope: Envelope,
    meta?: CommandMeta,
  ) => Promise<unknown>;
};

/**
 * One handler for a service's command queue from a table of typed handlers, one per routing key; a command the
 * table does not name answers NOT_FOUND instead of being dropped.
 */
export function routeCommands<K extends keyof CommandDataMap>(
  routes: CommandRoutes<K>,
  options: { registry?: Registry } = {},
) {
  const metrics = options.registry ? aclMetrics(options.registry) : undefined;
  return async (envelope: Envelope, meta?: CommandMeta): Promise<unknown> => {
    const route = (routes as Record<string, CommandRoutes<K>[K] | undefined>)[envelope.type] as
      | ((caller: CommandCaller, data: unknown, envelope: Envelope, meta?: CommandMeta) => Promise<unknown>)
      | undefined;
    if (!route) throw new DomainError('NOT_FOUND', `This service does not handle ${envelope.type}.`);
    try {
      return await route(
        { userId: envelope.userid, admin: envelope.useradmin === true },
        envelope.data,
        envelope,
        meta,
      );
    } catch (error) {
      if (error instanceof NotOwned) metrics?.denied.inc({ resource: error.resource });
      throw error;
    }
  };
}

/** Another user's resource: to the caller exactly a NOT_FOUND (ids cannot be probed), to us an ACL denial. */
export class NotOwned extends DomainError {
  constructor(
    readonly resource: string,
    detail: string,
  ) {
    super('NOT_FOUND', detail);
  }
}

/**
 * The row if the caller may see it (theirs, or any with the admin scope); a missing row is NOT_FOUND, and another
 * user's is the same answer, counted as an ACL denial.
 */
export function ownedOrNotFound<T extends { user_id: string }>(
  row: T | undefined,
  caller: CommandCaller,
  resource: string,
  detail: string,
): T {
  if (!row) throw new DomainError('NOT_FOUND', detail);
  if (!caller.admin && row.user_id !== caller.userId) throw new NotOwned(resource, detail);
  return row;
}

/**
 * The caller as the owner only: the admin scope reads other users' resources, but never changes them, never
 * drives their connect flows and never sees their login secrets.
 */
export function asOwner(caller: CommandCaller): CommandCaller {
  return { ...caller, admin: false };
}

/** For commands that only an admin may send (the api checks the scope; a command from elsewhere must say so). */
export function requireAdmin(caller: CommandCaller, what: string): void {
  if (!caller.admin) throw new DomainError('FORBIDDEN', `${what} needs the integrations:admin scope.`);
}
