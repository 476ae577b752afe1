import { SignJWT } from 'jose';

export const ALL_SCOPES = 'integrations:read integrations:write integrations:admin';

/** An HS256 token like the dev token `npm start` prints, for tests that call the api. */
export async function mintToken(options: {
  sub: string;
  secret: string;
  scope?: string;
  expiresIn?: string | number;
  issuer?: string;
  audience?: string;
}): Promise<string> {
  let jwt = new SignJWT({ scope: options.scope ?? 'integrations:read integrations:write' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn ?? '1h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(options.secret));
}
