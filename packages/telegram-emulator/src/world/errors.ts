/**
 * A rule of the world was broken (unknown user, duplicate username, bad role, ...). `status` is the HTTP status
 * the control API answers with; the protocol fronts map the `code` to their own error shapes.
 */
export class WorldError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'WorldError';
  }
}

export const notFound = (what: string): WorldError => new WorldError(404, 'NOT_FOUND', `${what} not found`);
export const invalid = (message: string): WorldError => new WorldError(400, 'INVALID', message);
export const conflict = (message: string): WorldError => new WorldError(409, 'CONFLICT', message);
