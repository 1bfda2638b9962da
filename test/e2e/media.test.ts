// Images and files: uploaded by the real SDK to the emulator's media service (another origin,
// CORS), sent as a media message, previewed on both sides through a temporary URL.
import { expect, waitUntil } from '@open-wc/testing';
import { closePages, deepQueryAll, openPair, requests, resetEmulator } from './helpers.js';
import type { Page } from './helpers.js';

// A 2×1 PNG.
const PNG = Uint8Array.from(
  atob('iVBORw0KGgoAAAANSUhEUgAAAAIAAAABCAYAAAD0In+KAAAAEUlEQVR4nGP4z8DAwMDAAAAHAgEAdl5qUwAAAABJRU5ErkJggg=='),
  (c) => c.charCodeAt(0),
);

function attach(page: Page, name: string, type: string, bytes: BlobPart): void {
  const input = deepQueryAll<HTMLInputElement>(page.widget, 'input[type=file]')[0];
  const transfer = new page.win.DataTransfer();
  transfer.items.add(new page.win.File([bytes], name, { type }));
  input.files = transfer.files;
  input.dispatchEvent(new page.win.Event('change'));
}

const loadedImages = (page: Page) =>
  deepQueryAll<HTMLImageElement>(page.widget, 'img').filter((img) => img.complete && img.naturalWidth > 0);

describe('media', function () {
  this.timeout(60_000);
  beforeEach(resetEmulator);
  afterEach(closePages);

  it('an image sent by one person shows as a preview on both sides, a file as a download link', async () => {
    const { alice, a, b } = await openPair('media');
    attach(a, 'dot.png', 'image/png', PNG);
    await waitUntil(() => loadedImages(b).length === 1, 'bob sees the image', { timeout: 20_000 });
    await waitUntil(() => loadedImages(a).length === 1, 'alice sees her image', { timeout: 20_000 });
    const [image] = loadedImages(b);
    expect([image.naturalWidth, image.naturalHeight]).to.deep.equal([2, 1]);
    expect(image.alt).to.equal('dot.png');

    attach(a, 'notes.txt', 'text/plain', 'meeting at noon');
    await waitUntil(
      () => deepQueryAll<HTMLAnchorElement>(b.widget, 'a[part~="attachment"]').some((l) => l.download === 'notes.txt'),
      'bob gets a download link',
      { timeout: 20_000 },
    );
    const link = deepQueryAll<HTMLAnchorElement>(b.widget, 'a[part~="attachment"]').find(
      (l) => l.download === 'notes.txt',
    )!;
    expect(await (await fetch(link.href)).text()).to.equal('meeting at noon');
    expect(loadedImages(b)).to.have.length(1);

    // Both went up as media messages, each once.
    const posts = (await requests({ identity: alice })).filter(
      (r) => r.method === 'POST' && /\/Messages$/.test(r.path),
    );
    expect(posts).to.have.length(2);
  });
});
