// The Chat service ("aim", product ip_messaging): users, channels, members, invites, messages,
// read horizons, typing and push registrations. All state the SDK observes lives in Sync objects
// (see sync.js); the REST routes here mutate it and answer with Twilio-shaped bodies.
import { newSid } from './token.js';
import { SyncError } from './sync.js';

/** Host label of chat links; only the path is routed. */
export const AIM_BASE = 'https://aim.us1.twilio.com';
const TYPING_TIMEOUT_S = 5;
const ROLE_CHANNEL_USER = 'RL' + '1'.repeat(32);

export class ChatError extends Error {
  /** @param {number} status @param {number} code @param {string} message */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * @typedef {import('./sync.js').SyncStore} SyncStore
 * @typedef {import('./sync.js').SyncObject} SyncObject
 * @typedef {{identity: string, friendlyName: string|null, attributes: string, dateCreated: string, dateUpdated: string,
 *   infoMap: SyncObject, myMap: SyncObject, online: boolean}} User
 * @typedef {{sid: string, identity: string, attributes: string, dateCreated: string, dateUpdated: string,
 *   lastConsumedMessageIndex: number|null, lastConsumptionTimestamp: string|null, notificationLevel: string}} Member
 * @typedef {{sid: string, uniqueName: string|null, friendlyName: string|null, type: 'public'|'private', attributes: string,
 *   createdBy: string, dateCreated: string, dateUpdated: string, doc: SyncObject, list: SyncObject, roster: SyncObject,
 *   members: Map<string, Member>, invites: Set<string>, indexBySid: Map<string, number>,
 *   lastMessage: {index: number, timestamp: string}|null}} Channel
 */

const jsonString = (/** @type {any} */ v, fallback = '{}') =>
  v === undefined || v === null ? fallback : typeof v === 'string' ? v : JSON.stringify(v);

export class ChatService {
  /**
   * @param {{sync: SyncStore, now: () => number, serviceSid: string,
   *   notifyUser: (identity: string, messageType: string, payload: any) => void}} opts
   */
  constructor({ sync, now, serviceSid, notifyUser }) {
    this.sync = sync;
    this.now = now;
    this.serviceSid = serviceSid;
    this.notifyUser = notifyUser;
    /** @type {Map<string, User>} */ this.users = new Map();
    /** @type {Map<string, Channel>} */ this.channels = new Map();
    /** @type {Map<string, string>} */ this.byUniqueName = new Map();
    /** @type {Map<string, {identity: string, id: string, channelType: string, registrationId: string, messageTypes: string[]}>} */
    this.pushRegistrations = new Map();
    this.pushCounts = { register: 0, unregister: 0 };
  }

  iso() {
    return new Date(this.now()).toISOString();
  }
  base() {
    return `${AIM_BASE}/Client/v1/Services/${this.serviceSid}`;
  }

  // ---- users ----

  /** @param {string} identity @returns {User} */
  ensureUser(identity) {
    let user = this.users.get(identity);
    if (user) return user;
    const date = this.iso();
    const infoMap = this.sync.create('map');
    const myMap = this.sync.create('map', { canRead: (id) => id === identity });
    user = {
      identity,
      friendlyName: null,
      attributes: '{}',
      dateCreated: date,
      dateUpdated: date,
      infoMap,
      myMap,
      online: false,
    };
    this.sync.mapSet(infoMap, 'friendlyName', { value: null });
    this.sync.mapSet(infoMap, 'attributes', { value: '{}' });
    this.sync.mapSet(infoMap, 'reachability', { online: false, notifiable: false });
    this.users.set(identity, user);
    return user;
  }

  /** Reachability follows the live connections of an identity. @param {string} identity @param {boolean} online */
  setOnline(identity, online) {
    const user = this.ensureUser(identity);
    if (user.online === online) return;
    user.online = online;
    this.sync.mapSet(user.infoMap, 'reachability', { online, notifiable: this.isNotifiable(identity) });
  }

  isNotifiable(identity) {
    for (const r of this.pushRegistrations.values()) if (r.identity === identity) return true;
    return false;
  }

  /** @param {User} user */
  userDescriptor(user) {
    return {
      identity: user.identity,
      friendly_name: user.friendlyName,
      attributes: user.attributes,
      is_online: user.online,
      is_notifiable: this.isNotifiable(user.identity),
      date_created: user.dateCreated,
      date_updated: user.dateUpdated,
      sync_unique_name: user.infoMap.sid,
      sync_objects: { user_info_map: user.infoMap.sid },
      url: `${this.base()}/Users/${encodeURIComponent(user.identity)}`,
    };
  }

  /** @param {string} identity @param {string} mediaServiceUrl */
  configuration(identity, mediaServiceUrl) {
    const user = this.ensureUser(identity);
    const b = this.base();
    const me = `${b}/Users/${encodeURIComponent(identity)}`;
    return {
      identity,
      links: {
        conversations: `${b}/Conversations`,
        my_conversations: `${me}/Conversations`,
        users: `${b}/Users`,
        current_user: me,
        typing: `${b}/Typing`,
        media_service: mediaServiceUrl,
        messages_receipts: `${b}/Receipts`,
      },
      sync_objects: { my_user_info: user.infoMap.sid, my_conversations: user.myMap.sid },
      options: {
        user_infos_to_subscribe: 100,
        reachability_enabled: true,
        http_cache_interval: 'PT5S',
        consumption_report_interval: 'PT5S',
      },
    };
  }

  // ---- channels ----

  /**
   * @param {{uniqueName?: string|null, friendlyName?: string|null, type?: string, attributes?: any, createdBy: string}} spec
   * @returns {Channel}
   */
  createChannel({ uniqueName, friendlyName, type, attributes, createdBy }) {
    if (uniqueName && this.byUniqueName.has(uniqueName)) {
      throw new ChatError(409, 50307, `Channel with provided unique name already exists: ${uniqueName}`);
    }
    const date = this.iso();
    const sid = newSid('CH');
    /** @type {Channel} */
    const ch = /** @type {any} */ ({
      sid,
      uniqueName: uniqueName || null,
      friendlyName: friendlyName ?? null,
      type: type === 'private' ? 'private' : 'public',
      attributes: jsonString(attributes),
      createdBy,
      dateCreated: date,
      dateUpdated: date,
      members: new Map(),
      invites: new Set(),
      indexBySid: new Map(),
      lastMessage: null,
    });
    const visible = (/** @type {string} */ id) =>
      ch.type === 'public' || ch.members.has(id) || ch.invites.has(id) || ch.createdBy === id;
    ch.list = this.sync.create('list', { canRead: (id) => ch.members.has(id) });
    ch.roster = this.sync.create('map', { canRead: visible });
    ch.doc = this.sync.create('document', { uniqueName: `${sid}.channel`, data: this.docData(ch), canRead: visible });
    this.channels.set(sid, ch);
    if (ch.uniqueName) this.byUniqueName.set(ch.uniqueName, sid);
    return ch;
  }

  /** @param {Channel} ch */
  docData(ch) {
    return {
      type: ch.type,
      uniqueName: ch.uniqueName,
      friendlyName: ch.friendlyName,
      attributes: ch.attributes,
      createdBy: ch.createdBy,
      dateCreated: ch.dateCreated,
      dateUpdated: ch.dateUpdated,
      lastMessage: ch.lastMessage ?? undefined,
      messages: ch.list?.sid,
      roster: ch.roster?.sid,
    };
  }

  /** @param {Channel} ch */
  touchDoc(ch) {
    this.sync.setDocument(ch.doc, this.docData(ch));
  }

  /** @param {Channel} ch @param {string} identity */
  canSee(ch, identity) {
    return ch.type === 'public' || ch.members.has(identity) || ch.invites.has(identity) || ch.createdBy === identity;
  }

  /** Finds a channel by sid or unique name that `identity` may see; 404 otherwise. @returns {Channel} */
  channelFor(id, identity) {
    const ch = this.channels.get(id) ?? this.channels.get(this.byUniqueName.get(id) ?? '');
    if (!ch || !this.canSee(ch, identity)) throw new ChatError(404, 50300, `Channel not found: ${id}`);
    return ch;
  }

  /** @param {Channel} ch @param {string} identity */
  requireMember(ch, identity) {
    if (!ch.members.has(identity))
      throw new ChatError(403, 50400, `User ${identity} is not a member of channel ${ch.sid}`);
  }

  /** Members and the creator manage a channel. @param {Channel} ch @param {string} identity */
  requireManager(ch, identity) {
    if (!ch.members.has(identity) && ch.createdBy !== identity) {
      throw new ChatError(403, 50107, `User ${identity} is not allowed to modify channel ${ch.sid}`);
    }
  }

  /** @param {Channel} ch */
  links(ch) {
    const self = `${this.base()}/Conversations/${ch.sid}`;
    return { self, participants: `${self}/Participants`, messages: `${self}/Messages`, invites: `${self}/Invites` };
  }

  /** @param {Channel} ch @param {string} [identity] adds the per-user fields */
  channelDescriptor(ch, identity) {
    const { self, ...links } = this.links(ch);
    const d = {
      sid: ch.sid,
      conversation_sid: ch.sid,
      account_sid: null,
      service_sid: this.serviceSid,
      unique_name: ch.uniqueName,
      friendly_name: ch.friendlyName,
      attributes: ch.attributes,
      type: ch.type,
      created_by: ch.createdBy,
      date_created: ch.dateCreated,
      date_updated: ch.dateUpdated,
      messages_count: ch.list.items.size,
      participants_count: ch.members.size,
      url: self,
      links,
      sync_objects: { conversation: ch.doc.uniqueName, messages: ch.list.sid, roster: ch.roster.sid },
    };
    if (identity === undefined) return d;
    const m = ch.members.get(identity);
    return {
      ...d,
      status: m ? 'joined' : ch.invites.has(identity) ? 'invited' : 'notParticipating',
      last_consumed_message_index: m?.lastConsumedMessageIndex ?? null,
      notification_level: m?.notificationLevel ?? 'default',
      unread_messages_count: m ? this.unread(ch, m) : null,
    };
  }

  /** null until a horizon is set, else the number of existing messages with a greater index. */
  unread(ch, m) {
    if (m.lastConsumedMessageIndex === null) return null;
    let n = 0;
    for (const index of ch.list.items.keys()) if (index > m.lastConsumedMessageIndex) n++;
    return n;
  }

  /** Writes the user's my_conversations item for this channel (or removes it). @param {Channel} ch @param {string} identity */
  syncMyChannel(ch, identity) {
    const user = this.ensureUser(identity);
    const m = ch.members.get(identity);
    if (!m && !ch.invites.has(identity)) {
      this.sync.mapRemove(user.myMap, ch.sid);
      return;
    }
    this.sync.mapSet(user.myMap, ch.sid, {
      channel: ch.doc.uniqueName,
      status: m ? 'joined' : 'invited',
      type: ch.type,
      lastConsumedMessageIndex: m?.lastConsumedMessageIndex ?? null,
      notificationLevel: m?.notificationLevel ?? 'default',
    });
  }

  /** @param {Channel} ch @param {Member} m */
  rosterData(ch, m) {
    return {
      identity: m.identity,
      attributes: m.attributes,
      dateCreated: m.dateCreated,
      dateUpdated: m.dateUpdated,
      roleSid: ROLE_CHANNEL_USER,
      lastConsumedMessageIndex: m.lastConsumedMessageIndex,
      lastConsumptionTimestamp: m.lastConsumptionTimestamp,
      type: 'chat',
      userInfo: this.ensureUser(m.identity).infoMap.sid,
    };
  }

  /** @param {Channel} ch @param {string} identity @returns {Member} */
  addMember(ch, identity) {
    if (ch.members.has(identity)) throw new ChatError(409, 50404, `Member already exists: ${identity}`);
    const date = this.iso();
    const m = {
      sid: newSid('MB'),
      identity,
      attributes: '{}',
      dateCreated: date,
      dateUpdated: date,
      lastConsumedMessageIndex: null,
      lastConsumptionTimestamp: null,
      notificationLevel: 'default',
    };
    ch.members.set(identity, m);
    ch.invites.delete(identity);
    this.sync.mapSet(ch.roster, m.sid, this.rosterData(ch, m));
    this.syncMyChannel(ch, identity);
    return m;
  }

  /** @param {Channel} ch @param {Member} m */
  removeMember(ch, m) {
    ch.members.delete(m.identity);
    this.sync.mapRemove(ch.roster, m.sid);
    this.syncMyChannel(ch, m.identity);
  }

  /** @param {Channel} ch @param {string} ref member sid or identity */
  memberByRef(ch, ref) {
    const m = ch.members.get(ref) ?? [...ch.members.values()].find((x) => x.sid === ref);
    if (!m) throw new ChatError(404, 50200, `Member not found: ${ref}`);
    return m;
  }

  /** @param {Channel} ch */
  deleteChannel(ch) {
    const affected = new Set([...ch.members.keys(), ...ch.invites]);
    ch.members.clear();
    ch.invites.clear();
    for (const identity of affected) this.syncMyChannel(ch, identity);
    this.sync.removeObject(ch.list);
    this.sync.removeObject(ch.roster);
    this.sync.removeObject(ch.doc);
    this.channels.delete(ch.sid);
    if (ch.uniqueName) this.byUniqueName.delete(ch.uniqueName);
  }

  // ---- messages ----

  /**
   * @param {Channel} ch @param {string} author
   * @param {{body?: string|null, attributes?: any, media?: {sid: string, filename: string|null, contentType: string, size: number}}} msg
   * @param {{touch?: boolean}} [opts] touch=false skips the lastMessage document update (bulk seeding)
   */
  addMessage(ch, author, { body, attributes, media }, { touch = true } = {}) {
    const date = this.iso();
    const sid = newSid('IM');
    const data = {
      sid,
      text: media ? null : (body ?? ''),
      author,
      timestamp: date,
      dateUpdated: date,
      lastUpdatedBy: null,
      attributes: jsonString(attributes),
      type: media ? 'media' : 'text',
      memberSid: ch.members.get(author)?.sid ?? null,
      ...(media ? { media } : {}),
    };
    const index = this.sync.listAdd(ch.list, data);
    ch.indexBySid.set(sid, index);
    ch.lastMessage = { index, timestamp: date };
    if (touch) this.touchDoc(ch);
    return { index, data };
  }

  /** @param {Channel} ch @param {any} data @param {number} index */
  messageDescriptor(ch, data, index) {
    return {
      sid: data.sid,
      index,
      conversation_sid: ch.sid,
      channel_sid: ch.sid,
      service_sid: this.serviceSid,
      body: data.text,
      author: data.author,
      attributes: data.attributes,
      type: data.type,
      media: data.media ?? null,
      date_created: data.timestamp,
      date_updated: data.dateUpdated,
      last_updated_by: data.lastUpdatedBy,
      participant_sid: data.memberSid,
      url: `${this.links(ch).messages}/${data.sid}`,
    };
  }

  /** @param {Channel} ch @param {string} sid */
  messageBySid(ch, sid) {
    const index = ch.indexBySid.get(sid);
    const item = index === undefined ? undefined : ch.list.items.get(index);
    if (!item) throw new ChatError(404, 50500, `Message not found: ${sid}`);
    return { index: /** @type {number} */ (index), item };
  }

  /** @param {Channel} ch @param {Member} m @param {number|null} index */
  setHorizon(ch, m, index) {
    m.lastConsumedMessageIndex = index;
    m.lastConsumptionTimestamp = this.iso();
    m.dateUpdated = m.lastConsumptionTimestamp;
    this.sync.mapSet(ch.roster, m.sid, this.rosterData(ch, m));
    this.syncMyChannel(ch, m.identity);
  }

  // ---- seeding (admin) ----

  /**
   * @param {{users?: Array<string|{identity: string, friendlyName?: string, attributes?: any}>,
   *   channels?: Array<{uniqueName?: string, friendlyName?: string, type?: string, attributes?: any, createdBy?: string,
   *   members?: string[], invited?: string[], messages?: Array<{author: string, body: string, attributes?: any}>,
   *   messageCount?: number, author?: string}>}} spec
   */
  seed(spec) {
    for (const u of spec.users ?? []) {
      const { identity, friendlyName, attributes } = typeof u === 'string' ? { identity: u } : u;
      const user = this.ensureUser(identity);
      if (friendlyName !== undefined || attributes !== undefined) {
        this.updateUser(user, {
          friendly_name: friendlyName,
          attributes: attributes === undefined ? undefined : jsonString(attributes),
        });
      }
    }
    const created = [];
    for (const c of spec.channels ?? []) {
      const ch = this.createChannel({
        uniqueName: c.uniqueName,
        friendlyName: c.friendlyName ?? c.uniqueName ?? null,
        type: c.type,
        attributes: c.attributes,
        createdBy: c.createdBy ?? c.members?.[0] ?? 'system',
      });
      for (const id of c.members ?? []) this.addMember(ch, id);
      for (const id of c.invited ?? []) {
        ch.invites.add(id);
        this.syncMyChannel(ch, id);
      }
      const messages =
        c.messages ??
        Array.from({ length: c.messageCount ?? 0 }, (_, i) => ({
          author: c.author ?? c.members?.[0] ?? 'system',
          body: `Message ${i + 1}`,
        }));
      for (const msg of messages) this.addMessage(ch, msg.author, msg, { touch: false });
      if (messages.length) this.touchDoc(ch);
      created.push({
        sid: ch.sid,
        uniqueName: ch.uniqueName,
        messages: ch.list.items.size,
        members: [...ch.members.keys()],
      });
    }
    return { channels: created };
  }

  /** @param {User} user @param {{friendly_name?: any, attributes?: any}} body */
  updateUser(user, body) {
    user.dateUpdated = this.iso();
    if (body.friendly_name !== undefined) {
      user.friendlyName = body.friendly_name;
      this.sync.mapSet(user.infoMap, 'friendlyName', { value: user.friendlyName });
    }
    if (body.attributes !== undefined) {
      user.attributes = jsonString(body.attributes);
      this.sync.mapSet(user.infoMap, 'attributes', { value: user.attributes });
    }
  }

  // ---- REST routes under /Client/v1 ----

  /**
   * @param {{method: string, segments: string[], params: Record<string, string>, body: any, identity: string,
   *   mediaServiceUrl: string, media: import('./media.js').MediaStore}} req
   * @returns {{status: number, body: any}}
   */
  handle(req) {
    const { method, segments, identity } = req;
    const s = segments.slice(2); // drop Client, v1
    if (s[0] === 'Configuration' && s.length === 1 && method === 'GET') {
      return { status: 200, body: this.configuration(identity, req.mediaServiceUrl) };
    }
    if (s[0] !== 'Services' || !s[1]) throw new ChatError(404, 20404, 'The requested resource was not found');
    const [, , coll, id, sub, subId] = s;
    this.ensureUser(identity);
    if (coll === 'Conversations') return this.routeConversations(req, id, sub, subId);
    if (coll === 'Users') return this.routeUsers(req, id, sub, subId);
    if (coll === 'Typing' && method === 'POST') {
      const ch = this.channelFor(req.body?.ChannelSid ?? req.params.ChannelSid, identity);
      this.requireMember(ch, identity);
      for (const other of ch.members.keys()) {
        if (other !== identity) {
          this.notifyUser(other, 'twilio.ipmsg.typing_indicator', {
            channel_sid: ch.sid,
            identity,
            typing_timeout: TYPING_TIMEOUT_S,
          });
        }
      }
      return { status: 200, body: { typing_timeout: TYPING_TIMEOUT_S } };
    }
    throw new ChatError(404, 20404, 'The requested resource was not found');
  }

  routeConversations(req, id, sub, subId) {
    const { method, identity, body, params } = req;
    if (!id) {
      if (method === 'GET') {
        const list = [...this.channels.values()].filter((c) => c.type === 'public');
        return { status: 200, body: this.page(list, params, 'conversations', (c) => this.channelDescriptor(c)) };
      }
      if (method === 'POST') {
        const ch = this.createChannel({
          uniqueName: body?.unique_name,
          friendlyName: body?.friendly_name,
          type: body?.type,
          attributes: body?.attributes,
          createdBy: identity,
        });
        return { status: 201, body: this.channelDescriptor(ch) };
      }
    }
    const ch = this.channelFor(id, identity);
    if (!sub) {
      if (method === 'GET') return { status: 200, body: this.channelDescriptor(ch) };
      if (method === 'DELETE') {
        this.requireManager(ch, identity);
        this.deleteChannel(ch);
        return { status: 204, body: {} };
      }
      if (method === 'POST') {
        this.requireManager(ch, identity);
        if (body?.unique_name !== undefined && body.unique_name !== ch.uniqueName) {
          const name = body.unique_name || null;
          if (name && this.byUniqueName.has(name))
            throw new ChatError(409, 50307, `Channel with provided unique name already exists: ${name}`);
          if (ch.uniqueName) this.byUniqueName.delete(ch.uniqueName);
          ch.uniqueName = name;
          if (name) this.byUniqueName.set(name, ch.sid);
        }
        if (body?.friendly_name !== undefined) ch.friendlyName = body.friendly_name;
        if (body?.attributes !== undefined) ch.attributes = jsonString(body.attributes);
        ch.dateUpdated = this.iso();
        this.touchDoc(ch);
        return { status: 200, body: this.channelDescriptor(ch) };
      }
    }
    if (sub === 'Participants') {
      if (!subId && method === 'POST') {
        const who = body?.identity ?? identity;
        if (who === identity) {
          if (ch.type === 'private' && !ch.invites.has(identity) && ch.createdBy !== identity) {
            throw new ChatError(403, 50400, 'Private channels are joined by invitation only');
          }
        } else this.requireManager(ch, identity);
        const m = this.addMember(ch, who);
        return { status: 201, body: this.memberDescriptor(ch, m) };
      }
      if (!subId && method === 'GET') {
        this.requireMember(ch, identity);
        return {
          status: 200,
          body: this.page([...ch.members.values()], params, 'participants', (m) => this.memberDescriptor(ch, m)),
        };
      }
      const m = this.memberByRef(ch, subId);
      if (method === 'GET') return { status: 200, body: this.memberDescriptor(ch, m) };
      if (method === 'DELETE') {
        if (m.identity !== identity) this.requireManager(ch, identity);
        this.removeMember(ch, m);
        return { status: 204, body: {} };
      }
      if (method === 'POST') {
        if (m.identity !== identity)
          throw new ChatError(403, 50107, 'Only the member itself may update its attributes');
        if (body?.attributes !== undefined) m.attributes = jsonString(body.attributes);
        m.dateUpdated = this.iso();
        this.sync.mapSet(ch.roster, m.sid, this.rosterData(ch, m));
        return { status: 200, body: this.memberDescriptor(ch, m) };
      }
    }
    if (sub === 'Invites') {
      if (!subId && method === 'POST') {
        this.requireManager(ch, identity);
        const who = String(body?.identity ?? '');
        if (!who) throw new ChatError(400, 50401, 'identity is required');
        if (ch.members.has(who)) throw new ChatError(409, 50404, `Member already exists: ${who}`);
        if (ch.invites.has(who)) throw new ChatError(409, 50410, `Invite already exists: ${who}`);
        ch.invites.add(who);
        this.syncMyChannel(ch, who);
        return {
          status: 201,
          body: { identity: who, conversation_sid: ch.sid, created_by: identity, date_created: this.iso() },
        };
      }
      if (subId && method === 'DELETE') {
        if (subId !== identity) this.requireManager(ch, identity);
        if (!ch.invites.delete(subId)) throw new ChatError(404, 50411, `Invite not found: ${subId}`);
        this.syncMyChannel(ch, subId);
        return { status: 204, body: {} };
      }
    }
    if (sub === 'Messages') {
      this.requireMember(ch, identity);
      if (!subId && method === 'POST') {
        let media;
        if (body?.media_sid) {
          const rec = req.media.get(body.media_sid);
          if (!rec || rec.author !== identity) throw new ChatError(404, 50510, `Media not found: ${body.media_sid}`);
          media = { sid: rec.sid, filename: rec.filename, contentType: rec.contentType, size: rec.size };
        }
        const { index, data } = this.addMessage(ch, identity, {
          body: body?.body,
          attributes: body?.attributes,
          media,
        });
        if (media) req.media.attach(media.sid, ch.sid);
        return { status: 201, body: this.messageDescriptor(ch, data, index) };
      }
      if (!subId && method === 'GET') {
        const list = [...ch.list.items.values()];
        return {
          status: 200,
          body: this.page(list, params, 'messages', (i) =>
            this.messageDescriptor(ch, i.data, /** @type {number} */ (i.key)),
          ),
        };
      }
      const { index, item } = this.messageBySid(ch, subId);
      if (method === 'GET') return { status: 200, body: this.messageDescriptor(ch, item.data, index) };
      if (item.data.author !== identity)
        throw new ChatError(403, 50107, 'Only the author may modify or remove a message');
      if (method === 'DELETE') {
        this.sync.listRemove(ch.list, index);
        ch.indexBySid.delete(subId);
        if (ch.lastMessage?.index === index) {
          const last = [...ch.list.items.values()].pop();
          ch.lastMessage = last ? { index: /** @type {number} */ (last.key), timestamp: last.data.timestamp } : null;
          this.touchDoc(ch);
        }
        return { status: 204, body: {} };
      }
      if (method === 'POST') {
        const date = this.iso();
        const data = { ...item.data, dateUpdated: date, lastUpdatedBy: identity };
        if (body?.body !== undefined) data.text = body.body;
        if (body?.attributes !== undefined) data.attributes = jsonString(body.attributes);
        this.sync.listSet(ch.list, index, data);
        return { status: 200, body: this.messageDescriptor(ch, data, index) };
      }
    }
    throw new ChatError(405, 20004, 'Method not allowed');
  }

  routeUsers(req, id, sub, subId) {
    const { method, identity, body, params } = req;
    if (!id && method === 'GET') {
      let users = [...this.users.values()];
      if (params.ConversationSid || params.ChannelSid) {
        const ch = this.channelFor(params.ConversationSid ?? params.ChannelSid, identity);
        users = [...ch.members.keys()].map((i) => this.ensureUser(i));
      }
      return { status: 200, body: this.page(users, params, 'users', (u) => this.userDescriptor(u), 'prev_token') };
    }
    if (!id) throw new ChatError(405, 20004, 'Method not allowed');
    if (!sub) {
      if (method === 'GET') {
        const user = this.users.get(id);
        if (!user) throw new ChatError(404, 50100, `User not found: ${id}`);
        return { status: 200, body: this.userDescriptor(user) };
      }
      if (method === 'POST') {
        if (id !== identity) throw new ChatError(403, 50107, 'Users may only update themselves');
        const user = this.ensureUser(id);
        this.updateUser(user, body ?? {});
        return { status: 200, body: this.userDescriptor(user) };
      }
    }
    if (sub === 'Conversations') {
      if (id !== identity) throw new ChatError(403, 50107, 'Users may only read their own channels');
      if (!subId && method === 'GET') {
        const mine = [...this.channels.values()].filter((c) => c.members.has(identity) || c.invites.has(identity));
        return {
          status: 200,
          body: this.page(mine, params, 'conversations', (c) => this.myChannelDescriptor(c, identity)),
        };
      }
      const ch = this.channelFor(subId, identity);
      const m = ch.members.get(identity);
      if (method === 'POST') {
        if (!m) throw new ChatError(403, 50400, `User ${identity} is not a member of channel ${ch.sid}`);
        if (body && 'notification_level' in body) {
          m.notificationLevel = body.notification_level === 'muted' ? 'muted' : 'default';
          this.syncMyChannel(ch, identity);
        }
        if (body && 'last_consumed_message_index' in body) {
          const v = body.last_consumed_message_index;
          this.setHorizon(ch, m, v === null ? null : Math.max(-1, Math.floor(Number(v))));
        }
      }
      if (method === 'GET' || method === 'POST') return { status: 200, body: this.myChannelDescriptor(ch, identity) };
    }
    throw new ChatError(405, 20004, 'Method not allowed');
  }

  /** @param {Channel} ch @param {string} identity */
  myChannelDescriptor(ch, identity) {
    return {
      ...this.channelDescriptor(ch, identity),
      sync_objects: { conversation: ch.doc.uniqueName, messages: ch.list.sid, roster: ch.roster.sid },
    };
  }

  /** @param {Channel} ch @param {Member} m */
  memberDescriptor(ch, m) {
    return {
      sid: m.sid,
      identity: m.identity,
      conversation_sid: ch.sid,
      channel_sid: ch.sid,
      attributes: m.attributes,
      date_created: m.dateCreated,
      date_updated: m.dateUpdated,
      role_sid: ROLE_CHANNEL_USER,
      last_consumed_message_index: m.lastConsumedMessageIndex,
      last_consumption_timestamp: m.lastConsumptionTimestamp,
    };
  }

  /**
   * Offset paging: `PageToken` is an opaque offset, `PageSize` defaults to 50 (max 100).
   * @template T @param {T[]} list @param {Record<string, string>} params @param {string} key
   * @param {(x: T) => any} map @param {string} [prevName]
   */
  page(list, params, key, map, prevName = 'previous_token') {
    const size = Math.min(Math.max(Number(params.PageSize) || 50, 1), 100);
    const offset = params.PageToken ? Number(Buffer.from(params.PageToken, 'base64url').toString()) || 0 : 0;
    const tok = (/** @type {number} */ n) => Buffer.from(String(n)).toString('base64url');
    return {
      [key]: list.slice(offset, offset + size).map(map),
      meta: {
        page_size: size,
        [prevName]: offset > 0 ? tok(Math.max(0, offset - size)) : null,
        next_token: offset + size < list.length ? tok(offset + size) : null,
      },
    };
  }

  // ---- ERS push registrations (/v1/registrations) ----

  /** @param {{method: string, segments: string[], body: any, identity: string}} req */
  handleErs({ method, segments, body, identity }) {
    const id = segments[2];
    if (method === 'POST' && !id) {
      const registrationId = String(body?.data?.registration_id ?? '');
      if (!registrationId) throw new ChatError(400, 52001, 'data.registration_id is required');
      for (const [k, r] of this.pushRegistrations) {
        if (r.identity === identity && r.channelType === body.channel_type && r.registrationId === registrationId)
          this.pushRegistrations.delete(k);
      }
      const reg = {
        identity,
        id: newSid('BN'),
        channelType: String(body.channel_type),
        registrationId,
        messageTypes: body.message_types ?? [],
      };
      this.pushRegistrations.set(reg.id, reg);
      this.pushCounts.register++;
      return { status: 201, body: { id: reg.id, ...body } };
    }
    if (method === 'DELETE') {
      this.pushCounts.unregister++;
      if (id) {
        const reg = this.pushRegistrations.get(id);
        if (!reg || reg.identity !== identity) throw new ChatError(404, 52004, `Registration not found: ${id}`);
        this.pushRegistrations.delete(id);
      } else {
        for (const [k, r] of this.pushRegistrations) {
          if (r.identity === identity && r.channelType === body?.binding_type && r.registrationId === body?.address)
            this.pushRegistrations.delete(k);
        }
      }
      return { status: 204, body: {} };
    }
    throw new ChatError(405, 20004, 'Method not allowed');
  }
}

export { SyncError };
