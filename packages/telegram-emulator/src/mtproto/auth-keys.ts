import { randomBytes } from 'node:crypto';
import { authKeyMaterial, type AuthKeyMaterial } from './crypto';

/** What a live connection offers the key registry: pushing updates and being told it was superseded. */
export interface LiveConnection {
  readonly sessionId: bigint | undefined;
  readonly closed: boolean;
  /** Set when a newer connection took over this auth key (its calls then fail with AUTH_KEY_DUPLICATED). */
  duplicated: boolean;
  push(update: { getBytes(): Buffer }): void;
}

/** SRP state handed out by `account.getPassword`, checked by `auth.checkPassword`. */
export interface PendingSrp {
  srpId: bigint;
  userId: number;
  b: Buffer;
  B: Buffer;
}

export interface AuthKeyRecord {
  material: AuthKeyMaterial;
  /** The server salt this key's sessions are told in `new_session_created`. */
  salt: Buffer;
  createdAt: number;
  /** The signed-in user; undefined until a login finishes and after `auth.logOut` or a revoke. */
  userId?: number;
  /** `auth.signIn` answered SESSION_PASSWORD_NEEDED for this user: a password check may finish the login. */
  passwordPendingFor?: number;
  srp?: PendingSrp;
  /** QR login tokens this key handed out lately (the approved one finishes the login). */
  qrTokens?: string[];
  connections: Set<LiveConnection>;
}

export interface AuthKeyStats {
  authKeys: number;
  authorized: number;
  connections: number;
  /** How many times a second live connection took over an auth key (AUTH_KEY_DUPLICATED answered). */
  duplicates: number;
}

/** An auth key as the state file keeps it: the key, its salt and who is signed in on it. */
export interface SavedAuthKey {
  key: string;
  salt: string;
  createdAt: number;
  userId?: number;
}

/**
 * Every auth key the server has agreed with a client, for the life of the process (so a client that restarts
 * with a saved StringSession resumes) and, with a state file, across restarts; and which user each is signed
 * in as. `onChange` hears of every key added and every sign-in or sign-out.
 */
export class AuthKeyStore {
  private readonly keys = new Map<bigint, AuthKeyRecord>();
  /** Signed-in keys by user: pushing a message to a user must not walk every key of the server. */
  private readonly byUser = new Map<number, Set<AuthKeyRecord>>();
  private duplicates = 0;

  /** Set by the server once a saved state is loaded, so loading it does not count as a change. */
  onChange: () => void = () => undefined;

  add(material: AuthKeyMaterial, saved?: Omit<SavedAuthKey, 'key'>): AuthKeyRecord {
    const record: AuthKeyRecord = {
      material,
      salt: saved ? Buffer.from(saved.salt, 'base64') : randomBytes(8),
      createdAt: saved?.createdAt ?? Date.now(),
      connections: new Set(),
    };
    this.keys.set(material.id, record);
    if (saved?.userId !== undefined) this.signIn(record, saved.userId);
    else this.onChange();
    return record;
  }

  /** The keys to keep: only those a client could come back with (every key; sessions are small). */
  snapshot(): SavedAuthKey[] {
    return [...this.keys.values()].map((record) => ({
      key: record.material.key.toString('base64'),
      salt: record.salt.toString('base64'),
      createdAt: record.createdAt,
      ...(record.userId !== undefined ? { userId: record.userId } : {}),
    }));
  }

  restore(saved: SavedAuthKey[]): void {
    for (const entry of saved) this.add(authKeyMaterial(Buffer.from(entry.key, 'base64')), entry);
  }

  get(id: bigint): AuthKeyRecord | undefined {
    return this.keys.get(id);
  }

  /**
   * A connection starts using a key. Telegram allows one place per key at a time: when another live connection
   * with a different session holds it, that older one is marked duplicated, as Telegram answers
   * AUTH_KEY_DUPLICATED, so a double client shows up in tests instead of silently sharing the key.
   */
  attach(record: AuthKeyRecord, connection: LiveConnection): void {
    for (const other of record.connections) {
      if (other === connection || other.closed || other.duplicated) continue;
      if (other.sessionId !== connection.sessionId) {
        other.duplicated = true;
        this.duplicates += 1;
      }
    }
    record.connections.add(connection);
  }

  detach(record: AuthKeyRecord, connection: LiveConnection): void {
    record.connections.delete(connection);
  }

  signIn(record: AuthKeyRecord, userId: number): void {
    this.signOut(record);
    record.userId = userId;
    let keys = this.byUser.get(userId);
    if (keys === undefined) this.byUser.set(userId, (keys = new Set()));
    keys.add(record);
    this.onChange();
  }

  signOut(record: AuthKeyRecord): void {
    if (record.userId !== undefined) {
      const keys = this.byUser.get(record.userId);
      keys?.delete(record);
      if (keys?.size === 0) this.byUser.delete(record.userId);
    }
    const signedIn = record.userId !== undefined;
    record.userId = undefined;
    record.passwordPendingFor = undefined;
    record.srp = undefined;
    record.qrTokens = undefined;
    if (signedIn) this.onChange();
  }

  /** Ends every session of a user (a revoke from the control API): their next call is AUTH_KEY_UNREGISTERED. */
  revokeUser(userId: number): number {
    const keys = [...(this.byUser.get(userId) ?? [])];
    for (const record of keys) this.signOut(record);
    return keys.length;
  }

  /** The live, current connections of a user's signed-in keys: where their updates go. */
  *connectionsOf(userId: number): Generator<LiveConnection> {
    for (const record of this.byUser.get(userId) ?? []) {
      for (const connection of record.connections) {
        if (!connection.closed && !connection.duplicated) yield connection;
      }
    }
  }

  stats(): AuthKeyStats {
    let authorized = 0;
    for (const keys of this.byUser.values()) authorized += keys.size;
    let connections = 0;
    for (const record of this.keys.values()) connections += record.connections.size;
    return { authKeys: this.keys.size, authorized, connections, duplicates: this.duplicates };
  }

  /**
   * Signs every key out (the world was reset and its users are gone). The keys stay, so connected clients get
   * AUTH_KEY_UNREGISTERED rather than -404.
   */
  signOutAll(): void {
    for (const record of this.keys.values()) this.signOut(record);
  }
}
