#!/usr/bin/env node
// Generates the TypeScript types of every schema in `schemas/` (the contract) into src/generated/.
// `--check` regenerates in memory and fails when the checked-in files differ, so CI catches a forgotten run.
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from 'json-schema-to-typescript';
import prettier from 'prettier';

const here = path.dirname(fileURLToPath(import.meta.url));
const schemasDir = path.resolve(here, '../../../schemas');
const outDir = path.resolve(here, '../src/generated');
const check = process.argv.includes('--check');

const files = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? files(path.join(dir, entry.name))
      : entry.name.endsWith('.json')
        ? [path.join(dir, entry.name)]
        : [],
  );
const schemas = files(schemasDir)
  .sort()
  .map((file) => ({
    rel: path.relative(schemasDir, file).split(path.sep).join('/'),
    schema: JSON.parse(readFileSync(file, 'utf8')),
  }));
const titleById = new Map(schemas.map(({ schema }) => [schema.$id, schema.title]));

/** One schema with every file under $defs, cross-file $refs turned into local ones: one type per title. */
function rewrite(node) {
  if (Array.isArray(node)) return node.map(rewrite);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || key === '$id') continue;
    if (key === '$ref') {
      const title = titleById.get(value);
      if (!title) throw new Error(`unresolved $ref ${value}`);
      out.$ref = `#/$defs/${title}`;
    } else out[key] = rewrite(value);
  }
  return out;
}
const combined = {
  title: 'Contracts',
  type: 'object',
  $defs: Object.fromEntries(schemas.map(({ schema }) => [schema.title, rewrite(schema)])),
};
const types = await compile(combined, 'Contracts', {
  additionalProperties: false,
  unreachableDefinitions: true,
  bannerComment: '',
  format: false,
  // Bounded arrays (maxItems) stay plain arrays; a union of tuples says nothing the validator does not check.
  maxItems: -1,
});

// A reply that is only a $ref is deduplicated into the referenced type by the compiler: name that type.
const keysOf = (dir) =>
  schemas
    .filter((s) => s.rel.startsWith(`${dir}/`))
    .map((s) => ({
      key: path.basename(s.rel, '.json'),
      title: titleById.get(s.schema.$ref) ?? s.schema.title,
    }));
const commands = keysOf('commands');
const replies = keysOf('replies');
const events = keysOf('events');
const map = (name, list) =>
  `export interface ${name} {\n${list.map((k) => `  '${k.key}': ${k.title};`).join('\n')}\n}`;
const keys = [
  `import type { ${[...new Set([...commands, ...replies, ...events].map((k) => k.title))].sort().join(', ')} } from './types';`,
  `export const COMMAND_TYPES = [${commands.map((k) => `'${k.key}'`).join(', ')}] as const;`,
  `export type CommandType = (typeof COMMAND_TYPES)[number];`,
  `export const EVENT_TYPES = [${events.map((k) => `'${k.key}'`).join(', ')}] as const;`,
  `export type EventType = (typeof EVENT_TYPES)[number];`,
  '/** Deprecated command keys and the key that replaces each: still consumed, no longer published by the api. */',
  `export const DEPRECATED_COMMANDS = {\n${schemas
    .filter((s) => s.rel.startsWith('commands/') && s.schema.deprecated === true)
    .map((s) => `  '${path.basename(s.rel, '.json')}': '${path.basename(s.schema.$ref, '.json')}',`)
    .join('\n')}\n} as const satisfies Partial<Record<CommandType, CommandType>>;`,
  map('CommandDataMap', commands),
  map('ReplyDataMap', replies),
  map('EventDataMap', events),
  `export const REST_BODIES = [${schemas
    .filter((s) => s.rel.startsWith('rest/'))
    .map((s) => `'${path.basename(s.rel, '.json')}'`)
    .join(', ')}] as const;`,
  `export type RestBodyName = (typeof REST_BODIES)[number];`,
].join('\n\n');

const banner =
  '// Generated from schemas/ by `pnpm --filter @integrations/contracts run generate`. Do not edit.\n';
const config = (await prettier.resolveConfig(outDir)) ?? {};
const outputs = {
  'types.ts': await prettier.format(banner + types, { ...config, parser: 'typescript' }),
  'routing-keys.ts': await prettier.format(banner + keys + '\n', { ...config, parser: 'typescript' }),
};
if (check) {
  const stale = Object.entries(outputs).filter(([name, text]) => {
    try {
      return readFileSync(path.join(outDir, name), 'utf8') !== text;
    } catch {
      return true;
    }
  });
  if (stale.length > 0) {
    console.error(
      `generated types are out of date (${stale.map(([n]) => n).join(', ')}): run pnpm --filter @integrations/contracts run generate`,
    );
    process.exit(1);
  }
  console.log(`generated types are up to date (${schemas.length} schemas)`);
} else {
  mkdirSync(outDir, { recursive: true });
  for (const [name, text] of Object.entries(outputs)) writeFileSync(path.join(outDir, name), text);
  console.log(`generated ${Object.keys(outputs).join(', ')} from ${schemas.length} schemas`);
}
