import { keyRotationMetrics, type Logger, type Registry } from '@integrations/observability';
import { sql, type Kysely } from 'kysely';
import { enqueueOutbox, type OutboxEnvelope, type OutboxRelay, type OutboxTable } from './outbox';

/** What the job needs of a `SecretCipher` (packages/secrets), named structurally to keep the packages apart. */
export interface RewrapCipher {
  rotate(keyName: string): Promise<number>;
  currentVersion(keyName: string): Promise<number>;
  rewrap(
    keyName: string,
    ciphertext: string,
    context?: string,
  ): Promise<{ ciphertext: string; keyVersion: number }>;
}

/**
 * An encrypted column of one table and the column that records its key version. A nullable column (a secret not
 * every row has) keeps a null version where it is null, so it is never counted or rewrapped there.
 */
export interface EncryptedColumn {
  table: string;
  id: string;
  ciphertext: string;
  version: string;
  /**
   * Ciphertexts bound to their row: `rowKey` and `user` name the columns the context is made of, `of` makes it
   * (the service's `rowContext`). Rows still unbound (written before binding) are rewrapped bound, as a migration.
   */
  binding?: {
    rowKey: string;
    user: string;
    of: (row: { rowKey: string; user: string }) => string;
  };
}

export interface KeyRotationResult {
  keyName: string;
  version: number;
  pendingRows: number;
}

type RotationEvent = 'security.key.rotated' | 'security.key.rewrapped';

const BATCH = 100;

/**
 * Key rotation for one key and the columns it encrypts: a new key version first (new writes use it at once, old
 * rows still decrypt), then a rewrap of every row still on an older version, in small batches, each row updated
 * only if nobody changed it meanwhile. Resumable by construction: it works on "rows with an older version", so a
 * restart simply continues. Progress is in metrics and, through the outbox, the audit log.
 */
export class KeyRotationJob {
  private running: Promise<void> | undefined;
  private readonly metrics: ReturnType<typeof keyRotationMetrics>;
  private readonly columns: readonly EncryptedColumn[];

  constructor(
    private readonly deps: {
      db: Kysely<OutboxTable>;
      cipher: RewrapCipher;
      keyName: string;
      /** Every column this key encrypts (one rotation, each column rewrapped in turn). */
      column: EncryptedColumn | readonly EncryptedColumn[];
      /** Builds the audit event's envelope, as the acting user (`ctx`) of the rotation. */
      envelope: <C extends { userId: string }>(type: RotationEvent, data: object, ctx: C) => OutboxEnvelope;
      relay: OutboxRelay;
      logger: Logger;
      registry: Registry;
    },
  ) {
    this.metrics = keyRotationMetrics(deps.registry);
    this.columns = Array.isArray(deps.column) ? deps.column : [deps.column as EncryptedColumn];
  }

  async rotate<C extends { userId: string }>(ctx: C): Promise<KeyRotationResult> {
    const { keyName } = this.deps;
    const version = await this.deps.cipher.rotate(keyName);
    const pendingRows = await this.countOld(version);
    await this.audit('security.key.rotated', { userId: ctx.userId, keyName, version }, ctx);
    void this.start(ctx);
    return { keyName, version, pendingRows };
  }

  /** Continues (or starts) the rewrap in the background; one at a time per replica. */
  start<C extends { userId: string }>(ctx: C): Promise<void> {
    this.running ??= this.rewrapAll(ctx)
      .catch((error: unknown) => {
        this.deps.logger.error('rewrap stopped; it resumes on the next rotation or restart', {
          error,
          keyName: this.deps.keyName,
        });
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Ciphertexts (of every column) still on an older version than `version`. */
  private async countOld(version: number): Promise<number> {
    let n = 0;
    for (const { table, version: versionColumn } of this.columns) {
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from ${sql.table(table)} where ${sql.ref(versionColumn)} < ${version}`.execute(
        this.deps.db,
      );
      n += Number(rows[0]?.n ?? 0);
    }
    this.metrics.onOldVersion.set({ key: this.deps.keyName }, n);
    return n;
  }

  private async rewrapAll<C extends { userId: string }>(ctx: C): Promise<void> {
    const { cipher, keyName } = this.deps;
    const version = await cipher.currentVersion(keyName);
    let total = 0;
    for (const column of this.columns) total += await this.rewrapColumn(column, version);
    // Nothing moved (the start-up check with every row current) is not an event worth auditing.
    if (total === 0) return;
    // `rows`: ciphertexts moved, one per encrypted column of a row.
    await this.audit('security.key.rewrapped', { userId: ctx.userId, keyName, version, rows: total }, ctx);
    this.deps.logger.info('rewrap finished', { keyName, version, rows: total });
  }

  /** Rewraps one column's ciphertexts still on an older version (or unbound); answers how many it moved. */
  private async rewrapColumn(column: EncryptedColumn, version: number): Promise<number> {
    const { db, cipher, keyName } = this.deps;
    const { table, id, ciphertext, version: versionColumn, binding } = column;
    // Bound ciphertexts read `local:v3:b:…` / `vault:v3:b:…`; anything else is still to be bound (a null is none).
    const unbound = binding
      ? sql`or (${sql.ref(ciphertext)} not like 'local:v%:b:%' and ${sql.ref(ciphertext)} not like 'vault:v%:b:%')`
      : sql``;
    let total = 0;
    for (;;) {
      const { rows } = await sql<{ id: string; enc: string; row_key: string | null; owner: string | null }>`
        select ${sql.ref(id)} as id, ${sql.ref(ciphertext)} as enc,
               ${binding ? sql.ref(binding.rowKey) : sql`null`} as row_key,
               ${binding ? sql.ref(binding.user) : sql`null`} as owner
          from ${sql.table(table)}
         where ${sql.ref(ciphertext)} is not null
           and (${sql.ref(versionColumn)} < ${version} ${unbound}) limit ${BATCH}`.execute(db);
      if (rows.length === 0) break;
      let moved = 0;
      for (const row of rows) {
        const context = binding
          ? binding.of({ rowKey: String(row.row_key), user: String(row.owner) })
          : undefined;
        const sealed = await cipher.rewrap(keyName, row.enc, context);
        const result = await sql`
          update ${sql.table(table)}
             set ${sql.ref(ciphertext)} = ${sealed.ciphertext}, ${sql.ref(versionColumn)} = ${sealed.keyVersion}
           where ${sql.ref(id)} = ${row.id} and ${sql.ref(ciphertext)} = ${row.enc}`.execute(db);
        // A row rewritten meanwhile (its secret replaced) already carries the new version: not ours to count.
        if (!result.numAffectedRows) continue;
        moved += 1;
        total += 1;
        this.metrics.rewrapped.inc({ key: keyName });
      }
      await this.countOld(version);
      // Every row of the batch was rewritten by others meanwhile: the next select finds what is left.
      if (moved === 0 && rows.length < BATCH) break;
    }
    return total;
  }

  private async audit<C extends { userId: string }>(
    type: RotationEvent,
    data: object,
    ctx: C,
  ): Promise<void> {
    await this.deps.db
      .transaction()
      .execute((trx) => enqueueOutbox(trx, this.deps.envelope(type, data, ctx)));
    this.deps.relay.kick();
  }
}
