// Media (MCS) over plain HTTP: upload, metadata, content. CORS is open so browser pages on any
// origin can upload and download; the access token travels in X-Twilio-Token.
import { createHmac } from 'node:crypto';
import { newSid } from './token.js';

/**
 * @typedef {{sid: string, author: string, contentType: string, filename: string|null, size: number, bytes: Buffer,
 *   dateCreated: string, channelSids: Set<string>}} MediaRecord
 */

export class MediaStore {
  /** @param {{now: () => number, secret: string, serviceSid: string}} opts */
  constructor({ now, secret, serviceSid }) {
    this.now = now;
    this.secret = secret;
    this.serviceSid = serviceSid;
    /** @type {Map<string, MediaRecord>} */ this.records = new Map();
  }

  /** @param {string} sid */
  get(sid) {
    return this.records.get(sid);
  }
  /** @param {string} sid @param {string} channelSid */
  attach(sid, channelSid) {
    this.records.get(sid)?.channelSids.add(channelSid);
  }
  clear() {
    this.records.clear();
  }

  /** @param {string} origin e.g. http://127.0.0.1:1234 */
  base(origin) {
    return `${origin}/mcs/v1/Services/${this.serviceSid}/Media`;
  }

  /** Signature of a temporary content URL. @param {string} sid @param {number} expires epoch seconds */
  sign(sid, expires) {
    return createHmac('sha256', this.secret).update(`${sid}:${expires}`).digest('base64url');
  }

  /** @param {MediaRecord} rec @param {string} origin */
  descriptor(rec, origin) {
    const path = `/v1/Services/${this.serviceSid}/Media/${rec.sid}`;
    const expires = Math.floor(this.now() / 1000) + 300;
    return {
      sid: rec.sid,
      service_sid: this.serviceSid,
      channel_sid: [...rec.channelSids][0] ?? null,
      message_sid: null,
      date_created: rec.dateCreated,
      date_upload_updated: rec.dateCreated,
      date_updated: rec.dateCreated,
      size: rec.size,
      content_type: rec.contentType,
      author: rec.author,
      url: path,
      filename: rec.filename,
      category: 'media',
      is_multipart_upstream: false,
      links: {
        content: `${path}/Content`,
        content_direct_temporary: `${this.base(origin)}/${rec.sid}/Content?Expires=${expires}&Signature=${this.sign(rec.sid, expires)}`,
      },
    };
  }

  /**
   * Handles /mcs/v1/Services/{IS}/Media[/{ME}[/Content]]. Returns null when the path is not MCS.
   * @param {{method: string, url: URL, headers: import('node:http').IncomingHttpHeaders, body: Buffer, origin: string,
   *   authenticate: (token: string|undefined) => {identity: string}|{error: any}, canReadChannel: (channelSid: string, identity: string) => boolean}} req
   * @returns {{status: number, headers?: Record<string, string>, body: any}|null}
   */
  handle({ method, url, headers, body, origin, authenticate, canReadChannel }) {
    const s = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (s[0] !== 'mcs' || s[1] !== 'v1' || s[2] !== 'Services' || s[4] !== 'Media') return null;
    const [, , , , , sid, sub] = s;
    const rec = sid ? this.records.get(sid) : undefined;
    if (sub === 'Content' && method === 'GET' && rec && url.searchParams.has('Signature')) {
      const expires = Number(url.searchParams.get('Expires'));
      const ok = url.searchParams.get('Signature') === this.sign(rec.sid, expires) && expires * 1000 > this.now();
      if (!ok) return { status: 403, body: { status: 403, code: 20403, message: 'Temporary URL expired or invalid' } };
      return this.content(rec);
    }
    const auth = authenticate(/** @type {string|undefined} */ (headers['x-twilio-token']));
    if ('error' in auth)
      return { status: 401, body: { status: 401, code: auth.error.errorCode, message: auth.error.description } };
    const { identity } = auth;
    if (!sid && method === 'POST') {
      const upload = parseUpload(
        headers['content-type'] ?? 'application/octet-stream',
        body,
        url.searchParams.get('Filename'),
      );
      const created = new Date(this.now()).toISOString();
      const record = {
        sid: newSid('ME'),
        author: identity,
        contentType: upload.contentType,
        filename: upload.filename,
        size: upload.bytes.length,
        bytes: upload.bytes,
        dateCreated: created,
        channelSids: new Set(),
      };
      this.records.set(record.sid, record);
      return { status: 201, body: this.descriptor(record, origin) };
    }
    if (!rec) return { status: 404, body: { status: 404, code: 50510, message: 'Media not found' } };
    const allowed = rec.author === identity || [...rec.channelSids].some((c) => canReadChannel(c, identity));
    if (!allowed)
      return { status: 403, body: { status: 403, code: 50107, message: 'Access to this media is forbidden' } };
    if (method === 'GET' && !sub) return { status: 200, body: this.descriptor(rec, origin) };
    if (method === 'GET' && sub === 'Content') return this.content(rec);
    return { status: 405, body: { status: 405, code: 20004, message: 'Method not allowed' } };
  }

  /** @param {MediaRecord} rec */
  content(rec) {
    const headers = { 'Content-Type': rec.contentType };
    if (rec.filename) headers['Content-Disposition'] = `inline; filename="${rec.filename.replace(/["\\\r\n]/g, '_')}"`;
    return { status: 200, headers, body: rec.bytes };
  }
}

/**
 * A raw body, or the first file part of a multipart/form-data body (what a browser FormData upload sends).
 * @param {string} contentType @param {Buffer} body @param {string|null} filename
 */
function parseUpload(contentType, body, filename) {
  const m = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) return { contentType, bytes: body, filename };
  const delimiter = Buffer.from(`--${m[1]}`);
  let pos = body.indexOf(delimiter);
  while (pos >= 0) {
    const headStart = pos + delimiter.length + 2;
    const headEnd = body.indexOf('\r\n\r\n', headStart);
    const next = body.indexOf(delimiter, headStart);
    if (headEnd < 0 || next < 0) break;
    const head = body.subarray(headStart, headEnd).toString('utf8');
    const name = /filename="([^"]*)"/i.exec(head);
    if (name) {
      const type = /content-type:\s*([^\r\n]+)/i.exec(head);
      return {
        contentType: type ? type[1].trim() : 'application/octet-stream',
        bytes: Buffer.from(body.subarray(headEnd + 4, next - 2)),
        filename: filename ?? name[1] ?? null,
      };
    }
    pos = next;
  }
  return { contentType, bytes: body, filename };
}
