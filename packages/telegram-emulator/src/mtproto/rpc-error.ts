/** An MTProto `rpc_error`: Telegram's numeric code (400, 401, 403, 406, 420, 500) and its error name. */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'RpcError';
  }
}

export const floodWait = (seconds: number): RpcError =>
  new RpcError(420, `FLOOD_WAIT_${Math.max(1, Math.ceil(seconds))}`);
export const unauthorized = (): RpcError => new RpcError(401, 'AUTH_KEY_UNREGISTERED');
export const badRequest = (name: string): RpcError => new RpcError(400, name);
