/**
 * What mysql2 throws when its connection goes (`fatal`): an error that passes, so the ledger writes its record
 * again (`isPassingDatabaseError`). For fakes of a store whose database is away.
 */
export function lostConnection(message = 'connection lost'): Error {
  return Object.assign(new Error(message), { fatal: true });
}
