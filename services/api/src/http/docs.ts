import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';

const ref = (title: string) => ({ $ref: `#/components/schemas/${title}` });
/** One schema, or one of several (a resource that differs by platform). */
const refs = (titles: string | string[]) =>
  typeof titles === 'string' ? ref(titles) : { oneOf: titles.map(ref) };
/** A problem+json error response of a route. */
export const problem = (status: number, description: string) =>
  ApiResponse({ status, description, content: { 'application/problem+json': { schema: ref('Problem') } } });

/** The OpenAPI description of one route; schemas come from `schemas/` (see openapi.ts). */
export function Doc(options: {
  tag: string;
  summary: string;
  body?: string;
  ok: { status: number; schema?: string | string[]; description?: string };
  errors?: [number, string][];
  idempotent?: boolean;
  /** `Prefer: respond-async` is offered; a schema's title names its 202 body (the Telegram `Message` by default). */
  async?: boolean | string;
}) {
  return applyDecorators(
    ApiTags(options.tag),
    ApiBearerAuth(),
    ApiOperation({ summary: options.summary }),
    ...(options.body ? [ApiBody({ schema: ref(options.body) })] : []),
    ApiResponse({
      status: options.ok.status,
      description: options.ok.description ?? 'OK',
      ...(options.ok.schema ? { schema: refs(options.ok.schema) } : {}),
    }),
    ...(options.idempotent
      ? [
          ApiHeader({
            name: 'Idempotency-Key',
            required: false,
            description: 'Replays the first answer for 24 h.',
          }),
        ]
      : []),
    ...(options.async
      ? [
          ApiHeader({ name: 'Prefer', required: false, description: '`respond-async`: answer 202 at once.' }),
          ApiResponse({
            status: 202,
            description: 'Queued; see Location',
            schema: ref(typeof options.async === 'string' ? options.async : 'Message'),
          }),
        ]
      : []),
    problem(401, 'Missing or invalid token'),
    problem(403, 'Missing scope'),
    ...(options.errors ?? []).map(([status, description]) => problem(status, description)),
    problem(429, 'Rate limited'),
  );
}
