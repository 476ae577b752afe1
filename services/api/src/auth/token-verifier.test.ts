import { SignJWT } from 'jose';
import { createTokenVerifier, TokenRejected } from './token-verifier';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256';
const auth = { jwtSecret: SECRET, maxTokenAgeS: 3600 } as Parameters<typeof createTokenVerifier>[0];

async function sign(claims: { sub: string; expInS: number }, secret = SECRET): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'integrations:read' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt(now)
    .setExpirationTime(now + claims.expInS)
    .sign(new TextEncoder().encode(secret));
}

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'accepted';
  } catch (error) {
    return error instanceof TokenRejected ? error.reason : 'other';
  }
}

describe('token verifier', () => {
  afterEach(() => jest.useRealTimers());

  it('takes a verified token on trust only until it expires', async () => {
    jest.useFakeTimers({ now: new Date('2026-12-02T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const verifier = createTokenVerifier(auth);
    const token = await sign({ sub: 'user-1', expInS: 60 });
    expect((await verifier.verify(token)).sub).toBe('user-1');
    // Again from the cache: the same principal.
    expect((await verifier.verify(token)).sub).toBe('user-1');
    // Past its expiry and the clock tolerance: refused, although it was verified before.
    jest.setSystemTime(new Date('2026-12-02T12:01:31Z'));
    expect(await rejection(verifier.verify(token))).toBe('expired');
    expect(await rejection(verifier.verify(token))).toBe('expired');
  });

  it('still checks the signature of every token it has not verified', async () => {
    const verifier = createTokenVerifier(auth);
    const token = await sign({ sub: 'user-1', expInS: 60 });
    await verifier.verify(token);
    const forged = await sign({ sub: 'user-1', expInS: 60 }, 'another-secret-that-is-long-enough-too');
    expect(await rejection(verifier.verify(forged))).toBe('invalid');
    const [header, payload] = token.split('.');
    expect(await rejection(verifier.verify(`${header}.${payload}.AAAA`))).toBe('invalid');
  });
});
