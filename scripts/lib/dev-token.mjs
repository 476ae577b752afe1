// The dev/test HS256 token that `npm start` prints. Node's crypto only: this runs before anything is built.
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const b64url = (value) => Buffer.from(value).toString('base64url');

/** The secret comes from AUTH_JWT_SECRET or a file under .run/ made once, so restarts keep tokens valid. */
export function devSecret(runDir) {
  if (process.env.AUTH_JWT_SECRET) return process.env.AUTH_JWT_SECRET;
  const file = path.join(runDir, 'dev-jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(runDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export function mintDevToken(secret, { sub = 'dev-user', scope, days = 30 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(
    JSON.stringify({
      sub,
      // Read and write only: the admin scope (the full audit log, key rotation) is a separate token.
      scope: scope ?? 'integrations:read integrations:write',
      iat: now,
      exp: now + days * 86400,
    }),
  );
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
  return `${header}.${payload}.${signature}`;
}
