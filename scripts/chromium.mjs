// Debian's Chromium, started so that it never reaches for the closed network and runs as root.
import { existsSync } from 'node:fs';

export function chromiumPath() {
  if (process.env.CHROME_PATH) return process.env.CHROME_PATH;
  // /usr/bin/chromium is a shell wrapper that prints a harmless error; the binary is quieter.
  for (const candidate of ['/usr/lib/chromium/chromium', '/usr/bin/chromium']) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('Chromium not found: apt-get install -y chromium, or set CHROME_PATH');
}

export const chromiumArgs = [
  '--no-sandbox',
  '--headless=new',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1',
];
