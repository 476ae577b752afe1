import { ERROR_STATUS } from './errors';
import { COMMAND_TYPES, DEPRECATED_COMMANDS, EVENT_TYPES } from './generated/routing-keys';
import { loadSchemas, type LoadedSchema } from './schemas';
import {
  DIRECT_REPLY_TO,
  ENVELOPE_CONTENT_TYPE,
  EXCHANGES,
  LANE_DESCRIPTIONS,
  PRIORITIES,
  TRACEPARENT_HEADER,
  commandConsumer,
  routingKeyFor,
} from './topology';

/** A JSON object of the document: AsyncAPI has no types of its own worth importing for a generator. */
type Json = Record<string, unknown>;

export interface AsyncApiOptions {
  /** The broker as the document names it (`host:port`); the api passes the one it is connected to. */
  brokerHost?: string;
  version?: string;
}

const ref = (pointer: string) => ({ $ref: pointer });
const schemaRef = (title: string) => ref(`#/components/schemas/${title}`);

/** `telegram.bot.send` → `telegramBotSend`: ids without dots, as AsyncAPI tooling prefers. */
export function asyncApiId(type: string): string {
  return type.replace(/[._]([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** Every schema under its title, cross-file `$ref`s pointed at the components (as the OpenAPI document does). */
function schemaComponents(schemas: LoadedSchema[]): Record<string, Json> {
  const titles = new Map(schemas.map((s) => [s.schema.$id, s.schema.title]));
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$schema' || key === '$id') continue;
      if (key === '$ref' && typeof value === 'string') {
        const title = titles.get(value);
        if (!title) throw new Error(`unresolved $ref ${value}`);
        out[key] = `#/components/schemas/${title}`;
      } else out[key] = rewrite(value);
    }
    return out;
  };
  return Object.fromEntries(schemas.map(({ schema }) => [schema.title, rewrite(schema) as Json]));
}

/** The schemas the messages use, directly or through `$ref`s (the REST-only bodies belong to OpenAPI). */
function reachable(schemas: LoadedSchema[]): LoadedSchema[] {
  const byId = new Map(schemas.map((s) => [s.schema.$id, s]));
  const seen = new Set<LoadedSchema>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      const target = key === '$ref' && typeof value === 'string' ? byId.get(value) : undefined;
      if (target && !seen.has(target)) {
        seen.add(target);
        visit(target.schema);
      } else visit(value);
    }
  };
  const roots = schemas.filter(
    (s) =>
      /^(commands|events|replies)\//.test(s.rel) ||
      s.rel === 'envelope.json' ||
      s.rel === 'common/reply-error.json',
  );
  for (const root of roots) {
    seen.add(root);
    visit(root.schema);
  }
  return schemas.filter((s) => seen.has(s));
}

/** The envelope with `type` fixed and `data` the message's own schema. */
function envelopeOf(type: string, dataTitle: string): Json {
  return {
    allOf: [
      schemaRef('CloudEvent'),
      { type: 'object', properties: { type: { const: type }, data: schemaRef(dataTitle) } },
    ],
  };
}

const titleOf = (schemas: LoadedSchema[], rel: string): string => {
  const found = schemas.find((s) => s.rel === rel);
  if (!found) throw new Error(`no schema ${rel}`);
  return found.schema.title;
};

const exchangeBinding = (name: string) => ({
  amqp: {
    is: 'routingKey',
    exchange: { name, type: 'topic', durable: true, autoDelete: false, vhost: '/' },
    bindingVersion: '0.3.0',
  },
});

const ERROR_CODES_TABLE = Object.entries(ERROR_STATUS)
  .map(([code, status]) => `\`${code}\` ${status}`)
  .join(', ');

const LANES_TEXT = PRIORITIES.map(
  (p) => `\`${routingKeyFor('<type>', p)}\` (${p}): ${LANE_DESCRIPTIONS[p]}`,
).join('; ');

/**
 * The AsyncAPI 3.0 document of the AMQP API, generated from `schemas/` and the topology of `./topology`: nothing
 * in it is kept by hand, so it cannot drift from what the services validate and route.
 */
export function buildAsyncApi(options: AsyncApiOptions = {}): Json {
  const schemas = loadSchemas();
  const channels: Json = {};
  const operations: Json = {};
  const messages: Json = {};
  const replyMessages: Json = {};

  const headers = {
    type: 'object',
    description: 'AMQP application headers.',
    properties: {
      [TRACEPARENT_HEADER]: {
        type: 'string',
        description: 'W3C trace context of the publishing span (the envelope carries the same value).',
        pattern: '^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      },
    },
  };
  messages['errorReply'] = {
    name: 'errorReply',
    title: 'Error reply',
    summary: 'The answer of a command that failed: a stable problem code and its HTTP-like status.',
    description: `Never retried by the service. Codes: ${ERROR_CODES_TABLE}.`,
    contentType: 'application/json',
    correlationId: ref('#/components/correlationIds/replyCorrelation'),
    payload: {
      type: 'object',
      additionalProperties: false,
      required: ['ok', 'error'],
      properties: { ok: { const: false }, error: schemaRef('ReplyError') },
    },
  };
  replyMessages['errorReply'] = ref('#/components/messages/errorReply');

  for (const type of COMMAND_TYPES) {
    const id = asyncApiId(type);
    const consumer = commandConsumer(type);
    const replacement = (DEPRECATED_COMMANDS as Partial<Record<string, string>>)[type];
    // A deprecated key is still consumed during its window (ADR 0020); the document says what replaces it.
    const deprecation = replacement
      ? {
          text: ` Deprecated: publish \`${replacement}\` instead; \`${type}\` is still consumed during the deprecation window.`,
          marks: { 'x-deprecated': true, 'x-replaced-by': replacement, tags: [{ name: 'deprecated' }] },
        }
      : { text: '', marks: {} };
    messages[id] = {
      name: type,
      title: type,
      summary: `The command ${type}.`,
      contentType: ENVELOPE_CONTENT_TYPE,
      headers,
      correlationId: ref('#/components/correlationIds/replyCorrelation'),
      payload: envelopeOf(type, titleOf(schemas, `commands/${type}.json`)),
    };
    messages[`${id}Reply`] = {
      name: `${type}.reply`,
      title: `${type} reply`,
      summary: `The answer of ${type} when it succeeded.`,
      contentType: 'application/json',
      correlationId: ref('#/components/correlationIds/replyCorrelation'),
      payload: {
        type: 'object',
        additionalProperties: false,
        required: ['ok', 'data'],
        properties: { ok: { const: true }, data: schemaRef(titleOf(schemas, `replies/${type}.json`)) },
      },
    };
    replyMessages[`${id}Reply`] = ref(`#/components/messages/${id}Reply`);
    channels[id] = {
      address: type,
      title: type,
      description:
        `Routing key \`${type}\` on the exchange \`${EXCHANGES.commands}\`` +
        (consumer ? `, consumed by ${consumer}` : '') +
        `. The lane is a prefix of the routing key: ${LANES_TEXT}. The envelope's \`type\` is always \`${type}\`.` +
        deprecation.text,
      messages: { [id]: ref(`#/components/messages/${id}`) },
      bindings: exchangeBinding(EXCHANGES.commands),
    };
    operations[id] = {
      action: 'send',
      title: type,
      summary: `Send ${type}; with reply-to and a correlation id, the service answers.${deprecation.text}`,
      ...deprecation.marks,
      channel: ref(`#/channels/${id}`),
      messages: [ref(`#/channels/${id}/messages/${id}`)],
      reply: {
        address: ref('#/components/replyAddresses/replyTo'),
        channel: ref('#/channels/replies'),
        messages: [
          ref(`#/channels/replies/messages/${id}Reply`),
          ref('#/channels/replies/messages/errorReply'),
        ],
      },
      bindings: { amqp: { deliveryMode: 2, mandatory: false, bindingVersion: '0.3.0' } },
    };
  }

  channels['replies'] = {
    address: null,
    title: 'Replies',
    description:
      `Where a request's answer arrives: the queue named in its \`reply_to\` property (for example RabbitMQ's ` +
      `direct reply-to, \`${DIRECT_REPLY_TO}\`), with the request's \`correlation_id\`. A request published ` +
      'with an `expiration` is dropped unanswered when nobody took it in time.',
    messages: replyMessages,
  };

  for (const type of EVENT_TYPES) {
    const id = asyncApiId(type);
    messages[id] = {
      name: type,
      title: type,
      summary: `The event ${type}.`,
      contentType: ENVELOPE_CONTENT_TYPE,
      headers,
      payload: envelopeOf(type, titleOf(schemas, `events/${type}.json`)),
    };
    channels[id] = {
      address: type,
      title: type,
      description:
        `Routing key \`${type}\` on the exchange \`${EXCHANGES.events}\`. Bind a durable queue of your own ` +
        '(topic patterns such as `telegram.message.*` work); events are at-least-once, deduplicate by the ' +
        "envelope's `id`.",
      messages: { [id]: ref(`#/components/messages/${id}`) },
      bindings: exchangeBinding(EXCHANGES.events),
    };
    operations[id] = {
      action: 'receive',
      title: type,
      summary: `Receive ${type}.`,
      channel: ref(`#/channels/${id}`),
      messages: [ref(`#/channels/${id}/messages/${id}`)],
    };
  }

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Integration Service AMQP API',
      version: options.version ?? '1.0.0',
      description:
        'Commands and events of the Integration Service for other platform services. Every message is a ' +
        'CloudEvents 1.0 envelope in structured JSON mode (`' +
        ENVELOPE_CONTENT_TYPE +
        '`) whose `type` is the routing key and whose `userid` extension names the platform user it acts for ' +
        "(the broker's vhost permissions are the trust boundary). Optional extensions: `traceparent` (W3C trace " +
        'context), `idempotencykey` (a repeated key is answered, not redone), `requestid`. Publish commands to `' +
        EXCHANGES.commands +
        '` and subscribe to events on `' +
        EXCHANGES.events +
        '`. The typed client `@integrations/client` implements all of this.',
    },
    defaultContentType: ENVELOPE_CONTENT_TYPE,
    servers: {
      broker: {
        host: options.brokerHost ?? 'localhost:5672',
        protocol: 'amqp',
        protocolVersion: '0-9-1',
        description: 'RabbitMQ: one vhost per deployment.',
      },
    },
    channels,
    operations,
    components: {
      schemas: schemaComponents(reachable(schemas)),
      messages,
      correlationIds: {
        replyCorrelation: {
          description: "The request's AMQP `correlation_id` property, repeated on its reply.",
          location: '$message.header#/correlation_id',
        },
      },
      replyAddresses: {
        replyTo: {
          description: "The request's AMQP `reply_to` property.",
          location: '$message.header#/reply_to',
        },
      },
    },
  };
}
