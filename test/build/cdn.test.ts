import { expect, waitUntil } from '@open-wc/testing';
import { makeToken } from '../helpers/jwt.js';

type FrameWindow = Window & typeof globalThis & { violations: string[] };

async function loadFrame(path: string): Promise<FrameWindow> {
  const iframe = document.createElement('iframe');
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  iframe.src = path;
  document.body.append(iframe);
  await loaded;
  return iframe.contentWindow as FrameWindow;
}

function resourceNames(win: Window): string[] {
  return win.performance.getEntriesByType('resource').map((entry) => new URL(entry.name).pathname);
}

describe('the CDN build under a strict Content-Security-Policy', function () {
  this.timeout(60_000);

  it('is served with the policy', async () => {
    const response = await fetch('/test/build/fixtures/csp-module.html');
    expect(response.headers.get('content-security-policy')).to.equal("default-src 'self'; script-src 'self'");
  });

  for (const page of ['csp-module.html', 'csp-loader.html']) {
    it(`${page}: defines the tags, loads the SDK chunk only on connect, and violates nothing`, async () => {
      const win = await loadFrame(`/test/build/fixtures/${page}`);
      await waitUntil(() => win.customElements.get('chat-widget'), 'chat-widget defined', { timeout: 20_000 });
      for (const tag of [
        'chat-channel-list',
        'chat-channel-view',
        'chat-message',
        'chat-composer',
        'chat-connection-status',
      ]) {
        expect(win.customElements.get(tag), tag).to.be.a('function');
      }
      // Defined, but not connected yet: the SDK chunk must not have been fetched.
      expect(resourceNames(win).filter((name) => name.includes('twilio-chat'))).to.deep.equal([]);

      const widget = win.document.createElement('chat-widget');
      widget.setAttribute('mode', 'inline');
      // The socket URL answers 404: the real SDK is created and tries to connect, same origin.
      widget.fetchToken = async () => ({
        token: makeToken({ identity: 'csp-user' }),
        clientOptions: { Twilsock: { uri: `ws://${location.host}/no-such-socket` } },
      });
      win.document.body.append(widget);
      await waitUntil(() => widget.client !== null, 'SDK client created', { timeout: 30_000 });
      const client = widget.client as { getSubscribedChannels?: unknown; shutdown?: unknown };
      expect(client.getSubscribedChannels).to.be.a('function');
      expect(client.shutdown).to.be.a('function');
      const chunks = resourceNames(win).filter((name) => name.includes('twilio-chat-client'));
      expect(chunks).to.have.length(1);
      await widget.logout();
      expect(win.violations).to.deep.equal([]);
    });
  }
});
