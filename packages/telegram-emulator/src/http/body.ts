import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';

/** The body could not be read or parsed; `status` is what to answer (400 or 413). */
export class BodyError extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

export const DEFAULT_BODY_LIMIT = 10 * 1024 * 1024;

/** The query string of a request target as a plain object (later keys win). */
export function parseQuery(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (query === '') return out;
  for (const [key, value] of new URLSearchParams(query)) out[key] = value;
  return out;
}

function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (declared > limit) return Promise.reject(new BodyError(413, 'Request Entity Too Large'));
  // Plain listeners rather than `for await`: this is the hot path of every Bot API call.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyError(413, 'Request Entity Too Large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Reads a JSON body; an empty body is `undefined`. */
export async function readJson(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const raw = await readRaw(req, limit);
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new BodyError(400, 'the body is not valid JSON');
  }
}

function readMultipart(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: limit, fileSize: limit } });
    } catch {
      reject(new BodyError(400, 'bad multipart body'));
      return;
    }
    const fields: Record<string, unknown> = {};
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('file', (name, stream, info) => {
      // Files are accepted and counted, not stored: the emulator sends text only.
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
      });
      stream.on('end', () => {
        fields[name] = { filename: info.filename, mimeType: info.mimeType, size };
      });
    });
    parser.on('error', () => reject(new BodyError(400, 'bad multipart body')));
    parser.on('close', () => resolve(fields));
    req.pipe(parser);
  });
}

/**
 * Bot API parameters, as Telegram takes them: the query string, then the body (JSON, urlencoded or
 * multipart/form-data) on top. Values from forms and the query are strings; methods coerce them.
 */
export async function readParams(
  req: IncomingMessage,
  query: string,
  limit = DEFAULT_BODY_LIMIT,
): Promise<Record<string, unknown>> {
  const params: Record<string, unknown> = parseQuery(query);
  if (req.method === 'GET' || req.method === 'HEAD') return params;
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) return Object.assign(params, await readMultipart(req, limit));
  const raw = await readRaw(req, limit);
  if (raw.length === 0) return params;
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new BodyError(400, "Bad Request: can't parse JSON object");
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new BodyError(400, "Bad Request: can't parse JSON object");
    }
    return Object.assign(params, body);
  }
  // Telegram treats anything else as a url-encoded form.
  return Object.assign(params, parseQuery(raw.toString('utf8')));
}
