#!/usr/bin/env node
// Serves the built UI and forwards /api to the REST api, so the browser talks to one origin (as it does behind
// the gateway in production). Streams are piped untouched: the SSE notifications must not be buffered.
// With a certificate (WEB_TLS_CERT / WEB_TLS_KEY) it speaks HTTP/2 (and HTTP/1.1 to clients without it): every
// tab's requests and its live stream then share one connection instead of the six HTTP/1.1 allows per site.
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  // Mantine sets inline style attributes and injects its CSS variables, hence 'unsafe-inline' for styles only.
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

// Hop-by-hop headers are the connection's own and must not be forwarded (RFC 9110 §7.6.1).
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

function forwardable(headers) {
  const out = {};
  for (const [name, value] of Object.entries(headers))
    // HTTP/2's pseudo-headers (`:path`, `:authority`, …) are the connection's own too.
    if (!HOP_BY_HOP.has(name) && !name.startsWith(':')) out[name] = value;
  return out;
}

function problem(res, status, title, detail) {
  res.writeHead(status, { 'content-type': 'application/problem+json', ...SECURITY_HEADERS });
  res.end(
    JSON.stringify({
      type: 'about:blank',
      title,
      status,
      detail,
      code: status === 502 ? 'INTERNAL' : 'NOT_FOUND',
    }),
  );
}

function proxy(req, res, api) {
  const upstream = http.request(
    new URL(req.url, api),
    {
      method: req.method,
      headers: {
        ...forwardable(req.headers),
        host: api.host,
        'x-forwarded-for': req.socket.remoteAddress ?? '',
        'x-forwarded-proto': req.socket.encrypted ? 'https' : 'http',
      },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, forwardable(answer.headers));
      // Flush every chunk at once: SSE frames are small and must reach the browser when they happen.
      res.flushHeaders();
      answer.pipe(res);
    },
  );
  upstream.on('error', () => {
    if (!res.headersSent) problem(res, 502, 'Bad Gateway', 'The REST api is not reachable.');
    else res.destroy();
  });
  // A closed browser tab ends the upstream request too (an open SSE stream would otherwise linger).
  res.on('close', () => upstream.destroy());
  req.pipe(upstream);
}

function serveFile(req, res, dist) {
  const url = new URL(req.url, 'http://web');
  const requested = path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
  let file = path.join(dist, requested);
  if (!file.startsWith(dist + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
    // A path with an extension is a missing asset; anything else is a client-side route of the SPA.
    if (path.extname(url.pathname)) return problem(res, 404, 'Not Found', 'No such file.');
    file = path.join(dist, 'index.html');
  }
  const hashed = file.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...SECURITY_HEADERS,
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}

/**
 * Starts the server; resolves with its URL and a close function. With `tls` ({cert, key} in PEM) it serves
 * HTTP/2 over TLS, falling back to HTTP/1.1 for clients that do not offer h2.
 */
export async function startWebServer({
  port = 8081,
  host = '127.0.0.1',
  apiUrl = 'http://127.0.0.1:8080',
  dist = path.join(here, 'dist'),
  tls,
} = {}) {
  const api = new URL(apiUrl);
  const root = path.resolve(dist);
  const handler = (req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname === '/api' || pathname.startsWith('/api/')) return proxy(req, res, api);
    if (pathname === '/health/live' || pathname === '/health/ready') {
      const ready = existsSync(path.join(root, 'index.html'));
      res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
      return res.end(
        JSON.stringify({ status: ready ? 'ok' : 'error', checks: { dist: ready ? 'up' : 'down' } }),
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return problem(res, 404, 'Not Found', 'No such route.');
    serveFile(req, res, root);
  };
  const server = tls
    ? http2.createSecureServer({ cert: tls.cert, key: tls.key, allowHTTP1: true }, handler)
    : http.createServer(handler);
  // HTTP/2 sessions and HTTP/1.1 sockets alike are ended on close (an open live stream would hold it forever).
  const open = new Set();
  server.on('session', (session) => {
    open.add(session);
    session.on('close', () => open.delete(session));
  });
  server.on('connection', (socket) => {
    open.add(socket);
    socket.on('close', () => open.delete(socket));
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return {
    url: `${tls ? 'https' : 'http'}://${host}:${address.port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const each of open) each.destroy();
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const env = process.env;
  const web = await startWebServer({
    port: Number(env.WEB_PORT ?? 8081),
    host: env.WEB_HOST ?? '127.0.0.1',
    apiUrl: env.API_URL ?? `http://127.0.0.1:${env.API_PORT ?? 8080}`,
    ...(env.WEB_TLS_CERT && env.WEB_TLS_KEY
      ? { tls: { cert: readFileSync(env.WEB_TLS_CERT), key: readFileSync(env.WEB_TLS_KEY) } }
      : {}),
  });
  console.log(`web UI on ${web.url}`);
  for (const signal of ['SIGINT', 'SIGTERM'])
    process.on(signal, () => web.close().then(() => process.exit(0)));
}
