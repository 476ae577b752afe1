import type { User } from '../../world';
import type { AuthKeyRecord } from '../auth-keys';
import type { MtprotoConnection } from '../connection';
import type { ServerState } from '../state';
import type { TlObject } from '../tl';

/** What every API method gets: the server's state, the caller's auth key and connection. */
export interface CallContext {
  state: ServerState;
  key: AuthKeyRecord;
  connection: MtprotoConnection;
  /** The signed-in user; set for methods that need one (the dispatcher answers 401 otherwise). */
  user?: User;
}

export interface SignedIn extends CallContext {
  user: User;
}

/** A method's answer: a TL object, or raw bytes for a bare `Vector<T>`. */
export type Answer = TlObject | Buffer;

export interface MethodSpec<T> {
  type: abstract new (...args: never[]) => T;
  /** false for the login methods and `help.getConfig`; true (the default) needs a signed-in key. */
  auth: boolean;
  run(ctx: CallContext, request: T): Promise<Answer> | Answer;
}

export function method<T>(
  type: abstract new (...args: never[]) => T,
  run: (ctx: SignedIn, request: T) => Promise<Answer> | Answer,
): MethodSpec<T> {
  return { type, auth: true, run: (ctx, request) => run(ctx as SignedIn, request) };
}

export function publicMethod<T>(
  type: abstract new (...args: never[]) => T,
  run: (ctx: CallContext, request: T) => Promise<Answer> | Answer,
): MethodSpec<T> {
  return { type, auth: false, run };
}
