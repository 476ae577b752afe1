import { DomainError, type CommandDataMap, type Envelope } from '@integrations/contracts';

/** Who a command acts for: the envelope's `userid`, and whether the api vouched for the admin scope. */
export interface CommandCaller {
  userId: string;
  admin: boolean;
}

export type CommandRoutes<K extends keyof CommandDataMap> = {
  [T in K]: (caller: CommandCaller, data: CommandDataMap[T], envelope: Envelope) => Promise<unknown>;
};

/**
 * One handler for a service's command queue from a table of typed handlers, one per routing key; a command the
 * table does not name answers NOT_FOUND instead of being dropped.
 */
export function routeCommands<K extends keyof CommandDataMap>(routes: CommandRoutes<K>) {
  return async (envelope: Envelope): Promise<unknown> => {
    const route = (routes as Record<string, CommandRoutes<K>[K] | undefined>)[envelope.type] as
      ((caller: CommandCaller, data: unknown, envelope: Envelope) => Promise<unknown>) | undefined;
    if (!route) throw new DomainError('NOT_FOUND', `This service does not handle ${envelope.type}.`);
    return route({ userId: envelope.userid, admin: envelope.useradmin === true }, envelope.data, envelope);
  };
}

/** For commands that only an admin may send (the api checks the scope; a command from elsewhere must say so). */
export function requireAdmin(caller: CommandCaller, what: string): void {
  if (!caller.admin) throw new DomainError('FORBIDDEN', `${what} needs the integrations:admin scope.`);
}
