import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { loadSchemas } from '@integrations/contracts';

const SHARED = /^(resources|rest)\/|^common\/(problem|field-error|via|error-code|whatsapp-[a-z-]+)\.json$/;

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
  // Relative: the document describes the server that serves it (Redocly rejects an empty `servers`).
  document.servers = [{ url: '/', description: 'This deployment of the api' }];
  // An internal API: no open-source licence; SPDX's form for a licence of one's own.
  // (@nestjs/swagger's types are OpenAPI 3.0's, which has no `identifier`.)
  Object.assign(document.info, { license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' } });
  document.components = {
    ...document.components,
    schemas: usedOnly(document, { ...document.components?.schemas, ...schemaComponents() }),
  };
  return document;
}

/**
 * The schemas the paths use, directly or through other schemas: `schemas/` also holds bodies that are parsed
 * from query strings or Telegram's webhook, which the document does not describe as schemas.
 */
function usedOnly<T>(document: OpenAPIObject, schemas: Record<string, T>): Record<string, T> {
  const prefix = '#/components/schemas/';
  const used = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(prefix)) {
        const name = value.slice(prefix.length);
        if (!used.has(name)) {
          used.add(name);
          visit(schemas[name]);
        }
      } else visit(value);
    }
  };
  visit(document.paths);
  return Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
}
