import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export const root = path.resolve(__dirname, '../../..');

export const read = (rel: string): string => readFileSync(path.join(root, rel), 'utf8');
/** YAML as compose and kustomize read it (with `<<` merge keys). */
export const readYaml = <T>(rel: string): T => parse(read(rel), { merge: true }) as T;
export const list = (rel: string, ext: string): string[] =>
  readdirSync(path.join(root, rel))
    .filter((f) => f.endsWith(ext))
    .sort()
    .map((f) => `${rel}/${f}`);

/** Runs a tool from the PATH (promtool, amtool, kubectl); its output, or its failure with what it printed. */
export function tool(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`);
  }
}

export function yamlDocuments(text: string): Record<string, unknown>[] {
  return parseAllDocuments(text)
    .map((d) => d.toJSON() as Record<string, unknown> | null)
    .filter((d): d is Record<string, unknown> => d !== null);
}

export interface RuleGroup {
  name: string;
  rules: {
    alert?: string;
    record?: string;
    expr: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }[];
}

export const ruleGroups = (): RuleGroup[] =>
  list('monitoring/prometheus/rules', '.yml').flatMap((f) => readYaml<{ groups: RuleGroup[] }>(f).groups);
