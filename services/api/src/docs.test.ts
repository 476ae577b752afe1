import { Parser } from '@asyncapi/parser';
import { COMMAND_TYPES, EVENT_TYPES, EXCHANGES, asyncApiId } from '@integrations/contracts';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startHarness, type Harness } from '../test/harness';

/** Severities of the AsyncAPI parser's diagnostics (Spectral's): 0 error, 1 warning, 2 information, 3 hint. */
const ERROR = 0;
const WARNING = 1;

interface LintProblem {
  rule: string;
  severity: 'error' | 'warn';
  message: string;
  where: string;
}

/** Redocly's `recommended` rules, in a child process (the linter is ESM-only; see the script). */
function redoclyLint(document: string): Promise<LintProblem[]> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.resolve(__dirname, '../scripts/lint-openapi.mjs')],
      { cwd: path.resolve(__dirname, '..') },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`lint failed: ${stderr}`));
        else resolve(JSON.parse(stdout) as LintProblem[]);
      },
    );
    child.stdin?.end(document);
  });
}

type Json = Record<string, unknown>;

describe('API documents', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(async () => ({}));
  });
  afterAll(async () => {
    await h.close();
  });
  const get = (p: string) => fetch(`${h.api.url}${p}`);

  it('serves an AsyncAPI 3.0 document the official parser accepts without errors or warnings', async () => {
    const res = await get('/api/docs/asyncapi.json');
    expect(res.status).toBe(200);
    const text = await res.text();
    const { document, diagnostics } = await new Parser().parse(text);
    const serious = diagnostics.filter((d) => d.severity === ERROR || d.severity === WARNING);
    expect(serious.map((d) => `${d.code}: ${d.message} at ${d.path.join('/')}`)).toEqual([]);
    expect(document?.version()).toBe('3.0.0');
    // The broker's host is named, never its credentials.
    expect(text).not.toContain('guest');
  });

  it('documents every command with its exchange, routing key, payload, reply and error reply', async () => {
    const doc = (await (await get('/api/docs/asyncapi.json')).json()) as Json;
    const channels = doc['channels'] as Record<string, Json>;
    const operations = doc['operations'] as Record<string, Json>;
    const messages = (doc['components'] as { messages: Record<string, Json> }).messages;
    for (const type of COMMAND_TYPES) {
      const id = asyncApiId(type);
      expect(channels[id]).toMatchObject({
        address: type,
        bindings: { amqp: { is: 'routingKey', exchange: { name: EXCHANGES.commands, type: 'topic' } } },
      });
      expect(operations[id]).toMatchObject({
        action: 'send',
        reply: {
          messages: [
            { $ref: `#/channels/replies/messages/${id}Reply` },
            { $ref: '#/channels/replies/messages/errorReply' },
          ],
        },
      });
      expect(messages[id]).toMatchObject({
        contentType: 'application/cloudevents+json',
        headers: { properties: { traceparent: { type: 'string' } } },
      });
    }
    for (const type of EVENT_TYPES) {
      expect(channels[asyncApiId(type)]).toMatchObject({
        address: type,
        bindings: { amqp: { exchange: { name: EXCHANGES.events } } },
      });
      expect(operations[asyncApiId(type)]).toMatchObject({ action: 'receive' });
    }
    expect(Object.keys(operations)).toHaveLength(COMMAND_TYPES.length + EVENT_TYPES.length);
    // The send command's data is the contract's schema, inside the CloudEvents envelope with its extensions.
    expect(messages[asyncApiId('telegram.bot.send')]?.['payload']).toEqual({
      allOf: [
        { $ref: '#/components/schemas/CloudEvent' },
        {
          type: 'object',
          properties: {
            type: { const: 'telegram.bot.send' },
            data: { $ref: '#/components/schemas/TelegramBotSendCommand' },
          },
        },
      ],
    });
    const schemas = (doc['components'] as { schemas: Record<string, { properties?: Json }> }).schemas;
    expect(Object.keys(schemas['CloudEvent']?.properties ?? {})).toEqual(
      expect.arrayContaining(['traceparent', 'idempotencykey', 'userid']),
    );
    expect(JSON.stringify(messages['errorReply'])).toContain('TELEGRAM_FLOOD_WAIT');
  });

  it('serves the same document as YAML, and a page of it', async () => {
    const json = (await (await get('/api/docs/asyncapi.json')).json()) as Json;
    const yaml = await get('/api/docs/asyncapi.yaml');
    expect(yaml.headers.get('content-type')).toContain('application/yaml');
    expect(parseYaml(await yaml.text())).toEqual(json);
    const page = await get('/api/docs/asyncapi');
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    for (const key of [
      'telegram.bot.send',
      'telegram.message.sent',
      'integrations.commands',
      'TELEGRAM_FLOOD_WAIT',
    ])
      expect(html).toContain(key);
    expect(html).toContain('href="/api/docs/asyncapi.yaml"');
  });

  it('serves an OpenAPI document that lints clean with Redocly’s recommended rules', async () => {
    const problems = await redoclyLint(await (await get('/api/docs-json')).text());
    expect(problems).toEqual([]);
  });
});
