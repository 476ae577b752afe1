import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GraphError,
  invalidParameter,
  invalidToken,
  noToken,
  rateLimitHit,
  unknownPath,
  unsupported,
} from './graph-error';
import { BodyError, isObject, readJson, sendJson, type JsonObject } from './http';
import { verifySubscription } from './webhooks';
import { waId, type PhoneNumber, type SendContent, type World } from './world';

const PATH = /^\/(?:v\d{1,2}\.\d{1,2}\/)?(\d{1,20})(\/messages)?\/?$/;
const MEDIA_TYPES = ['image', 'document', 'audio', 'video'] as const;

function bearer(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const header = req.headers.authorization;
  if (header !== undefined) {
    const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header);
    return match?.[1] ?? '';
  }
  return query.get('access_token') ?? undefined;
}

/** `GET /{version}/{phone-number-id}`: the number as Meta describes it (`?fields=` narrows it). */
function describe(number: PhoneNumber, fields: string | null): JsonObject {
  const all: JsonObject = {
    verified_name: number.verifiedName,
    code_verification_status: 'VERIFIED',
    display_phone_number: number.displayPhoneNumber,
    quality_rating: number.qualityRating,
    platform_type: 'CLOUD_API',
    throughput: { level: 'STANDARD' },
    id: number.phoneNumberId,
  };
  if (fields === null || fields === '') return all;
  const out: JsonObject = {};
  for (const field of fields.split(',').map((f) => f.trim())) if (field in all) out[field] = all[field];
  out.id = number.phoneNumberId;
  return out;
}

function textOf(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value === '')
    throw invalidParameter(`The parameter ${field} is required.`);
  if (value.length > max) throw invalidParameter(`Param ${field} must be at most ${max} characters long.`);
  return value;
}

/** The send request's content, validated as Meta does (each rule a 100 Invalid parameter). */
function parseContent(body: JsonObject): SendContent {
  const type = body.type ?? 'text';
  if (type === 'text') {
    const text = body.text;
    if (!isObject(text)) throw invalidParameter('The parameter text is required.');
    return { type: 'text', text: textOf(text.body, 'text.body', 4096) };
  }
  if (type === 'template') {
    const template = body.template;
    if (!isObject(template)) throw invalidParameter('The parameter template is required.');
    const name = textOf(template.name, 'template.name', 512);
    const language = isObject(template.language) ? template.language.code : undefined;
    const code = textOf(language, 'template.language.code', 20);
    const components = template.components ?? [];
    if (!Array.isArray(components)) throw invalidParameter('Param template.components must be an array.');
    const parameters: string[] = [];
    for (const component of components) {
      if (!isObject(component) || component.type !== 'body') continue;
      const params = component.parameters ?? [];
      if (!Array.isArray(params))
        throw invalidParameter('Param template.components[].parameters must be an array.');
      for (const p of params) {
        if (!isObject(p) || p.type !== 'text' || typeof p.text !== 'string') {
          throw invalidParameter('Body parameters must be {type: "text", text}.');
        }
        parameters.push(p.text);
      }
    }
    return { type: 'template', name, language: code, parameters };
  }
  if (typeof type === 'string' && (MEDIA_TYPES as readonly string[]).includes(type)) {
    const media = body[type];
    if (!isObject(media)) throw invalidParameter(`The parameter ${type} is required.`);
    const hasLink = typeof media.link === 'string' && media.link !== '';
    const hasId = typeof media.id === 'string' && media.id !== '';
    if (hasLink === hasId) throw invalidParameter(`Param ${type} needs exactly one of id, link.`);
    if (media.caption !== undefined && (typeof media.caption !== 'string' || media.caption.length > 1024)) {
      throw invalidParameter(`Param ${type}.caption must be a string of at most 1024 characters.`);
    }
    return {
      type: type as (typeof MEDIA_TYPES)[number],
      media: {
        ...(hasLink ? { link: media.link as string } : { id: media.id as string }),
        ...(typeof media.caption === 'string' ? { caption: media.caption } : {}),
        ...(typeof media.filename === 'string' ? { filename: media.filename } : {}),
      },
    };
  }
  throw invalidParameter(
    `The emulator does not support messages of type ${String(type)} (text, template, image, document, audio, video).`,
  );
}

async function sendMessage(world: World, number: PhoneNumber, req: IncomingMessage) {
  const body = await readJson(req);
  if (!isObject(body)) throw invalidParameter('The request body must be a JSON object.');
  if (body.messaging_product !== 'whatsapp') {
    throw invalidParameter('The parameter messaging_product is required and must be "whatsapp".');
  }
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw invalidParameter('Param recipient_type must be "individual".');
  }
  const rawTo = body.to;
  if ((typeof rawTo !== 'string' && typeof rawTo !== 'number') || String(rawTo) === '') {
    throw invalidParameter('The parameter to is required.');
  }
  const to = waId(String(rawTo));
  if (!/^\d{5,15}$/.test(to)) throw invalidParameter('Param to must be a phone number.');
  const content = parseContent(body);
  const undeliverable = world.faults.take(number.phoneNumberId, ['undeliverable']).length > 0;
  const message = world.send(number, to, content, undeliverable);
  return {
    messaging_product: 'whatsapp',
    contacts: [{ input: String(rawTo), wa_id: to }],
    messages: [
      content.type === 'template' ? { id: message.id, message_status: 'accepted' } : { id: message.id },
    ],
  };
}

/**
 * `POST /{version}/{phone-number-id}` with `webhook_configuration: {override_callback_uri, verify_token}`: Meta's
 * per-number alternate callback URL. The handshake GET runs first; a URL that fails it is not subscribed (2200).
 */
async function overrideCallback(number: PhoneNumber, req: IncomingMessage, verifyTimeoutMs?: number) {
  const body = await readJson(req);
  const config = isObject(body) ? body.webhook_configuration : undefined;
  if (!isObject(config)) throw invalidParameter('The parameter webhook_configuration is required.');
  const url = textOf(config.override_callback_uri, 'webhook_configuration.override_callback_uri', 2048);
  const verifyToken = textOf(config.verify_token, 'webhook_configuration.verify_token', 256);
  const problem = await verifySubscription(url, verifyToken, verifyTimeoutMs);
  if (problem !== undefined)
    throw new GraphError(400, 2200, `(#2200) Callback verification failed: ${problem}`, 'OAuthException');
  number.webhook = { url, verifyToken };
  return { success: true };
}

/** Applies the Graph-side faults of a number; true when the request was answered (or dropped). */
async function applyFaults(world: World, number: PhoneNumber, req: IncomingMessage) {
  const faults = world.faults.take(number.phoneNumberId, [
    'latency',
    'rate_limit',
    'drop',
    'revoke',
    'error',
  ]);
  const delay = faults.reduce((sum, f) => sum + (f.kind === 'latency' ? (f.ms ?? 0) : 0), 0);
  if (delay > 0) await sleep(delay);
  for (const fault of faults) {
    switch (fault.kind) {
      case 'drop':
        req.socket.destroy();
        return true;
      case 'revoke':
        world.revoke(number);
        throw invalidToken();
      case 'rate_limit':
        throw rateLimitHit();
      case 'error':
        throw new GraphError(
          fault.status ?? 500,
          fault.code ?? 131000,
          fault.message ?? '(#131000) Something went wrong',
          'OAuthException',
          undefined,
          'Injected by the emulator.',
        );
      default:
        break;
    }
  }
  return false;
}

/**
 * The Graph API subset: `GET /{version}/{phone-number-id}`, `POST /{version}/{phone-number-id}` (the webhook
 * override) and `POST /{version}/{phone-number-id}/messages`.
 */
export async function handleGraph(
  world: World,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  verifyTimeoutMs?: number,
): Promise<void> {
  try {
    const match = PATH.exec(url.pathname);
    const token = bearer(req, url.searchParams);
    if (token === undefined) throw noToken();
    const owner = world.byAccessToken(token);
    if (owner === undefined) throw invalidToken();
    if (match === null) throw unknownPath(url.pathname);
    const [, id, messages] = match;
    const method = req.method ?? 'GET';
    // A token sees its own number only; anything else is Graph's "does not exist or missing permissions".
    if (id !== owner.phoneNumberId) throw unsupported(method.toLowerCase(), id!);
    const number = owner;
    if (method === 'GET' && messages === undefined) {
      if (await applyFaults(world, number, req)) return;
      return sendJson(res, 200, describe(number, url.searchParams.get('fields')));
    }
    if (method === 'POST' && messages === undefined) {
      if (await applyFaults(world, number, req)) return;
      return sendJson(res, 200, await overrideCallback(number, req, verifyTimeoutMs));
    }
    if (method === 'POST' && messages !== undefined) {
      if (await applyFaults(world, number, req)) return;
      return sendJson(res, 200, await sendMessage(world, number, req));
    }
    throw unsupported(method.toLowerCase(), id!);
  } catch (error) {
    if (res.writableEnded || res.destroyed) return;
    if (error instanceof GraphError) return sendJson(res, error.status, error.toBody());
    if (error instanceof BodyError) {
      return sendJson(res, error.status, invalidParameter(error.message).toBody());
    }
    process.stderr.write(
      `${JSON.stringify({ 'log.level': 'error', message: 'Graph API request failed', error: { message: (error as Error).message } })}\n`,
    );
    sendJson(res, 500, new GraphError(500, 1, 'An unknown error occurred', 'OAuthException').toBody());
  }
}
