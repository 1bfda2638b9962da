import { expect, waitUntil } from '@open-wc/testing';
import { isSdkTransportNoise, quietSdkTransportNoise } from '../../../src/services/sdk-noise.js';

/** Built the way twilsock builds its TwilsockError. */
class TwilsockErrorShape extends Error {}

/** Built the way twilio-sync builds its SyncError from a twilsock transport failure. */
class SyncErrorShape extends Error {
  readonly status = 0;
  readonly code = 0;
  constructor(description: string) {
    super(`${description} (status: 0, code: 0)`);
  }
}

/**
 * Rejects each reason with no handler, from a script of a page of its own (an iframe: the test
 * runner's page reports every unhandled rejection), and tells for each whether the browser would
 * report it in the console: not prevented once every listener has run. The page's own listener
 * comes first, like a host page's error reporting installed before the widget.
 */
async function reported(page: Window, reasons: readonly unknown[]): Promise<boolean[]> {
  const seen = new Map<unknown, boolean>();
  const listener = (event: PromiseRejectionEvent) =>
    setTimeout(() => {
      seen.set(event.reason, !event.defaultPrevented);
      event.preventDefault(); // too late to matter; keeps nothing else from reporting it
    });
  page.addEventListener('unhandledrejection', listener);
  (page as Window & { reasons?: readonly unknown[] }).reasons = reasons;
  try {
    const script = page.document.createElement('script');
    script.textContent = 'for (const reason of window.reasons) Promise.reject(reason);';
    page.document.body.append(script);
    await waitUntil(() => seen.size === reasons.length, 'every rejection seen');
  } finally {
    page.removeEventListener('unhandledrejection', listener);
  }
  return reasons.map((reason) => seen.get(reason) ?? false);
}

function blankPage(): Window {
  const frame = document.createElement('iframe');
  document.body.append(frame);
  frames.push(frame);
  return frame.contentWindow!;
}

const frames: HTMLIFrameElement[] = [];
afterEach(() => frames.splice(0).forEach((frame) => frame.remove()));

describe('SDK transport noise', () => {
  it('recognizes only twilio-sync transport failures', () => {
    expect(isSdkTransportNoise(new SyncErrorShape('disconnected'))).to.equal(true);
    expect(isSdkTransportNoise(new SyncErrorShape('Twilsock: request cancelled by user'))).to.equal(true);
    expect(isSdkTransportNoise(new TwilsockErrorShape('disconnected'))).to.equal(true);
    expect(isSdkTransportNoise(new TwilsockErrorShape('Twilsock: request cancelled by user'))).to.equal(true);
    expect(isSdkTransportNoise(new TwilsockErrorShape('Unable to connect: Connection is not initialized'))).to.equal(
      true,
    );
    expect(isSdkTransportNoise(new SyncErrorShape('Forbidden'))).to.equal(false);
    expect(isSdkTransportNoise(new TwilsockErrorShape('Transport failure: 500'))).to.equal(false);
    expect(isSdkTransportNoise(new Error('disconnected'))).to.equal(false);
    expect(isSdkTransportNoise(new TypeError('disconnected'))).to.equal(false);
    expect(isSdkTransportNoise(new Error('disconnected (status: 0, code: 0)'))).to.equal(false);
    expect(
      isSdkTransportNoise(Object.assign(new Error('disconnected (status: 403, code: 0)'), { status: 403, code: 0 })),
    ).to.equal(false);
    expect(isSdkTransportNoise({ message: 'disconnected (status: 0, code: 0)', status: 0, code: 0 })).to.equal(false);
    expect(isSdkTransportNoise(undefined)).to.equal(false);
  });

  it('keeps those unhandled rejections out of the console while held, and nothing else', async () => {
    const page = blankPage();
    const release = quietSdkTransportNoise(page);
    const noise = new SyncErrorShape('disconnected');
    const ours = new Error('a host page error');
    try {
      expect(await reported(page, [noise, ours])).to.deep.equal([false, true]);
    } finally {
      release();
    }
  });

  it('stops when the last holder releases, and a second release changes nothing', async () => {
    const page = blankPage();
    const first = quietSdkTransportNoise(page);
    const second = quietSdkTransportNoise(page);
    first();
    first();
    expect(await reported(page, [new SyncErrorShape('disconnected')])).to.deep.equal([false]);
    second();
    expect(await reported(page, [new SyncErrorShape('disconnected')])).to.deep.equal([true]);
  });
});
