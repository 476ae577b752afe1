import type { Request, Response, Router } from 'express';
import express from 'express';
import { stringify } from 'yaml';

type Json = Record<string, unknown>;

const escape = (text: unknown): string =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

/** `code` spans of the document's Markdown-ish descriptions, nothing else. */
const prose = (text: unknown): string => escape(text ?? '').replace(/`([^`]+)`/g, '<code>$1</code>');

const lastSegment = (pointer: unknown): string =>
  typeof pointer === 'string' ? pointer.slice(pointer.lastIndexOf('/') + 1) : '';

/** The title of the JSON Schema a message's envelope carries as `data` (see buildAsyncApi). */
function dataSchema(message: Json | undefined): string {
  const payload = message?.['payload'] as
    { allOf?: { properties?: { data?: { $ref?: string } } }[]; properties?: Json } | undefined;
  const data = payload?.allOf?.[1]?.properties?.data?.$ref;
  if (data) return lastSegment(data);
  const inner = payload?.properties?.['data'] as { $ref?: string } | undefined;
  return lastSegment(inner?.$ref);
}

/** A self-contained HTML page of the document (no scripts, no CDN): one table of commands, one of events. */
export function renderAsyncApiPage(doc: Json): string {
  const info = doc['info'] as { title: string; version: string; description: string };
  const channels = doc['channels'] as Record<string, Json>;
  const operations = doc['operations'] as Record<string, Json>;
  const messages = (doc['components'] as { messages: Record<string, Json> }).messages;
  const exchangeOf = (channel: Json) =>
    ((channel['bindings'] as { amqp?: { exchange?: { name?: string } } }).amqp?.exchange?.name ??
      '') as string;
  const rows = (action: string) =>
    Object.entries(operations)
      .filter(([, op]) => op['action'] === action)
      .map(([id, op]) => {
        const channel = channels[lastSegment((op['channel'] as { $ref: string }).$ref)] ?? {};
        const reply =
          action === 'send'
            ? `<td><code>${escape(dataSchema(messages[`${id}Reply`]))}</code> or <a href="#errors">error reply</a></td>`
            : '';
        return (
          `<tr id="${escape(id)}"><td><code>${escape(channel['address'])}</code></td>` +
          `<td><code>${escape(exchangeOf(channel))}</code></td>` +
          `<td><code>${escape(dataSchema(messages[id]))}</code></td>${reply}</tr>`
        );
      })
      .join('\n');
  const errorReply = messages['errorReply'] ?? {};
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:72rem;line-height:1.5}
table{border-collapse:collapse;width:100%;margin-bottom:2rem}td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
th{background:#f2f2f2}code{font-size:.9em}</style></head>
<body><main>
<h1>${escape(info.title)} <small>${escape(info.version)}</small></h1>
<p>${prose(info.description)}</p>
<p>The document: <a href="/api/docs/asyncapi.json">asyncapi.json</a> · <a href="/api/docs/asyncapi.yaml">asyncapi.yaml</a> (AsyncAPI 3.0; the payload schemas are under <code>components.schemas</code>). The REST API: <a href="/api/docs">OpenAPI</a>.</p>
<h2>Commands</h2>
<table><thead><tr><th>Routing key</th><th>Exchange</th><th>Data</th><th>Reply data</th></tr></thead>
<tbody>
${rows('send')}
</tbody></table>
<h2 id="errors">Error reply</h2>
<p>${prose(errorReply['summary'])} ${prose(errorReply['description'])}</p>
<h2>Events</h2>
<table><thead><tr><th>Routing key</th><th>Exchange</th><th>Data</th></tr></thead>
<tbody>
${rows('receive')}
</tbody></table>
</main></body></html>
`;
}

/**
 * `/api/docs/asyncapi.json`, `.yaml` and the page `/api/docs/asyncapi`: the document is built once, when the api
 * starts (it depends only on `schemas/` and the topology).
 */
export function asyncApiRoutes(doc: Json): Router {
  const json = JSON.stringify(doc, null, 2);
  const yaml = stringify(doc, { aliasDuplicateObjects: false });
  const page = renderAsyncApiPage(doc);
  const router = express.Router();
  router.get('/api/docs/asyncapi.json', (_req: Request, res: Response) => {
    res.type('application/json').send(json);
  });
  router.get('/api/docs/asyncapi.yaml', (_req: Request, res: Response) => {
    res.type('application/yaml').send(yaml);
  });
  router.get('/api/docs/asyncapi', (_req: Request, res: Response) => {
    res.type('text/html').send(page);
  });
  return router;
}
