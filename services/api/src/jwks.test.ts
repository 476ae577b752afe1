import { SignJWT, exportJWK, generateKeyPair, type JWK } from 'jose';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bot, startHarness, type Harness } from '../test/harness';

const ISSUER = 'https://idp.test/';
const AUDIENCE = 'integrations';

/** Production authentication: tokens from the platform's identity provider, keys from its JWKS, rotated. */
describe('JWKS authentication', () => {
  let jwks: Server;
  let published: JWK[] = [];
  let h: Harness;
  const keys = async (kid: string) => {
    const pair = await generateKeyPair('RS256');
    return {
      kid,
      privateKey: pair.privateKey,
      jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' },
    };
  };
  const sign = (
    key: Awaited<ReturnType<typeof keys>>,
    claims: { iss?: string; aud?: string; sub?: string } = {},
  ) =>
    new SignJWT({ scope: 'integrations:read' })
      .setProtectedHeader({ alg: 'RS256', kid: key.kid })
      .setSubject(claims.sub ?? 'jwks-user')
      .setIssuer(claims.iss ?? ISSUER)
      .setAudience(claims.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(key.privateKey);
  const get = (token: string) =>
    fetch(`${h.api.url}/api/integrations/telegram/bots/b-1`, {
      headers: { authorization: `Bearer ${token}` },
    });

  beforeAll(async () => {
    jwks = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    h = await startHarness(async (envelope) => bot(String((envelope.data as { id: string }).id)), undefined, {
      AUTH_JWT_SECRET: '',
      AUTH_JWKS_URL: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`,
      AUTH_ISSUER: ISSUER,
      AUTH_AUDIENCE: AUDIENCE,
      AUTH_JWKS_COOLDOWN_MS: '0',
    });
  });
  afterAll(async () => {
    await h?.close();
    await new Promise<void>((r) => jwks.close(() => r()));
  });

  it('accepts tokens of the published key, and of a rotated-in key on first use', async () => {
    const first = await keys('key-1');
    published = [first.jwk];
    expect((await get(await sign(first))).status).toBe(200);
    const second = await keys('key-2');
    published = [first.jwk, second.jwk];
    expect((await get(await sign(second))).status).toBe(200);
  });

  it('refuses another issuer, another audience, an unknown key and the dev secret', async () => {
    const key = await keys('key-3');
    published = [key.jwk];
    expect((await get(await sign(key, { iss: 'https://evil.test/' }))).status).toBe(401);
    expect((await get(await sign(key, { aud: 'another-service' }))).status).toBe(401);
    const stranger = await keys('key-unpublished');
    expect((await get(await sign(stranger))).status).toBe(401);
    // With JWKS configured and no secret, an HS256 token (even with the test secret) is not a way in.
    expect((await get(await h.token('jwks-user'))).status).toBe(401);
  });
});
