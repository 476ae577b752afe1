import { randomBytes } from 'node:crypto';
import { normalisePhone, type User } from '../../world';
import { badRequest, RpcError } from '../rpc-error';
import { checkProof, serverEphemeral } from '../srp';
import { TELEGRAM_G, TELEGRAM_PRIME } from '../crypto';
import { Api, longOf, toBigint } from '../tl';
import { apiUser } from './convert';
import { method, publicMethod, type CallContext, type MethodSpec } from './context';

const passwordNeeded = (): RpcError => new RpcError(401, 'SESSION_PASSWORD_NEEDED');

/** Finishes a login on this key: as a user with a password only through the SRP check. */
function authorize(ctx: CallContext, user: User): Api.auth.Authorization {
  ctx.state.keys.signIn(ctx.key, user.id);
  return new Api.auth.Authorization({ user: apiUser(user, user.id) });
}

function userForLogin(ctx: CallContext, rawPhone: string): User {
  const phone = normalisePhone(rawPhone);
  if (phone === undefined) throw badRequest('PHONE_NUMBER_INVALID');
  // The emulator's world has no sign-up: a phone it does not know is as good as invalid.
  const user = ctx.state.world.findUserByPhone(phone);
  if (user === undefined) throw badRequest('PHONE_NUMBER_INVALID');
  if (user.deactivated) throw badRequest('PHONE_NUMBER_BANNED');
  return user;
}

const sendCode = publicMethod(Api.auth.SendCode, (ctx, request) => {
  if (!(request.apiId > 0) || request.apiHash.length === 0) throw badRequest('API_ID_INVALID');
  const user = userForLogin(ctx, request.phoneNumber);
  const { hash } = ctx.state.codes.issue(ctx.state.world, user.phone);
  return new Api.auth.SentCode({
    type: new Api.auth.SentCodeTypeApp({ length: 5 }),
    phoneCodeHash: hash,
    timeout: Math.floor(ctx.state.world.loginCodeTtlMs / 1000),
  });
});

/**
 * "Send the code again": the code of that hash is replaced by a new one (the old one stops working), sent by SMS
 * this time, as Telegram's next code type usually is.
 */
const resendCode = publicMethod(Api.auth.ResendCode, (ctx, request) => {
  const user = userForLogin(ctx, request.phoneNumber);
  const sent = ctx.state.codes.get(request.phoneCodeHash);
  if (sent === undefined || sent.phone !== user.phone) throw badRequest('PHONE_CODE_HASH_INVALID');
  if (sent.spent || sent.expiresAt < Date.now()) throw badRequest('PHONE_CODE_EXPIRED');
  const { hash } = ctx.state.codes.issue(ctx.state.world, user.phone);
  return new Api.auth.SentCode({
    type: new Api.auth.SentCodeTypeSms({ length: 5 }),
    phoneCodeHash: hash,
    timeout: Math.floor(ctx.state.world.loginCodeTtlMs / 1000),
  });
});

/** After five wrong codes the code is spent, as Telegram does. */
const MAX_WRONG_CODES = 5;

const signIn = publicMethod(Api.auth.SignIn, (ctx, request) => {
  const user = userForLogin(ctx, request.phoneNumber);
  const sent = ctx.state.codes.get(request.phoneCodeHash);
  if (sent === undefined || sent.phone !== user.phone) throw badRequest('PHONE_CODE_HASH_INVALID');
  if (sent.spent || sent.expiresAt < Date.now()) throw badRequest('PHONE_CODE_EXPIRED');
  if (request.phoneCode === undefined || request.phoneCode === '') throw badRequest('PHONE_CODE_EMPTY');
  if (request.phoneCode !== sent.code) {
    sent.wrongTries += 1;
    if (sent.wrongTries >= MAX_WRONG_CODES) sent.spent = true;
    throw badRequest('PHONE_CODE_INVALID');
  }
  sent.spent = true;
  if (user.password !== undefined) {
    ctx.key.passwordPendingFor = user.id;
    throw passwordNeeded();
  }
  return authorize(ctx, user);
});

const algo = (
  salt1: Buffer,
  salt2: Buffer,
): Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow =>
  new Api.PasswordKdfAlgoSHA256SHA256PBKDF2HMACSHA512iter100000SHA256ModPow({
    salt1,
    salt2,
    g: TELEGRAM_G,
    p: TELEGRAM_PRIME,
  });

const getPassword = publicMethod(Api.account.GetPassword, async (ctx) => {
  const userId = ctx.key.passwordPendingFor ?? ctx.key.userId;
  const user = userId === undefined ? undefined : ctx.state.world.getUser(userId);
  const common = {
    newAlgo: algo(randomBytes(8), randomBytes(16)),
    newSecureAlgo: new Api.SecurePasswordKdfAlgoSHA512({ salt: randomBytes(8) }),
    secureRandom: randomBytes(256),
  };
  if (user?.password === undefined) return new Api.account.Password({ hasPassword: false, ...common });
  const { salts, v } = ctx.state.passwords.get(user.id, user.password);
  const { b, B } = serverEphemeral(await v);
  const srpId = randomBytes(8).readBigInt64LE(0);
  ctx.key.srp = { srpId, userId: user.id, b, B };
  return new Api.account.Password({
    hasPassword: true,
    currentAlgo: algo(salts.salt1, salts.salt2),
    srp_B: B,
    srpId: longOf(srpId),
    hint: user.passwordHint,
    ...common,
  });
});

const checkPassword = publicMethod(Api.auth.CheckPassword, async (ctx, request) => {
  const srp = ctx.key.srp;
  const input = request.password;
  if (!(input instanceof Api.InputCheckPasswordSRP)) throw badRequest('PASSWORD_HASH_INVALID');
  if (srp === undefined || toBigint(input.srpId) !== srp.srpId) throw badRequest('SRP_ID_INVALID');
  const user = ctx.state.world.getUser(srp.userId);
  if (user?.password === undefined || ctx.key.passwordPendingFor !== user.id) {
    throw badRequest('SRP_ID_INVALID');
  }
  const { salts, v } = ctx.state.passwords.get(user.id, user.password);
  // One proof per SRP session: a wrong password needs a new `account.getPassword`, like Telegram.
  ctx.key.srp = undefined;
  if (!checkProof({ A: input.A, M1: input.M1, B: srp.B, b: srp.b, v: await v, salts })) {
    throw badRequest('PASSWORD_HASH_INVALID');
  }
  return authorize(ctx, user);
});

/**
 * QR login: each call hands out a fresh token (30 s) until a user approves one through the control API; the
 * client is told by an `updateLoginToken` and its next call answers the authorization.
 */
const exportLoginToken = publicMethod(Api.auth.ExportLoginToken, (ctx, request) => {
  if (!(request.apiId > 0) || request.apiHash.length === 0) throw badRequest('API_ID_INVALID');
  const approved = approvedTokenUser(ctx);
  if (approved !== undefined) return loginWithToken(ctx, approved);
  const token = randomBytes(32);
  const entry = ctx.state.world.registerQrToken(
    token.toString('base64url'),
    ctx.key.material.id.toString(),
    ctx.state.qrTtlMs,
  );
  ctx.key.qrTokens = [...(ctx.key.qrTokens ?? []).slice(-4), entry.token];
  return new Api.auth.LoginToken({ expires: Math.floor(entry.expiresAt / 1000), token });
});

const importLoginToken = publicMethod(Api.auth.ImportLoginToken, (ctx, request) => {
  const entry = ctx.state.world.getQrToken(request.token.toString('base64url'));
  if (entry === undefined) throw badRequest('AUTH_TOKEN_INVALID');
  if (entry.approvedBy === undefined) {
    if (entry.expiresAt < Date.now()) throw badRequest('AUTH_TOKEN_EXPIRED');
    return new Api.auth.LoginToken({ expires: Math.floor(entry.expiresAt / 1000), token: request.token });
  }
  const user = ctx.state.world.getUser(entry.approvedBy);
  if (user === undefined) throw badRequest('AUTH_TOKEN_INVALID');
  return loginWithToken(ctx, user);
});

function approvedTokenUser(ctx: CallContext): User | undefined {
  for (const token of ctx.key.qrTokens ?? []) {
    const entry = ctx.state.world.getQrToken(token);
    if (entry?.approvedBy !== undefined) {
      ctx.key.qrTokens = [];
      return ctx.state.world.getUser(entry.approvedBy);
    }
  }
  return undefined;
}

function loginWithToken(ctx: CallContext, user: User): Api.auth.LoginTokenSuccess {
  if (user.password !== undefined) {
    ctx.key.passwordPendingFor = user.id;
    throw passwordNeeded();
  }
  return new Api.auth.LoginTokenSuccess({ authorization: authorize(ctx, user) });
}

const logOut = method(Api.auth.LogOut, (ctx) => {
  ctx.state.keys.signOut(ctx.key);
  return new Api.auth.LoggedOut({});
});

export const authMethods: MethodSpec<never>[] = [
  sendCode,
  resendCode,
  signIn,
  getPassword,
  checkPassword,
  exportLoginToken,
  importLoginToken,
  logOut,
] as MethodSpec<never>[];
