import type { IncomingMessage, ServerResponse } from 'node:http';
import { FAULT_KINDS, type FaultKind } from '../faults';
import { BodyError, isObject, readJson, sendEmpty, sendJson, type JsonObject } from '../http';
import { verifySubscription, type WebhookSender } from '../webhooks';
import { ControlError, invalid, notFound, type PhoneNumber, type SentMessage, type World } from '../world';

export interface ControlContext {
  world: World;
  webhooks: WebhookSender;
  /** Timeout of the subscription check (GET with hub.challenge). */
  verifyTimeoutMs?: number;
}

type Answer = { status: number; body?: unknown };
const ok = (body: unknown): Answer => ({ status: 200, body });
const created = (body: unknown): Answer => ({ status: 201, body });
const noContent: Answer = { status: 204 };

function onlyFields(body: JsonObject, allowed: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (!allowed.includes(key)) throw invalid(`unknown field "${key}" (allowed: ${allowed.join(', ')})`);
  }
}

function requiredString(body: JsonObject, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw invalid(`${field} is required (a non-empty string)`);
  return value;
}

function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${field} must be a string`);
  return value;
}

/** A number as the control API shows it: never its token or app secret (those come once, at creation). */
function numberView(number: PhoneNumber) {
  return {
    phoneNumberId: number.phoneNumberId,
    wabaId: number.wabaId,
    displayPhoneNumber: number.displayPhoneNumber,
    verifiedName: number.verifiedName,
    qualityRating: number.qualityRating,
    revoked: number.revoked,
    webhookUrl: number.webhook?.url ?? null,
    templates: number.templates.map((t) => ({ name: t.name, language: t.language, body: t.body })),
  };
}

function messageView(message: SentMessage) {
  const out: JsonObject = { id: message.id, to: message.to, type: message.type };
  if (message.text !== undefined) out.text = message.text;
  if (message.template !== undefined) out.template = message.template;
  if (message.media !== undefined) out.media = message.media;
  out.status = message.status;
  if (message.errors !== undefined) out.errors = message.errors;
  out.timestamp = message.timestamp;
  return out;
}

async function route(ctx: ControlContext, method: string, parts: string[], body: () => Promise<JsonObject>) {
  const { world } = ctx;
  const [head, id, sub, subId, action] = parts;
  const key = [
    method,
    head,
    id === undefined ? undefined : ':',
    sub,
    subId === undefined ? undefined : ':',
    action,
  ]
    .filter((p) => p !== undefined)
    .join(' ');
  switch (key) {
    case 'GET health':
      return ok({ ok: true });

    case 'POST numbers': {
      const b = await body();
      onlyFields(b, ['displayPhoneNumber', 'verifiedName']);
      const number = world.createNumber({
        displayPhoneNumber: optionalString(b, 'displayPhoneNumber'),
        verifiedName: optionalString(b, 'verifiedName'),
      });
      return created({
        phoneNumberId: number.phoneNumberId,
        wabaId: number.wabaId,
        accessToken: number.accessToken,
        appSecret: number.appSecret,
        displayPhoneNumber: number.displayPhoneNumber,
        verifiedName: number.verifiedName,
      });
    }
    case 'GET numbers':
      return ok(world.listNumbers().map(numberView));
    case 'GET numbers :':
      return ok(numberView(world.number(id!)));
    case 'PATCH numbers :': {
      const number = world.number(id!);
      const b = await body();
      onlyFields(b, ['qualityRating', 'verifiedName']);
      const rating = optionalString(b, 'qualityRating');
      if (rating !== undefined && !['GREEN', 'YELLOW', 'RED', 'UNKNOWN'].includes(rating)) {
        throw invalid('qualityRating must be GREEN, YELLOW, RED or UNKNOWN');
      }
      const name = optionalString(b, 'verifiedName');
      if (rating !== undefined) number.qualityRating = rating as PhoneNumber['qualityRating'];
      if (name !== undefined) number.verifiedName = name;
      return ok(numberView(number));
    }

    case 'POST numbers : templates': {
      const number = world.number(id!);
      const b = await body();
      onlyFields(b, ['name', 'language', 'body']);
      const template = world.addTemplate(number, {
        name: requiredString(b, 'name'),
        language: requiredString(b, 'language'),
        body: requiredString(b, 'body'),
      });
      return created({
        name: template.name,
        language: template.language,
        body: template.body,
        status: 'APPROVED',
      });
    }

    case 'POST numbers : inbound': {
      const number = world.number(id!);
      const b = await body();
      onlyFields(b, ['from', 'text', 'name']);
      const message = world.inbound(number, {
        from: requiredString(b, 'from'),
        text: requiredString(b, 'text'),
        name: optionalString(b, 'name'),
      });
      return created({ id: message.id, from: message.from, timestamp: message.timestamp });
    }

    case 'GET numbers : messages':
      return ok(world.number(id!).messages.map(messageView));
    case 'POST numbers : messages : read':
      return ok(messageView(world.read(world.number(id!), decodeURIComponent(subId!))));

    case 'POST numbers : webhook':
    case 'PUT numbers : webhook': {
      const number = world.number(id!);
      const b = await body();
      onlyFields(b, ['url', 'verifyToken']);
      const url = requiredString(b, 'url');
      const verifyToken = requiredString(b, 'verifyToken');
      const problem = await verifySubscription(url, verifyToken, ctx.verifyTimeoutMs);
      if (problem !== undefined) {
        throw new ControlError(422, 'WEBHOOK_VERIFICATION_FAILED', `verification failed: ${problem}`);
      }
      number.webhook = { url, verifyToken };
      return ok({ url, verified: true });
    }
    case 'DELETE numbers : webhook':
      delete world.number(id!).webhook;
      return noContent;
    case 'GET numbers : deliveries':
      world.number(id!);
      return ok(ctx.webhooks.deliveries(id!));

    case 'GET clock':
      return ok({ now: world.clock.seconds() });
    case 'POST clock': {
      const b = await body();
      onlyFields(b, ['advanceSeconds']);
      const seconds = b.advanceSeconds;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
        throw invalid('advanceSeconds must be a non-negative number');
      }
      world.clock.advance(seconds);
      return ok({ now: world.clock.seconds() });
    }

    case 'POST faults': {
      const b = await body();
      onlyFields(b, ['target', 'kind', 'ms', 'count', 'status', 'code', 'message']);
      const kind = requiredString(b, 'kind');
      if (!FAULT_KINDS.includes(kind as FaultKind))
        throw invalid(`kind must be one of ${FAULT_KINDS.join(', ')}`);
      try {
        const fault = world.faults.add({
          target: requiredString(b, 'target'),
          kind: kind as FaultKind,
          ms: b.ms as number | undefined,
          count: b.count as number | undefined,
          status: b.status as number | undefined,
          code: b.code as number | undefined,
          message: b.message as string | undefined,
        });
        return created({ id: fault.id });
      } catch (error) {
        throw invalid((error as Error).message);
      }
    }
    case 'GET faults':
      return ok(world.faults.list());
    case 'DELETE faults':
      world.faults.clear();
      return noContent;
    case 'DELETE faults :':
      if (!world.faults.remove(decodeURIComponent(id!))) throw notFound('fault');
      return noContent;

    case 'GET limits':
      return ok(world.limits);
    case 'PUT limits':
    case 'PATCH limits':
      return ok(world.setLimits(await body()));

    case 'POST reset':
      world.reset();
      ctx.webhooks.reset();
      return noContent;
  }
  return {
    status: 404,
    body: { error: `no route ${method} /_emulator/${parts.join('/')}`, code: 'NOT_FOUND' },
  };
}

/** Serves `/_emulator/...`; errors are `{error, code}` like the Telegram emulator's control API. */
export async function handleControl(
  ctx: ControlContext,
  req: IncomingMessage,
  res: ServerResponse,
  rest: string,
): Promise<void> {
  try {
    let parsed: JsonObject | undefined;
    const body = async (): Promise<JsonObject> => {
      if (parsed !== undefined) return parsed;
      const value = await readJson(req);
      if (value !== undefined && !isObject(value)) throw invalid('the body must be a JSON object');
      parsed = value ?? {};
      return parsed;
    };
    const answer = await route(
      ctx,
      req.method ?? 'GET',
      rest.split('/').filter((p) => p !== ''),
      body,
    );
    if (answer.body === undefined) sendEmpty(res, answer.status);
    else sendJson(res, answer.status, answer.body);
  } catch (error) {
    if (error instanceof ControlError)
      sendJson(res, error.status, { error: error.message, code: error.code });
    else if (error instanceof BodyError) {
      sendJson(res, error.status, {
        error: error.message,
        code: error.status === 413 ? 'TOO_LARGE' : 'INVALID',
      });
    } else sendJson(res, 500, { error: 'internal error', code: 'INTERNAL' });
  }
}
