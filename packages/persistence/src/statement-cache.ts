import { isDeepStrictEqual } from 'node:util';
import { CompiledQuery, type Compilable } from 'kysely';

/** Where a value goes in a cached statement: the index of the value among the call's values, in walk order. */
class Slot {
  constructor(readonly index: number) {}
}

interface Template {
  sql: string;
  /** Each parameter: a value's slot, or a constant that the builder put in itself. */
  parameters: ReadonlyArray<Slot | { constant: unknown }>;
}

/**
 * The statements a service sends on every request (the ledger's insert and settle, the outbox's relay, the audit
 * entry), built and compiled by Kysely once per shape and then reused with each call's values.
 *
 * Why: building and compiling a query is Kysely's immutable builders and an operation-node visitor, which took
 * about as much of the bot connector's CPU as mysql2's socket writes did (CPU profiles under the send benchmark).
 * The SQL of a statement depends only on its shape; its values travel as parameters, escaped by mysql2 as before.
 *
 * `values`: every value of the statement, as plain objects and arrays of data (a row to insert, a list of ids for
 * `in`). The builder gets them with each data value replaced by a slot, and the shape (object keys, array lengths,
 * which values are undefined) is part of the cache key, so an insert of other columns or a list of other length is
 * compiled anew. Everything else that changes the SQL (an optional clause, a raw `sql` fragment) must be decided
 * by `name` and built inside `build`, never passed in `values`. With `verify` (on under tests), every call is also
 * compiled the ordinary way and must give the same SQL and parameters, so a name that hides a second shape fails the
 * test that reaches it instead of sending the wrong statement.
 */
export class StatementCache {
  private readonly templates = new Map<string, Template>();

  constructor(private readonly verify = process.env.NODE_ENV === 'test') {}

  compile<V>(name: string, values: V, build: (values: V) => Compilable): CompiledQuery {
    const leaves: unknown[] = [];
    const shape = walk(values, leaves);
    const key = `${name}|${shape}`;
    let template = this.templates.get(key);
    if (!template) {
      const compiled = build(slotted(values, { next: 0 }) as V).compile();
      template = {
        sql: compiled.sql,
        parameters: compiled.parameters.map((p) => (p instanceof Slot ? p : { constant: p })),
      };
      this.templates.set(key, template);
    }
    const parameters = new Array<unknown>(template.parameters.length);
    template.parameters.forEach((p, i) => {
      parameters[i] = p instanceof Slot ? leaves[p.index] : p.constant;
    });
    if (this.verify) {
      const fresh = build(values).compile();
      if (fresh.sql !== template.sql || !isDeepStrictEqual([...fresh.parameters], parameters)) {
        throw new Error(
          `the cached statement "${name}" does not match a fresh compile: its shape is not all in its name`,
        );
      }
    }
    return CompiledQuery.raw(template.sql, parameters);
  }
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null);

/**
 * The shape of `value` as a string, its data values appended to `leaves` in walk order. Keys are written as they
 * are: they are column and field names of our own code, never user input.
 */
function walk(value: unknown, leaves: unknown[]): string {
  if (Array.isArray(value)) {
    let shape = '[';
    for (const item of value) shape += walk(item, leaves) + ',';
    return shape + ']';
  }
  if (isPlainObject(value)) {
    let shape = '{';
    for (const key in value) shape += key + ':' + walk(value[key], leaves) + ',';
    return shape + '}';
  }
  if (value === undefined) return 'u';
  leaves.push(value);
  return '';
}

/** `value` with each data value replaced by its slot, numbered in the order `walk` appends them. */
function slotted(value: unknown, counter: { next: number }): unknown {
  if (Array.isArray(value)) return value.map((item) => slotted(item, counter));
  if (isPlainObject(value)) {
    const copy: Record<string, unknown> = {};
    for (const key in value) copy[key] = slotted(value[key], counter);
    return copy;
  }
  if (value === undefined) return undefined;
  return new Slot(counter.next++);
}
