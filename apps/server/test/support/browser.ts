import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { it } from 'vitest';
import { REPO_ROOT } from './web-build.js';

export const CHROMIUM = '/usr/bin/chromium';

/** Runs only where Debian's Chromium is installed (CI installs it); elsewhere the skip says why. */
export const browserTest = existsSync(CHROMIUM)
  ? it
  : (name: string, ..._rest: unknown[]) => it.skip(`${name} — SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`, () => {});

/** Screenshots are for people to look at: ACC_TEST_SCREENSHOT_DIR, else screenshots/ at the root (gitignored). */
export function saveScreenshot(name: string, png: Buffer): void {
  const dir = process.env.ACC_TEST_SCREENSHOT_DIR ?? join(REPO_ROOT, 'screenshots');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.png`), png);
}

export interface Browser {
  context: BrowserContext;
  /** A fresh page that records page errors; `problems` lists them. */
  page(): Promise<Page>;
  problems: string[];
  close(): Promise<void>;
}

/** Headless Chromium with a throwaway profile; every request must stay on 127.0.0.1. */
export async function openBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'acc-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 800 },
    acceptDownloads: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const problems: string[] = [];
  context.on('request', (r) => {
    const url = new URL(r.url());
    if (!['data:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1' && url.hostname !== 'localhost')
      problems.push(`foreign request: ${r.url()}`);
  });
  return {
    context,
    problems,
    async page() {
      const page = await context.newPage();
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
