// Headless Debian Chromium driven by playwright-core: no browser download, no network beyond
// loopback (the background-networking flags keep Chromium from calling home).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Chromium {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught page errors and console errors, for asserting there were none. */
  problems: string[];
  close(): Promise<void>;
}

export const launchChromium = async (): Promise<Chromium> => {
  if (!existsSync(executablePath)) {
    throw new Error(`${executablePath} not found: run scripts/ensure-chromium.sh`);
  }
  const browser = await chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 900, height: 600 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  return {
    browser,
    context,
    page,
    problems,
    close: () => browser.close(),
  };
};

/** Where the tests save their screenshots (gitignored). */
export const screenshotPath = (example: string, name: string): string => {
  const dir = join(__dirname, '../../examples', example, 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
};

/** Polls `check` until it returns true (or throws after `timeoutMs`). */
export const waitFor = async (check: () => boolean, what: string, timeoutMs = 10_000) => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/**
 * Records the text of `#answer` after every DOM change, so a test can see the tokens arrive one
 * by one; returns a reader of what was recorded. The text is rebuilt record by record: the
 * observer's callback may come once for two changes made in one task (two tokens read from one
 * network chunk), and each change must still be seen.
 */
export const recordAnswer = async (page: Chromium['page']): Promise<() => Promise<string[]>> => {
  await page.evaluate(() => {
    const answer = document.getElementById('answer')!;
    const seen: string[] = [];
    (window as unknown as { seen: string[] }).seen = seen;
    let text = answer.textContent ?? '';
    const observer = new MutationObserver((records) => {
      for (const record of records) {
        if (record.type === 'characterData' || record.removedNodes.length > 0) {
          // Text edited in place, or cleared: read it whole (the records after it add to it).
          text = record.type === 'characterData' ? (answer.textContent ?? '') : '';
        }
        for (const node of Array.from(record.addedNodes)) text += node.textContent ?? '';
        seen.push(text);
      }
    });
    observer.observe(answer, {
      childList: true,
      characterData: true,
      subtree: true,
    });
  });
  return () => page.evaluate(() => (window as unknown as { seen: string[] }).seen);
};
