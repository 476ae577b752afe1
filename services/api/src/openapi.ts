import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { loadSchemas } from '@integrations/contracts';

const SHARED = /^(resources|rest)\/|^common\/(problem|field-error|via|error-code)\.json$/;

/** The JSON Schemas of `schemas/` as OpenAPI 3.1 components: one source for validation, types and docs. */
export function schemaComponents(): Record<string, Record<string, unknown>> {
  const schemas = loadSchemas().filter((s) => SHARED.test(s.rel));
  const titles = new Map(loadSchemas().map((s) => [s.schema.$id, s.schema.title]));
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === '$schema' || key === '$id') continue;
      out[key] =
        key === '$ref' && typeof value === 'string'
          ? `#/components/schemas/${titles.get(value) ?? value}`
          : rewrite(value);
    }
    return out;
  };
  return Object.fromEntries(
    schemas.map(({ schema }) => [schema.title, rewrite(schema) as Record<string, unknown>]),
  );
}

export function buildOpenApi(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Integration Service API')
    .setDescription(
      'Connect Telegram accounts, bots, channels and groups and send through them. Errors are RFC 9457 ' +
        'problem+json with a stable `code`. Lists take `limit` (1..100) and `cursor`.',
    )
    .setVersion('1.0.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.openapi = '3.1.0';
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...schemaComponents() },
  };
  return document;
}
