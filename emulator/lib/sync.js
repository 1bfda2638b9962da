// The Sync (CDS) store: documents, maps and lists with per-object event ids, a bounded event
// history for replay, tombstones, read ACLs, subscriptions, and the /v3 + /v4 upstream routes.
import { newSid } from './token.js';

/** Host label of Sync URLs. Hosts are only labels inside twilsock frames; routing is by path. */
export const CDS_BASE = 'https://cds.us1.twilio.com';

const KIND_PATH = { document: 'Documents', map: 'Maps', list: 'Lists' };
const KIND_PREFIX = { document: 'ET', map: 'MP', list: 'ES' };

/**
 * @typedef {{key: string|number, data: any, lastEventId: number, createdEventId: number, dateUpdated: string}} SyncItem
 * @typedef {{sid: string, uniqueName: string|null, kind: 'document'|'map'|'list', lastEventId: number,
 *   dateUpdated: string, data: any, items: Map<any, SyncItem>, nextIndex: number,
 *   history: Array<{id: number, type: string, event: any}>, tombstones: Map<any, {id: number, createdEventId: number, data: any}>,
 *   canRead: (identity: string) => boolean}} SyncObject
 * @typedef {{identity: string, notify: (messageType: string, payload: any) => void}} Subscriber
 */

export class SyncError extends Error {
  /** @param {number} status @param {number} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class SyncStore {
  /** @param {{historyLimit?: number, now: () => number}} opts */
  constructor({ historyLimit = 1000, now }) {
    this.historyLimit = historyLimit;
    this.now = now;
    /** @type {Map<string, SyncObject>} */ this.objects = new Map();
    /** @type {Map<string, string>} */ this.byName = new Map();
    /** @type {Map<string, Set<Subscriber>>} */ this.subscribers = new Map();
    /** Replay counters, for tests: events replayed from history, compacted catch-ups sent. */
    this.stats = { replayedEvents: 0, interrupted: 0 };
  }

  iso() {
    return new Date(this.now()).toISOString();
  }

  /**
   * @param {'document'|'map'|'list'} kind
   * @param {{uniqueName?: string, data?: any, canRead?: (identity: string) => boolean}} [opts]
   * @returns {SyncObject}
   */
  create(kind, { uniqueName, data, canRead } = {}) {
    const obj = {
      sid: newSid(KIND_PREFIX[kind]),
      uniqueName: uniqueName ?? null,
      kind,
      lastEventId: 0,
      dateUpdated: this.iso(),
      data: data ?? {},
      items: new Map(),
      nextIndex: 0,
      history: [],
      tombstones: new Map(),
      canRead: canRead ?? (() => true),
    };
    this.objects.set(obj.sid, obj);
    if (obj.uniqueName) this.byName.set(obj.uniqueName, obj.sid);
    return obj;
  }

  /** @param {string} id sid or unique name @param {string} [kind] @returns {SyncObject|undefined} */
  resolve(id, kind) {
    const obj = this.objects.get(id) ?? this.objects.get(this.byName.get(id) ?? '');
    return obj && (!kind || obj.kind === kind) ? obj : undefined;
  }

  url(obj) {
    return `${CDS_BASE}/v3/${KIND_PATH[obj.kind]}/${obj.sid}`;
  }
  itemUrl(obj, key) {
    return `${this.url(obj)}/Items/${encodeURIComponent(String(key))}`;
  }

  // ---- mutations: each records one event and delivers it to the live subscribers ----

  /** @param {SyncObject} obj @param {string} type @param {(id: number, date: string) => any} build */
  record(obj, type, build) {
    const id = ++obj.lastEventId;
    const date = this.iso();
    obj.dateUpdated = date;
    const event = build(id, date);
    obj.history.push({ id, type, event });
    if (obj.history.length > this.historyLimit) obj.history.splice(0, obj.history.length - this.historyLimit);
    this.deliver(obj, `com.twilio.rtd.cds.${obj.kind}`, { event_type: type, event });
    return id;
  }

  /** @param {SyncObject} obj @param {any} data */
  setDocument(obj, data) {
    obj.data = data;
    this.record(obj, 'document_updated', (id, date) => ({
      id,
      document_sid: obj.sid,
      document_data: data,
      document_revision: String(id),
      date_created: date,
    }));
  }

  /** Adds or replaces a map item. @param {SyncObject} obj @param {string} key @param {any} data */
  mapSet(obj, key, data) {
    const existing = obj.items.get(key);
    const type = existing ? 'map_item_updated' : 'map_item_added';
    obj.tombstones.delete(key);
    this.record(obj, type, (id, date) => {
      obj.items.set(key, {
        key,
        data,
        lastEventId: id,
        createdEventId: existing?.createdEventId ?? id,
        dateUpdated: date,
      });
      return this.itemEvent(obj, key, data, id, date);
    });
  }

  /** @param {SyncObject} obj @param {string} key */
  mapRemove(obj, key) {
    this.removeItem(obj, key);
  }

  /**
   * The payload of a `<map|list>_item_added/updated` event.
   * @param {SyncObject} obj @param {string|number} key @param {any} data @param {number} id @param {string} date
   */
  itemEvent(obj, key, data, id, date) {
    return {
      ...this.itemRef(obj, key, data, id, date),
      item_url: this.itemUrl(obj, key),
      item_revision: String(id),
      [`${obj.kind}_revision`]: String(id),
    };
  }

  /** The fields every item event of a map or list carries. @param {SyncObject} obj @param {string|number} key @param {any} data @param {number} id @param {string} date */
  itemRef(obj, key, data, id, date) {
    const keyField = obj.kind === 'map' ? 'item_key' : 'item_index';
    return { id, [`${obj.kind}_sid`]: obj.sid, [keyField]: key, item_data: data, date_created: date };
  }

  /** Removes a map or list item; subscribers get `<kind>_item_removed`. @param {SyncObject} obj @param {string|number} key */
  removeItem(obj, key) {
    const item = obj.items.get(key);
    if (!item) return;
    obj.items.delete(key);
    this.record(obj, `${obj.kind}_item_removed`, (id, date) => {
      obj.tombstones.set(key, { id, createdEventId: item.createdEventId, data: item.data });
      return this.itemRef(obj, key, item.data, id, date);
    });
  }

  /** Appends a list item. @param {SyncObject} obj @param {any} data @returns {number} its index */
  listAdd(obj, data) {
    const index = obj.nextIndex++;
    this.record(obj, 'list_item_added', (id, date) => {
      obj.items.set(index, { key: index, data, lastEventId: id, createdEventId: id, dateUpdated: date });
      return this.itemEvent(obj, index, data, id, date);
    });
    return index;
  }

  /** @param {SyncObject} obj @param {number} index @param {any} data */
  listSet(obj, index, data) {
    const item = obj.items.get(index);
    if (!item) return;
    this.record(obj, 'list_item_updated', (id, date) => {
      Object.assign(item, { data, lastEventId: id, dateUpdated: date });
      return this.itemEvent(obj, index, data, id, date);
    });
  }

  /** @param {SyncObject} obj @param {number} index */
  listRemove(obj, index) {
    this.removeItem(obj, index);
  }

  /** Removes the whole object; subscribers get `<kind>_removed`. @param {SyncObject} obj */
  removeObject(obj) {
    const field = obj.kind === 'document' ? 'document_sid' : `${obj.kind}_sid`;
    this.record(obj, `${obj.kind}_removed`, (id) => ({ id, [field]: obj.sid }));
    this.objects.delete(obj.sid);
    if (obj.uniqueName) this.byName.delete(obj.uniqueName);
    this.subscribers.delete(obj.sid);
  }

  // ---- subscriptions ----

  /** @param {SyncObject} obj @param {string} messageType @param {any} payload */
  deliver(obj, messageType, payload) {
    const subs = this.subscribers.get(obj.sid);
    if (!subs) return;
    for (const sub of subs) if (obj.canRead(sub.identity)) sub.notify(messageType, payload);
  }

  /** @param {Subscriber} sub */
  dropSubscriber(sub) {
    for (const [sid, subs] of this.subscribers) {
      subs.delete(sub);
      if (subs.size === 0) this.subscribers.delete(sid);
    }
  }

  /**
   * Events a subscriber with `lastEventId` has missed. When the history no longer reaches back
   * that far, it gets a compacted catch-up (current state of every item changed since, plus
   * removals) and `interrupted`, so that the SDK re-pokes from the newest id it has seen; the
   * second round then completes. With nothing left to catch up it is `completed` at once.
   * @param {SyncObject} obj @param {number|null|undefined} lastEventId
   * @returns {{events: Array<{type: string, event: any}>, status: 'completed'|'interrupted'}}
   */
  replayFor(obj, lastEventId) {
    const L = Number.isInteger(lastEventId) ? /** @type {number} */ (lastEventId) : null;
    if (L === null || L >= obj.lastEventId) return { events: [], status: 'completed' };
    const first = obj.history.length ? obj.history[0].id : obj.lastEventId + 1;
    if (L + 1 >= first) return { events: obj.history.filter((e) => e.id > L), status: 'completed' };
    /** @type {Array<{type: string, event: any}>} */
    const events = [];
    const date = obj.dateUpdated;
    if (obj.kind === 'document') {
      events.push({
        type: 'document_updated',
        event: {
          id: obj.lastEventId,
          document_sid: obj.sid,
          document_data: obj.data,
          document_revision: String(obj.lastEventId),
          date_created: date,
        },
      });
    } else {
      const k = obj.kind;
      const keyField = k === 'map' ? 'item_key' : 'item_index';
      for (const [key, t] of obj.tombstones) {
        if (t.id > L && t.createdEventId <= L) {
          events.push({
            type: `${k}_item_removed`,
            event: { id: t.id, [`${k}_sid`]: obj.sid, [keyField]: key, item_data: t.data, date_created: date },
          });
        }
      }
      for (const item of this.sortedItems(obj, 'asc')) {
        if (item.lastEventId <= L) continue;
        events.push({
          type: item.createdEventId > L ? `${k}_item_added` : `${k}_item_updated`,
          event: {
            id: item.lastEventId,
            [`${k}_sid`]: obj.sid,
            [keyField]: item.key,
            item_data: item.data,
            item_url: this.itemUrl(obj, item.key),
            item_revision: String(item.lastEventId),
            date_created: item.dateUpdated,
          },
        });
      }
    }
    return { events, status: events.length ? 'interrupted' : 'completed' };
  }

  // ---- reads ----

  /** @param {SyncObject} obj @param {'asc'|'desc'} order @returns {SyncItem[]} */
  sortedItems(obj, order) {
    const items = [...obj.items.values()];
    if (obj.kind === 'map') items.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // list items are kept in insertion order, which is index order
    return order === 'desc' ? items.reverse() : items;
  }

  /** @param {SyncObject} obj @param {SyncItem} item */
  itemDescriptor(obj, item) {
    return {
      [obj.kind === 'map' ? 'key' : 'index']: item.key,
      url: this.itemUrl(obj, item.key),
      revision: String(item.lastEventId),
      last_event_id: item.lastEventId,
      date_updated: item.dateUpdated,
      date_expires: null,
      data: item.data,
    };
  }

  /** @param {SyncObject} obj @param {boolean} [includeItems] */
  descriptor(obj, includeItems = false) {
    const d = {
      sid: obj.sid,
      unique_name: obj.uniqueName,
      url: this.url(obj),
      revision: String(obj.lastEventId),
      last_event_id: obj.lastEventId,
      date_updated: obj.dateUpdated,
      date_expires: null,
    };
    if (obj.kind === 'document') return { ...d, data: obj.data };
    const links = { items: `${this.url(obj)}/Items` };
    if (obj.kind === 'map' && includeItems) {
      return {
        ...d,
        links,
        items: this.sortedItems(obj, 'asc')
          .slice(0, 50)
          .map((i) => this.itemDescriptor(obj, i)),
      };
    }
    return { ...d, links };
  }

  /**
   * `GET …/Items`: `From` is inclusive in the requested order; `previous_token`/`next_token` are
   * non-null iff items exist before the first / after the last returned one.
   * @param {SyncObject} obj @param {Record<string, string>} params
   */
  queryItems(obj, params) {
    const single = obj.kind === 'map' ? params.Key : params.Index;
    if (single !== undefined) {
      const item = obj.items.get(obj.kind === 'map' ? single : Number(single));
      return { items: item ? [this.itemDescriptor(obj, item)] : [], meta: { previous_token: null, next_token: null } };
    }
    let order = params.Order === 'desc' ? 'desc' : 'asc';
    let from = params.From;
    if (params.PageToken) {
      try {
        const t = JSON.parse(Buffer.from(params.PageToken, 'base64url').toString('utf8'));
        order = t.o;
        from = t.f;
      } catch {
        throw new SyncError(400, 54011, 'Invalid page token');
      }
    }
    const size = Math.min(Math.max(Number(params.PageSize) || 50, 1), 100);
    const all = this.sortedItems(obj, /** @type {'asc'|'desc'} */ (order));
    let start = 0;
    if (from !== undefined) {
      const f = obj.kind === 'list' ? Number(from) : String(from);
      start = all.findIndex((i) => (order === 'asc' ? i.key >= f : i.key <= f));
      if (start < 0) start = all.length;
    }
    const page = all.slice(start, start + size);
    const token = (/** @type {any} */ f, /** @type {string} */ o) =>
      Buffer.from(JSON.stringify({ f, o })).toString('base64url');
    return {
      items: page.map((i) => this.itemDescriptor(obj, i)),
      meta: {
        previous_token: start > 0 ? token(all[start - 1].key, order === 'asc' ? 'desc' : 'asc') : null,
        next_token: start + size < all.length ? token(all[start + size].key, order) : null,
      },
    };
  }

  // ---- upstream routes: /v3/{Documents|Maps|Lists}/… and /v4/Subscriptions ----

  /**
   * @param {{method: string, segments: string[], params: Record<string, string>, body: any, identity: string,
   *   subscriber: Subscriber}} req
   * @returns {{status: number, body: any, after?: () => void}}
   */
  handle(req) {
    const { method, segments: s, params, identity } = req;
    if (s[0] === 'v4' && s[1] === 'Subscriptions' && method === 'POST') return this.handleSubscriptions(req);
    const kind = { Documents: 'document', Maps: 'map', Lists: 'list' }[s[1]];
    if (s[0] !== 'v3' || !kind || !s[2]) throw new SyncError(404, 20404, 'The requested resource was not found');
    if (method !== 'GET') throw new SyncError(403, 54007, 'Chat Sync objects are read-only for clients');
    const obj = this.resolve(s[2], kind);
    if (!obj)
      throw new SyncError(
        404,
        kind === 'document' ? 54100 : kind === 'map' ? 54200 : 54150,
        `${kind} ${s[2]} not found`,
      );
    if (!obj.canRead(identity)) throw new SyncError(403, 54007, `Access to ${kind} ${s[2]} forbidden`);
    if (s.length === 3) return { status: 200, body: this.descriptor(obj, params.Include === 'items') };
    if (s[3] === 'Items' && s.length === 4 && kind !== 'document')
      return { status: 200, body: this.queryItems(obj, params) };
    if (s[3] === 'Items' && s.length === 5 && kind !== 'document') {
      const item = obj.items.get(kind === 'map' ? s[4] : Number(s[4]));
      if (!item) throw new SyncError(404, kind === 'map' ? 54201 : 54151, 'Item not found');
      return { status: 200, body: this.itemDescriptor(obj, item) };
    }
    throw new SyncError(404, 20404, 'The requested resource was not found');
  }

  /** `POST /v4/Subscriptions`: the outcome travels as notifications right after the reply. */
  handleSubscriptions({ body, identity, subscriber }) {
    const correlationId = body?.correlation_id;
    const requests = Array.isArray(body?.requests) ? body.requests : [];
    const action = body?.action;
    /** @type {Array<[string, any]>} */
    const out = [];
    const note = (/** @type {string} */ type, /** @type {any} */ event) =>
      out.push(['twilio.sync.event', { event_type: type, correlation_id: correlationId, event }]);
    for (const r of requests) {
      const ref = { object_sid: r.object_sid, object_type: r.object_type };
      const obj = this.resolve(r.object_sid);
      if (action === 'cancel') {
        this.subscribers.get(r.object_sid)?.delete(subscriber);
        note('subscription_canceled', ref);
      } else if (!obj) {
        note('subscription_failed', {
          ...ref,
          error: { status: 404, code: 54100, message: `Object ${r.object_sid} not found` },
        });
      } else if (!obj.canRead(identity)) {
        note('subscription_failed', {
          ...ref,
          error: { status: 403, code: 54007, message: `Access to ${r.object_sid} forbidden` },
        });
      } else {
        let subs = this.subscribers.get(obj.sid);
        if (!subs) this.subscribers.set(obj.sid, (subs = new Set()));
        subs.add(subscriber);
        const { events, status } = this.replayFor(obj, r.last_event_id);
        if (status === 'interrupted') this.stats.interrupted++;
        else this.stats.replayedEvents += events.length;
        for (const e of events)
          out.push(['twilio.sync.event', { event_type: e.type, correlation_id: correlationId, event: e.event }]);
        note('subscription_established', { ...ref, replay_status: status, last_event_id: obj.lastEventId });
      }
    }
    return {
      status: 200,
      body: { estimated_delivery_in_ms: 5000, max_batch_size: 100, ttl_in_s: -1 },
      after: () => {
        for (const [type, payload] of out) subscriber.notify(type, payload);
      },
    };
  }
}
