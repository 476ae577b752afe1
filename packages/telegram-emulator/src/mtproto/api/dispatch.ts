import { setTimeout as sleep } from 'node:timers/promises';
import { normalisePhone, type User } from '../../world';
import type { AuthKeyRecord } from '../auth-keys';
import type { MtprotoConnection } from '../connection';
import { badRequest, floodWait, RpcError, unauthorized } from '../rpc-error';
import type { ServerState } from '../state';
import { Api } from '../tl';
import { authMethods } from './auth';
import type { Answer, CallContext, MethodSpec } from './context';
import { messageMethods } from './messages';
import { miscMethods } from './misc';

const table = new Map<unknown, MethodSpec<never>>();
for (const spec of [...authMethods, ...messageMethods, ...miscMethods]) table.set(spec.type, spec);

/** The wrappers a client puts around a call (layer, connection info, ordering); the call is inside. */
function unwrap(request: unknown): unknown {
  let inner = request;
  for (;;) {
    if (
      inner instanceof Api.InvokeWithLayer ||
      inner instanceof Api.InitConnection ||
      inner instanceof Api.InvokeWithoutUpdates ||
      inner instanceof Api.InvokeAfterMsg ||
      inner instanceof Api.InvokeAfterMsgs
    ) {
      inner = inner.query;
    } else {
      return inner;
    }
  }
}

/** Whose request this is for fault targeting: the signed-in user's phone, or the phone a login names. */
function faultTarget(user: User | undefined, request: unknown): string {
  if (user !== undefined) return `user:${user.phone}`;
  const phone = (request as { phoneNumber?: unknown }).phoneNumber;
  const normal = typeof phone === 'string' ? normalisePhone(phone) : undefined;
  return normal === undefined ? 'user:anonymous' : `user:${normal}`;
}

/**
 * Applies the control API's faults to one call. Answers false when the call must not be answered at all (the
 * connection was dropped); throws the injected error otherwise.
 */
async function applyFaults(ctx: CallContext, target: string): Promise<boolean> {
  const faults = ctx.state.world.faults.take(target);
  if (faults.length === 0) return true;
  const delay = faults.reduce((sum, f) => sum + (f.kind === 'latency' ? (f.ms ?? 0) : 0), 0);
  if (delay > 0) await sleep(delay);
  for (const fault of faults) {
    switch (fault.kind) {
      case 'drop':
        ctx.connection.destroy();
        return false;
      case 'revoke':
        if (ctx.user !== undefined) ctx.state.keys.revokeUser(ctx.user.id);
        throw unauthorized();
      case 'rate_limit':
        throw floodWait(fault.retryAfter ?? 1);
      case 'error':
        throw new RpcError(fault.status ?? 500, fault.message ?? 'INTERNAL');
      case 'latency':
        break;
    }
  }
  return true;
}

/** Runs one API call for a connection; see `ConnectionDeps.dispatch`. */
export async function dispatch(
  state: ServerState,
  call: { connection: MtprotoConnection; key: AuthKeyRecord; request: unknown },
): Promise<Buffer | undefined> {
  const request = unwrap(call.request);
  const method = (request as { className?: unknown } | undefined)?.className;
  if (typeof method === 'string') state.calls.set(method, (state.calls.get(method) ?? 0) + 1);
  const spec = table.get((request as object | undefined)?.constructor);
  const ctx: CallContext = { state, key: call.key, connection: call.connection };
  if (call.key.userId !== undefined) ctx.user = state.world.getUser(call.key.userId);
  if (!(await applyFaults(ctx, faultTarget(ctx.user, request)))) return undefined;
  if (spec === undefined) {
    const id = (request as { CONSTRUCTOR_ID?: number } | undefined)?.CONSTRUCTOR_ID ?? 0;
    throw badRequest(`INPUT_METHOD_INVALID_${id}`);
  }
  if (spec.auth && ctx.user === undefined) throw unauthorized();
  if (ctx.user?.deactivated === true) throw new RpcError(401, 'USER_DEACTIVATED');
  const answer: Answer = await spec.run(ctx, request as never);
  return Buffer.isBuffer(answer) ? answer : answer.getBytes();
}
