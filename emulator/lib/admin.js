// Test-only admin API (JSON, CORS open): observe and steer the emulator from tests.
// Documented in emulator/README.md.

/**
 * @param {import('./emulator.js').Emulator} emu
 * @param {string} method @param {URL} url @param {Buffer} raw @param {string|undefined} host
 * @returns {{status: number, body: any}}
 */
export function handleAdmin(emu, method, url, raw, host) {
  const q = url.searchParams;
  const route = `${method} ${url.pathname.replace(/\/+$/, '')}`;
  const live = [...emu.connections].filter((c) => c.identity);
  const matches = (/** @type {import('./gateway.js').Connection} */ c) =>
    !q.has('identity') || c.identity === q.get('identity');
  switch (route) {
    case 'GET /admin/connections': {
      if (q.get('detail')) {
        return {
          status: 200,
          body: live.map((c) => ({
            id: c.id,
            identity: c.identity,
            host: c.host,
            connectedAt: c.connectedAt,
            tokenExpires: new Date(c.exp * 1000).toISOString(),
            expired: c.expired,
          })),
        };
      }
      /** @type {Record<string, number>} */ const counts = {};
      for (const c of live)
        counts[/** @type {string} */ (c.identity)] = (counts[/** @type {string} */ (c.identity)] ?? 0) + 1;
      return { status: 200, body: counts };
    }
    case 'POST /admin/drop': {
      // holdMs keeps the network "down" a while longer: init replies for these identities wait
      const holdMs = Number(q.get('holdMs')) || 0;
      if (q.has('onRequest')) {
        // Armed, not immediate: the drop happens when the next matching upstream request arrives,
        // which is then lost (a request in flight when the network went down).
        const on = q.get('onRequest') ?? '';
        const service = ['chat', 'sync', 'ers'].includes(on) ? on : null;
        const path = service || on === '' || on === 'any' ? null : on;
        if (path !== null && !path.startsWith('/'))
          return { status: 400, body: { message: 'onRequest is chat, sync, ers, any or a path starting with /' } };
        emu.armedDrops.push({ identity: q.get('identity'), service, path, holdMs });
        return { status: 200, body: { armed: emu.armedDrops.length, holdMs } };
      }
      const victims = [...emu.connections].filter(matches);
      for (const c of victims) emu.dropConnection(c, holdMs); // destroys the TCP socket, no close frame
      emu.log(`[admin] dropped ${victims.length} connection(s)${q.has('identity') ? ` of ${q.get('identity')}` : ''}`);
      return { status: 200, body: { dropped: victims.length, holdMs } };
    }
    case 'GET /admin/requests': {
      let list = emu.requests;
      const since = q.get('since');
      if (since !== null) {
        const n = Number(since);
        list =
          Number.isInteger(n) && n < 1e12
            ? list.filter((r) => r.seq > n)
            : list.filter((r) => Date.parse(r.time) > (Number.isFinite(n) ? n : Date.parse(since)));
      }
      if (q.has('identity')) list = list.filter((r) => r.identity === q.get('identity'));
      if (q.has('service')) list = list.filter((r) => r.service === q.get('service'));
      return { status: 200, body: list };
    }
    case 'DELETE /admin/requests':
      emu.requests = [];
      return { status: 200, body: { cleared: true, seq: emu.requestSeq } };
    case 'GET /admin/push-registrations':
      return {
        status: 200,
        body: {
          registrations: [...emu.chat.pushRegistrations.values()].map(
            ({ identity, id, channelType, registrationId }) => ({ identity, id, channelType, registrationId }),
          ),
          calls: { ...emu.chat.pushCounts },
        },
      };
    case 'POST /admin/delay': {
      emu.delayMs = Math.max(0, Number(q.get('ms')) || 0);
      return { status: 200, body: { delayMs: emu.delayMs } };
    }
    case 'POST /admin/reset':
      emu.resetState();
      emu.delayMs = 0;
      emu.clockOffsetMs = 0;
      emu.armedDrops = [];
      return { status: 200, body: { reset: true, epoch: emu.epoch } };
    case 'POST /admin/seed': {
      let spec;
      try {
        spec = JSON.parse(raw.toString('utf8') || '{}');
      } catch {
        return { status: 400, body: { message: 'seed body must be JSON' } };
      }
      try {
        return { status: 200, body: emu.chat.seed(spec) };
      } catch (e) {
        return { status: /** @type {any} */ (e).status ?? 400, body: { message: /** @type {Error} */ (e).message } };
      }
    }
    case 'POST /admin/clock': {
      if (q.has('offsetMs')) emu.clockOffsetMs = Number(q.get('offsetMs')) || 0;
      if (q.has('advanceMs')) emu.clockOffsetMs += Number(q.get('advanceMs')) || 0;
      for (const c of live) c.scheduleExpiry();
      return { status: 200, body: { offsetMs: emu.clockOffsetMs, now: new Date(emu.now()).toISOString() } };
    }
    case 'POST /admin/expire': {
      const phase = q.get('phase') ?? 'both';
      const victims = live.filter((c) => matches(c) && !c.expired);
      for (const c of victims) {
        if (phase === 'warn' || phase === 'both') c.warn();
        if (phase === 'close' || phase === 'both') c.expire();
      }
      return { status: 200, body: { affected: victims.length, phase } };
    }
    case 'GET /admin/token':
    case 'POST /admin/token': {
      const identity = q.get('identity');
      if (!identity) return { status: 400, body: { message: 'identity is required' } };
      const ttl = Number(q.get('ttl') ?? 3600);
      const origin = emu.originFor(host ?? '');
      return {
        status: 200,
        body: { identity, token: emu.mintToken({ identity, ttl }), clientOptions: emu.clientOptions(origin) },
      };
    }
    case 'GET /admin/channels':
      return {
        status: 200,
        body: [...emu.chat.channels.values()].map((c) => ({
          sid: c.sid,
          uniqueName: c.uniqueName,
          friendlyName: c.friendlyName,
          type: c.type,
          members: [...c.members.keys()],
          invites: [...c.invites],
          messages: c.list.items.size,
        })),
      };
    default:
      return { status: 404, body: { message: `unknown admin route ${route}` } };
  }
}
