// P1-P3: one push registration per identity and device token, remembered across page loads,
// renewed when the device token changes, and removed when the identity changes.
import { expect, waitUntil } from '@open-wc/testing';
import {
  closePages,
  events,
  openPage,
  pushRegistrations,
  quietPeriod,
  requests,
  resetEmulator,
  uid,
  waitReady,
} from './helpers.js';
import type { Page } from './helpers.js';

const PUSH_KEY = 'chat-widget:push';

/** ERS registration calls of an identity, as the emulator received them. */
async function ersCalls(identity: string): Promise<string[]> {
  return (await requests({ identity })).filter((r) => r.service === 'ers').map((r) => r.method);
}

const registrationsOf = async (identity: string) =>
  (await pushRegistrations()).registrations.filter((r) => r.identity === identity).map((r) => r.registrationId);

function storedPush(page: Page): { identity: string; token: string } | null {
  const raw = page.win.localStorage.getItem(PUSH_KEY);
  return raw ? JSON.parse(raw) : null;
}

/** Long enough for a registration the widget would make after `chat-ready` to reach the emulator. */
const REGISTRATION_WINDOW_MS = 2000;

describe('push registration (P1-P3)', function () {
  this.timeout(90_000);
  beforeEach(async () => {
    localStorage.removeItem(PUSH_KEY);
    await resetEmulator();
  });
  afterEach(closePages);

  it('P1: registers once per identity and device token; two reloads with the same token register nothing', async () => {
    const alice = uid('alice');
    const device = `fcm-device-${alice}`;
    let page = await openPage({ identity: alice, push: device });
    await waitReady(page);
    await waitUntil(async () => (await registrationsOf(alice)).length === 1, 'registered', { timeout: 15_000 });
    expect(await registrationsOf(alice)).to.deep.equal([device]);
    expect(storedPush(page)).to.include({ identity: alice, token: device });

    for (let reload = 1; reload <= 2; reload++) {
      page = await page.reload();
      await waitReady(page);
      expect(events(page, 'chat-ready')).to.have.length(1);
      await quietPeriod(REGISTRATION_WINDOW_MS);
      expect(await ersCalls(alice), `after reload ${reload}`).to.deep.equal(['POST']);
    }
    expect((await pushRegistrations()).calls).to.deep.equal({ register: 1, unregister: 0 });
    expect(await registrationsOf(alice)).to.deep.equal([device]);
  });

  it('P2: a new device token re-registers at once', async () => {
    const alice = uid('alice');
    const page = await openPage({ identity: alice, push: `old-token-${alice}` });
    await waitReady(page);
    await waitUntil(async () => (await ersCalls(alice)).length === 1, 'first registration', { timeout: 15_000 });

    page.widget.pushToken = `new-token-${alice}`;
    await waitUntil(
      async () => (await registrationsOf(alice)).includes(`new-token-${alice}`),
      'the new token is registered',
      { timeout: 15_000 },
    );
    expect(storedPush(page)).to.include({ identity: alice, token: `new-token-${alice}` });
    expect((await pushRegistrations()).calls.register).to.equal(2);

    // The same token again is not a change.
    page.widget.pushToken = `new-token-${alice}`;
    await quietPeriod(REGISTRATION_WINDOW_MS);
    expect((await pushRegistrations()).calls.register).to.equal(2);
  });

  it('P3: an identity change removes the old identity’s registration with its own client', async () => {
    const alice = uid('alice');
    const bob = uid('bob');
    const device = `shared-device-${alice}`;
    const page = await openPage({ identity: alice, push: device });
    await waitReady(page);
    await waitUntil(async () => (await registrationsOf(alice)).length === 1, 'alice registered', { timeout: 15_000 });

    page.widget.setAttribute('identity', bob);
    await waitUntil(async () => (await registrationsOf(alice)).length === 0, 'alice unregistered', { timeout: 15_000 });
    await waitReady(page);
    await waitUntil(async () => (await registrationsOf(bob)).length === 1, 'bob registered', { timeout: 15_000 });

    // The removal went out as alice (her client), before bob's registration.
    const ers = (await requests()).filter((r) => r.service === 'ers');
    expect(ers.map((r) => `${r.method} ${r.identity}`)).to.deep.equal([
      `POST ${alice}`,
      `DELETE ${alice}`,
      `POST ${bob}`,
    ]);
    expect(await registrationsOf(bob)).to.deep.equal([device]);
    expect(storedPush(page)).to.include({ identity: bob, token: device });
  });
});
