// Drives the console maps (dist/console) in headless Chromium with Outpost
// under a project path, as behind a reverse proxy that serves it at
// /outpost/. Build the console first: `npx vite build --config console/vite.config.ts`.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { seedPolicy, seedToken } from '../agent-api/helpers.js';
import { enrolPhone, fillerPhones } from '../console/agent-http.js';
import { byTest, expectConsoleServed, REPO_ROOT } from '../console/page-helpers.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
const PROJECT_PATH = '/outpost';
// A transparent 1×1 PNG; Leaflet stretches it to a whole tile.
const TILE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('maps under a project path', () => {
  let server: TestServer;
  let tileServer: http.Server;
  let tileUrl: string;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const failedResponses: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    expect(fs.existsSync(BUILT_CONSOLE), `missing ${BUILT_CONSOLE}; run npx vite build --config console/vite.config.ts`).toBe(true);
    tileServer = http.createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'image/png' });
      response.end(TILE_PNG);
    });
    await new Promise<void>((resolve) => tileServer.listen(0, '127.0.0.1', resolve));
    tileUrl = `http://127.0.0.1:${(tileServer.address() as AddressInfo).port}`;

    server = await startTestServer({
      publicUrl: `http://outpost.invalid${PROJECT_PATH}`,
      env: { OUTPOST_MAP_TILE_URL: `${tileUrl}/tiles/{z}/{x}/{y}.png` },
    });
    consoleUrl = `${server.listenUrl}${PROJECT_PATH}/`;
    await expectConsoleServed(consoleUrl);

    const tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
    const [phone] = fillerPhones(1);
    await enrolPhone(`${server.listenUrl}${PROJECT_PATH}`, tokenId, { ...phone!, location: { lat: 8.64, lon: -10.97 } });

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    // Only loopback is reachable, so nothing can leave the machine.
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
      failedResponses.push(`blocked ${url.href}`);
      return route.abort();
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));

    // The session check before login returns 401, so failures count from the login on.
    await page.goto(consoleUrl);
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill(TEST_ADMIN_PASSWORD);
    await byTest(page, 'login-submit').click();
    await byTest(page, 'fleet-summary').waitFor();
    page.on('response', (response) => {
      if (response.status() >= 400) failedResponses.push(`${response.status()} ${response.url()}`);
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await new Promise<void>((resolve) => (tileServer ? tileServer.close(() => resolve()) : resolve()));
  });

  test('fleet map loads its data and tiles', async () => {
    await page.goto(`${consoleUrl}#/map`);

    const map = byTest(page, 'fleet-map');
    await expect.poll(() => map.getAttribute('data-devices')).toBe('1');
    await map.locator('.outpost-device-marker').waitFor();
    await expect.poll(() => map.locator('img.leaflet-tile-loaded').count()).toBeGreaterThan(0);
  });

  test('fleet export link stays under the path', async () => {
    const href = (await byTest(page, 'fleet-export-csv').getAttribute('href')) ?? '';
    const url = new URL(href, consoleUrl);

    expect(url.pathname).toBe(`${PROJECT_PATH}/api/v1/locations/fleet/export`);
    const status = await page.evaluate(async (link) => (await fetch(link)).status, url.href);
    expect(status).toBe(200);
  });

  // Leaving the map page once ran Leaflet's stop() on a map already removed,
  // and the TypeError blanked the whole console.
  test('leaving the map keeps the console', async () => {
    const device = await server.ctx.store.devices.findByDeviceId('spare-001');
    await page.goto(`${consoleUrl}#/devices/${encodeURIComponent(device!.id)}`);

    const map = byTest(page, 'track-map');
    await expect.poll(() => map.getAttribute('data-points')).toBe('1');
    const marker = map.locator('img.leaflet-marker-icon');
    await marker.waitFor();
    await expect.poll(() => marker.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth > 0)).toBe(true);
  });

  test('no request failed', () => {
    expect(failedResponses).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
