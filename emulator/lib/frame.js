// Twilsock v3 framing: "TWILSOCK V3.0 <H>\r\n<header JSON, H bytes>\r\n<payload>".
// Every frame travels as a binary WebSocket message (the SDK drops text frames).
import { randomBytes } from 'node:crypto';

const MAGIC = 'TWILSOCK V3.0 ';

/** @returns {string} a server-side message id ("TM" + 32 hex) */
export function newMessageId() {
  return 'TM' + randomBytes(16).toString('hex');
}

/**
 * Encodes one frame. `payload` may be an object (sent as JSON), a string or a Buffer.
 * @param {Record<string, any>} header
 * @param {any} [payload]
 * @returns {Buffer}
 */
export function encodeFrame(header, payload) {
  let body = Buffer.alloc(0);
  if (payload !== undefined && payload !== null) {
    if (Buffer.isBuffer(payload)) body = payload;
    else if (typeof payload === 'string') body = Buffer.from(payload, 'utf8');
    else body = Buffer.from(JSON.stringify(payload), 'utf8');
  }
  const head = Buffer.from(JSON.stringify({ ...header, payload_size: body.length }), 'utf8');
  return Buffer.concat([Buffer.from(`${MAGIC}${head.length}\r\n`, 'latin1'), head, Buffer.from('\r\n'), body]);
}

/**
 * Decodes one frame. The payload is returned as a UTF-8 string (raw bytes are not needed:
 * every client payload is JSON or form-encoded text).
 * @param {Buffer} buf
 * @returns {{header: Record<string, any>, payload: string}}
 */
export function decodeFrame(buf) {
  const eol = buf.indexOf('\r\n');
  if (eol < 0) throw new Error('no magic line');
  const magic = buf.subarray(0, eol).toString('latin1');
  if (!magic.startsWith(MAGIC)) throw new Error(`bad magic: ${magic.slice(0, 20)}`);
  const headerSize = Number(magic.slice(MAGIC.length));
  if (!Number.isInteger(headerSize) || headerSize < 0) throw new Error('bad header size');
  const headStart = eol + 2;
  const header = JSON.parse(buf.subarray(headStart, headStart + headerSize).toString('utf8'));
  const payloadStart = headStart + headerSize + 2;
  const size = Number(header.payload_size) || 0;
  const payload = size > 0 ? buf.subarray(payloadStart, payloadStart + size).toString('utf8') : '';
  return { header, payload };
}
