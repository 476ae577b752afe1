import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

export const SCHEMA_BASE = 'https://schemas.integrations.local/';

export interface LoadedSchema {
  /** Path under `schemas/`, e.g. `commands/telegram.bot.send.json`. */
  rel: string;
  schema: { $id: string; title: string } & Record<string, unknown>;
}

/**
 * `schemas/` at the repository root is the contract. Built or not, this package sits two levels below the root
 * (`packages/contracts/{src,dist}`); a deployment that copies the schemas elsewhere sets SCHEMAS_DIR.
 */
export function schemasDir(): string {
  const dir = process.env.SCHEMAS_DIR ?? path.resolve(__dirname, '../../../schemas');
  if (!existsSync(dir)) throw new Error(`JSON schemas not found at ${dir} (set SCHEMAS_DIR)`);
  return dir;
}

export function loadSchemas(dir = schemasDir()): LoadedSchema[] {
  const walk = (current: string): string[] =>
    readdirSync(current, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) return walk(full);
      return entry.name.endsWith('.json') ? [full] : [];
    });
  return walk(dir)
    .sort()
    .map((file) => ({
      rel: path.relative(dir, file).split(path.sep).join('/'),
      schema: JSON.parse(readFileSync(file, 'utf8')) as LoadedSchema['schema'],
    }));
}
