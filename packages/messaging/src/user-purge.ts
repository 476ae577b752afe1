import { DomainError, type UserPurge } from '@integrations/contracts';

/**
 * `platform.user.deleted` is sent as the user it deletes (the envelope's `userid`, which also routes it to the
 * replica holding that user's shard): a command naming someone else is refused.
 */
export function purgeSubject(caller: { userId: string }, data: { userId: string }): string {
  if (caller.userId !== data.userId)
    throw new DomainError(
      'FORBIDDEN',
      'A purge is sent as the user it deletes (envelope userid = data.userId).',
    );
  return data.userId;
}

/** The reply and the `platform.user.purged` event of one service's purge. */
export function userPurge(service: string, userId: string, counts: Record<string, number>): UserPurge {
  return { userId, service, counts };
}
