import { Api, type TelegramClient } from 'telegram';
import { computeCheck } from 'telegram/Password';
import { EmulatorClient } from '../control';
import { startEmulator, type Emulator } from '../emulator';
import { createEmulatorClient, signInWithCode, type EmulatorMtprotoInfo } from './client';
import { rpcError } from './testing';

/** The real GramJS client (pinned 2.26.22) against the emulator's MTProto server: every way to sign in. */
let emulator: Emulator;
let control: EmulatorClient;
let info: EmulatorMtprotoInfo;
const clients: TelegramClient[] = [];
let phoneSeq = 0;

beforeAll(async () => {
  emulator = await startEmulator({ mtprotoPort: 0 });
  control = new EmulatorClient(emulator.url);
  info = await control.mtproto();
});

afterEach(async () => {
  await control.clearFaults();
  await Promise.all(clients.splice(0).map((client) => client.destroy()));
});

afterAll(async () => {
  await emulator.stop();
});

function client(session?: string): TelegramClient {
  const created = createEmulatorClient(info, { session, connectionRetries: 1, autoReconnect: false });
  clients.push(created);
  return created;
}

async function newUser(
  input: { password?: string; username?: string } = {},
): Promise<{ id: number; phone: string }> {
  phoneSeq += 1;
  const phone = `+1555${String(Date.now() % 100000).padStart(5, '0')}${String(phoneSeq).padStart(2, '0')}`;
  return control.createUser({ phone, firstName: `Tester ${phoneSeq}`, ...input });
}

const readCode = (phone: string): Promise<string | undefined> => control.loginCode(phone);

describe('MTProto login with the real GramJS client', () => {
  it('publishes its RSA key and connection data', () => {
    expect(info).toMatchObject({ host: '127.0.0.1', port: emulator.mtproto!.port, dcId: 2 });
    expect(info.rsaPublicKeyPem).toContain('BEGIN PUBLIC KEY');
    expect(info.fingerprint).toMatch(/^-?\d+$/);
  });

  it('signs in with a code, answers getMe, and resumes from the saved StringSession without a new key', async () => {
    const user = await newUser({ username: `code_${phoneSeq + 1}_user` });
    const first = client();
    const signedIn = await signInWithCode(first, { phone: user.phone, readCode });
    expect(signedIn.id.toString()).toBe(String(user.id));
    const me = await first.getMe();
    expect(me.phone).toBe(user.phone.slice(1));
    const saved = first.session.save() as unknown as string;
    await first.destroy();

    const keysBefore = (await control.mtproto()) as unknown as { authKeys: number };
    const resumed = client(saved);
    await resumed.connect();
    expect(await resumed.checkAuthorization()).toBe(true);
    expect((await resumed.getMe()).id.toString()).toBe(String(user.id));
    const keysAfter = (await control.mtproto()) as unknown as { authKeys: number };
    expect(keysAfter.authKeys).toBe(keysBefore.authKeys);
  });

  it('asks for the 2FA password, shows its hint, refuses a wrong one and accepts the right one (SRP)', async () => {
    const user = await newUser({ password: 'correct horse' });
    emulator.world.setPassword(user.id, 'correct horse', 'the horse');
    const c = client();
    await c.connect();
    const sent = await c.sendCode({ apiId: 1, apiHash: 'emulator' }, user.phone);
    const code = await readCode(user.phone);
    const needed = await rpcError(
      c.invoke(
        new Api.auth.SignIn({ phoneNumber: user.phone, phoneCodeHash: sent.phoneCodeHash, phoneCode: code }),
      ),
    );
    expect(needed.errorMessage).toBe('SESSION_PASSWORD_NEEDED');

    const password = await c.invoke(new Api.account.GetPassword());
    expect(password.hasPassword).toBe(true);
    expect(password.hint).toBe('the horse');
    const wrong = await rpcError(
      c.invoke(new Api.auth.CheckPassword({ password: await computeCheck(password, 'wrong horse') })),
    );
    expect(wrong).toMatchObject({ code: 400, errorMessage: 'PASSWORD_HASH_INVALID' });
    expect(await c.checkAuthorization()).toBe(false);

    const again = await c.invoke(new Api.account.GetPassword());
    const auth = await c.invoke(
      new Api.auth.CheckPassword({ password: await computeCheck(again, 'correct horse') }),
    );
    expect((auth as Api.auth.Authorization).user.id.toString()).toBe(String(user.id));
    expect(await c.checkAuthorization()).toBe(true);
  });

  /**
   * QR login step by step, as the account connector drives it: export a token, show it, get `updateLoginToken`
   * pushed once it is scanned, export again for the authorization. (GramJS's own `signInUserWithQrCode` leaves a
   * 30 s timer behind, which would keep Jest from exiting.)
   */
  async function qrLogin(c: TelegramClient, phone: string): Promise<Api.auth.TypeLoginToken> {
    const scanned = new Promise<void>((resolve) => {
      c.addEventHandler((update: unknown) => {
        if (update instanceof Api.UpdateLoginToken) resolve();
      });
    });
    const exported = await c.invoke(
      new Api.auth.ExportLoginToken({ apiId: 1, apiHash: 'emulator', exceptIds: [] }),
    );
    if (!(exported instanceof Api.auth.LoginToken))
      throw new Error(`expected a login token: ${exported.className}`);
    expect(exported.expires * 1000).toBeGreaterThan(Date.now());
    await control.scanQr({ url: `tg://login?token=${exported.token.toString('base64url')}`, phone });
    await scanned;
    return c.invoke(new Api.auth.ExportLoginToken({ apiId: 1, apiHash: 'emulator', exceptIds: [] }));
  }

  it('signs in by QR once a user scans it through the control API', async () => {
    const user = await newUser();
    const c = client();
    await c.connect();
    const success = await qrLogin(c, user.phone);
    expect(success).toBeInstanceOf(Api.auth.LoginTokenSuccess);
    const auth = (success as Api.auth.LoginTokenSuccess).authorization as Api.auth.Authorization;
    expect(auth.user.id.toString()).toBe(String(user.id));
    expect((await c.getMe()).id.toString()).toBe(String(user.id));
  });

  it('asks a QR login for the password when the user has 2FA', async () => {
    const user = await newUser({ password: 'qr-secret' });
    const c = client();
    await c.connect();
    expect(await rpcError(qrLogin(c, user.phone))).toMatchObject({ errorMessage: 'SESSION_PASSWORD_NEEDED' });
    const password = await c.invoke(new Api.account.GetPassword());
    await c.invoke(new Api.auth.CheckPassword({ password: await computeCheck(password, 'qr-secret') }));
    expect((await c.getMe()).id.toString()).toBe(String(user.id));
  });

  it('refuses to scan an unknown or expired QR token', async () => {
    const user = await newUser();
    await expect(control.scanQr({ token: 'bm90LWEtdG9rZW4', phone: user.phone })).rejects.toMatchObject({
      status: 404,
    });
  });

  it('answers Telegram errors for a wrong code, an expired code and an invalid phone', async () => {
    const user = await newUser();
    const c = client();
    await c.connect();
    const invalidPhone = await rpcError(c.sendCode({ apiId: 1, apiHash: 'emulator' }, '+12'));
    expect(invalidPhone).toMatchObject({ code: 400, errorMessage: 'PHONE_NUMBER_INVALID' });

    const first = await c.sendCode({ apiId: 1, apiHash: 'emulator' }, user.phone);
    const firstCode = (await readCode(user.phone))!;
    const wrongCode = firstCode === '11111' ? '22222' : '11111';
    const wrong = await rpcError(
      c.invoke(
        new Api.auth.SignIn({
          phoneNumber: user.phone,
          phoneCodeHash: first.phoneCodeHash,
          phoneCode: wrongCode,
        }),
      ),
    );
    expect(wrong).toMatchObject({ code: 400, errorMessage: 'PHONE_CODE_INVALID' });

    // A newer code expires the older one, as Telegram does.
    await c.sendCode({ apiId: 1, apiHash: 'emulator' }, user.phone);
    const expired = await rpcError(
      c.invoke(
        new Api.auth.SignIn({
          phoneNumber: user.phone,
          phoneCodeHash: first.phoneCodeHash,
          phoneCode: firstCode,
        }),
      ),
    );
    expect(expired).toMatchObject({ code: 400, errorMessage: 'PHONE_CODE_EXPIRED' });
    expect(await c.checkAuthorization()).toBe(false);
  });

  it('sends the code again by SMS (auth.resendCode): the new code signs in, the old one has expired', async () => {
    const user = await newUser();
    const c = client();
    await c.connect();
    const sent = await c.sendCode({ apiId: 1, apiHash: 'emulator' }, user.phone);
    const first = await readCode(user.phone);
    const again = await c.invoke(
      new Api.auth.ResendCode({ phoneNumber: user.phone, phoneCodeHash: sent.phoneCodeHash }),
    );
    expect(again).toBeInstanceOf(Api.auth.SentCode);
    const resent = again as Api.auth.SentCode;
    expect(resent.type).toBeInstanceOf(Api.auth.SentCodeTypeSms);
    const second = await readCode(user.phone);
    const stale = await rpcError(
      c.invoke(
        new Api.auth.SignIn({
          phoneNumber: user.phone,
          phoneCodeHash: sent.phoneCodeHash,
          phoneCode: first!,
        }),
      ),
    );
    expect(stale.errorMessage).toBe('PHONE_CODE_EXPIRED');
    const auth = await c.invoke(
      new Api.auth.SignIn({
        phoneNumber: user.phone,
        phoneCodeHash: resent.phoneCodeHash,
        phoneCode: second!,
      }),
    );
    expect((auth as Api.auth.Authorization).user.id.toString()).toBe(String(user.id));
  });

  it('answers FLOOD_WAIT_X for a rate-limit fault during login', async () => {
    const user = await newUser();
    await control.addFault({ target: `user:${user.phone}`, kind: 'rate_limit', retryAfter: 7, count: 1 });
    const c = client();
    await c.connect();
    const flood = await rpcError(c.sendCode({ apiId: 1, apiHash: 'emulator' }, user.phone));
    expect(flood).toMatchObject({ code: 420, errorMessage: 'FLOOD', seconds: 7 });
    // The fault was used up: the next try goes through.
    await expect(c.sendCode({ apiId: 1, apiHash: 'emulator' }, user.phone)).resolves.toHaveProperty(
      'phoneCodeHash',
    );
  });

  it('answers AUTH_KEY_UNREGISTERED after a revoke fault and after auth.logOut', async () => {
    const revoked = await newUser();
    const a = client();
    await signInWithCode(a, { phone: revoked.phone, readCode });
    await control.addFault({ target: `user:${revoked.phone}`, kind: 'revoke', count: 1 });
    expect(await rpcError(a.getMe())).toMatchObject({ code: 401, errorMessage: 'AUTH_KEY_UNREGISTERED' });
    expect(await rpcError(a.getMe())).toMatchObject({ errorMessage: 'AUTH_KEY_UNREGISTERED' });

    const leaving = await newUser();
    const b = client();
    await signInWithCode(b, { phone: leaving.phone, readCode });
    await b.invoke(new Api.auth.LogOut());
    expect(await b.checkAuthorization()).toBe(false);
  });

  it('answers USER_DEACTIVATED once the account is deactivated', async () => {
    const user = await newUser();
    const c = client();
    await signInWithCode(c, { phone: user.phone, readCode });
    emulator.world.setDeactivated(user.id, true);
    expect(await rpcError(c.getMe())).toMatchObject({ code: 401, errorMessage: 'USER_DEACTIVATED' });
    const other = client();
    await other.connect();
    expect(await rpcError(other.sendCode({ apiId: 1, apiHash: 'emulator' }, user.phone))).toMatchObject({
      errorMessage: 'PHONE_NUMBER_BANNED',
    });
  });

  it('tells the older of two live connections on one auth key AUTH_KEY_DUPLICATED', async () => {
    const user = await newUser();
    const older = client();
    await signInWithCode(older, { phone: user.phone, readCode });
    const saved = older.session.save() as unknown as string;
    const before = ((await control.mtproto()) as unknown as { duplicates: number }).duplicates;

    const newer = client(saved);
    await newer.connect();
    expect((await newer.getMe()).id.toString()).toBe(String(user.id));
    expect(await rpcError(older.getMe())).toMatchObject({ code: 406, errorMessage: 'AUTH_KEY_DUPLICATED' });
    expect((await newer.getMe()).id.toString()).toBe(String(user.id));
    const after = ((await control.mtproto()) as unknown as { duplicates: number }).duplicates;
    expect(after).toBe(before + 1);
  });
});
