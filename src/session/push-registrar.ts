import type { ChatClientPort, PushType } from '../services/port.js';

export interface PushRecord {
  readonly identity: string;
  readonly type: PushType;
  readonly token: string;
}

const KEY = 'chat-widget:push';

/** localStorage, or null where touching it throws. */
export function localStorageOrNull(): Storage | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/**
 * Push registration by the book (P1-P3): the last registration made from this browser is kept
 * in localStorage (the device token is not a secret credential, unlike the access token), the
 * SDK is asked to register only when identity, type or token differ from it, and the
 * registration is removed with the old client before an identity change shuts it down.
 */
export class PushRegistrar {
  private readonly storage: Storage | null;
  private memory: PushRecord | null = null;

  constructor(storage: Storage | null) {
    this.storage = storage;
  }

  get stored(): PushRecord | null {
    try {
      const raw = this.storage?.getItem(KEY);
      if (raw) return JSON.parse(raw) as PushRecord;
    } catch {
      // Unreadable: treated as nothing stored, so the next start registers again.
    }
    return this.memory;
  }

  /** Registers when the stored record differs (P1, P2); returns whether the SDK was called. */
  async register(client: ChatClientPort, record: PushRecord): Promise<boolean> {
    const stored = this.stored;
    if (stored && stored.identity === record.identity && stored.type === record.type && stored.token === record.token) {
      return false;
    }
    await client.setPushRegistration(record.type, record.token);
    this.write(record);
    return true;
  }

  /** Removes the registration of `identity` with its own client (P3); returns whether the SDK was called. */
  async unregister(client: ChatClientPort, identity: string): Promise<boolean> {
    const stored = this.stored;
    if (!stored || stored.identity !== identity) return false;
    this.write(null);
    await client.removePushRegistration(stored.type);
    return true;
  }

  private write(record: PushRecord | null): void {
    this.memory = record;
    try {
      if (record) this.storage?.setItem(KEY, JSON.stringify(record));
      else this.storage?.removeItem(KEY);
    } catch {
      // Kept in memory for this page's life.
    }
  }
}
