// @vitest-environment node
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
// The server is plain JavaScript run by Node; its types are what this test uses of it.
// @ts-expect-error server.mjs has no type declarations
import { startWebServer } from '../../server.mjs';

type Started = { url: string; close: () => Promise<void> };

/** A throwaway self-signed certificate, made with the openssl command line. */
function certificate(dir: string) {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-subj',
      '/CN=127.0.0.1',
      '-days',
      '1',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  return { cert: readFileSync(path.join(dir, 'cert.pem')), key: readFileSync(path.join(dir, 'key.pem')) };
}

describe('web server over HTTP/2', () => {
  let api: http.Server;
  let web: Started;
  const seen: { path?: string; headers?: http.IncomingHttpHeaders } = {};

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'web-h2-'));
    mkdirSync(path.join(dir, 'dist'));
    writeFileSync(path.join(dir, 'dist', 'index.html'), '<!doctype html><title>UI</title>');
    // A stand-in api: a JSON answer and an SSE stream that sends one frame, then stays open.
    api = http.createServer((req, res) => {
      seen.path = req.url;
      seen.headers = req.headers;
      if (req.url?.endsWith('/events')) {
        res.writeHead(200, { 'content-type': 'text/event-stream', connection: 'keep-alive' });
        res.write('data: {"type":"hello"}\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', connection: 'keep-alive' });
      res.end('{"items":[]}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    web = (await startWebServer({
      port: 0,
      apiUrl: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
      dist: path.join(dir, 'dist'),
      tls: certificate(dir),
    })) as Started;
  });
  afterAll(async () => {
    await web?.close();
    await new Promise((resolve) => api?.close(resolve));
  });

  it('serves the UI and /api, and streams the live updates, over one HTTP/2 connection', async () => {
    expect(web.url).toMatch(/^https:/);
    const session = http2.connect(web.url, { rejectUnauthorized: false });
    const get = (p: string) =>
      new Promise<{ status: number; body: string; headers: http2.IncomingHttpHeaders }>((resolve, reject) => {
        const stream = session.request({ ':path': p, authorization: 'Bearer t' });
        let body = '';
        let headers: http2.IncomingHttpHeaders = {};
        stream.setEncoding('utf8');
        stream.on('response', (h) => (headers = h));
        stream.on('data', (chunk: string) => {
          body += chunk;
          // The live stream never ends: its first frame is enough.
          if (p.endsWith('/events') && body.includes('\n\n')) {
            stream.close();
            resolve({ status: Number(headers[':status']), body, headers });
          }
        });
        stream.on('end', () => resolve({ status: Number(headers[':status']), body, headers }));
        stream.on('error', reject);
      });
    const page = await get('/accounts');
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>UI</title>');
    const list = await get('/api/integrations/telegram/bots?limit=1');
    expect(list).toMatchObject({ status: 200, body: '{"items":[]}' });
    expect(seen.headers?.['authorization']).toBe('Bearer t');
    expect(seen.headers?.['x-forwarded-proto']).toBe('https');
    expect(Object.keys(seen.headers ?? {}).some((name) => name.startsWith(':'))).toBe(false);
    const events = await get('/api/integrations/events');
    expect(events.status).toBe(200);
    expect(events.headers['content-type']).toBe('text/event-stream');
    expect(events.body).toContain('"type":"hello"');
    expect(session.alpnProtocol).toBe('h2');
    session.close();
  });
});
