import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's Chromium, headless, with nothing that would reach the network on its own. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

/**
 * Where a browser test saves its pictures: the README's folder with UPDATE_SCREENSHOTS=1, so the
 * pictures change only when asked to; a temporary folder otherwise. Ends in a slash.
 */
export function screenshotFolder(): string {
  const folder =
    process.env.UPDATE_SCREENSHOTS === '1'
      ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
      : `${mkdtempSync(join(tmpdir(), 'ventanilla-screenshots-'))}/`;
  mkdirSync(folder, { recursive: true });
  return folder;
}

/**
 * Follows a link of the console's main navigation and waits until the new page has been drawn. The console
 * changes page without loading one and draws it once its data has arrived; a locator used in between would find
 * the old page (whose «Mis llamadas» also matches «Llamadas», whose tray filter is also labelled «Canal»).
 */
export async function followNav(page: Page, name: string): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Navegación principal' });
  await nav.getByRole('link', { name, exact: true }).click();
  await nav.locator('a[aria-current="page"]', { hasText: new RegExp(`^${name}$`) }).waitFor();
}

/** What a page broke while the test used it: policy violations and uncaught errors. A test ends expecting none. */
export function problemsOf(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) problems.push(m.text());
  });
  // With its stack: an error of a library (Leaflet, Chart.js) says little by its message alone.
  page.on('pageerror', (e) => problems.push(e.stack ?? e.message));
  return problems;
}

/** Signs in to the console at `base` and waits for the tray, the first page. */
export async function signIn(page: Page, base: string, who: { email: string; password: string }): Promise<void> {
  await page.goto(`${base}/console`);
  await page.getByLabel('Correo electrónico').fill(who.email);
  await page.getByLabel('Contraseña').fill(who.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { name: 'Bandeja de trabajo' }).waitFor();
}
