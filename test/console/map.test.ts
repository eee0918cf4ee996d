// Drives the console's maps (dist/console) in headless Chromium against a
// real Outpost, with map tiles from a loopback server started here. Build
// the console first: `npx vite build --config console/vite.config.ts`.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

import { seedPolicy, seedToken } from '../agent-api/helpers.js';
import { launchBrowser } from '../support/browser.js';
import { startTestServer, TEST_ADMIN_PASSWORD, type TestServer } from '../support/server.js';
import { enrolPhone, fillerPhones, type SimulatedPhone } from './agent-http.js';
import { byTest, expectConsoleServed, REPO_ROOT, saveScreenshot } from './page-helpers.js';

const BUILT_CONSOLE = path.join(REPO_ROOT, 'dist/console/index.html');
const UI_STEP_TIMEOUT_MS = 10_000;
const MINUTE = 60_000;
// Leaflet removes a closed popup's element after a 200 ms fade.
const LEAFLET_FADE_MS = 200;
// A transparent 1×1 PNG; Leaflet stretches every tile image to 256×256.
const TILE_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
// Phones around Koidu, close enough that the fleet map clusters them.
const FLEET_SIZE = 12;
const TRACK_PHONE = 'chw-track-001';
const LOST_PHONE = 'spare-003';

/** Serves one PNG for every tile path and counts the requests, on loopback only. */
async function startTileServer(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(request.url ?? '');
    response.writeHead(200, { 'content-type': 'image/png', 'access-control-allow-origin': '*' });
    response.end(TILE_PNG);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function report(serverUrl: string, deviceId: string, location: { ts: number; lat: number; lon: number }): Promise<void> {
  const response = await fetch(`${serverUrl}/rest/public/sync/info`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ deviceId, model: 'moto e13', batteryLevel: 70, location }),
  });
  expect(response.status, `report of ${deviceId}`).toBe(200);
}

/** Number of vertices in an SVG path drawn by Leaflet: one M and one L per point. */
function pathVertexCount(d: string): number {
  return (d.match(/[ML]/g) ?? []).length;
}

describe('console maps', () => {
  let server: TestServer;
  let tiles: Awaited<ReturnType<typeof startTileServer>>;
  let browser: Browser;
  let page: Page;
  let consoleUrl: string;
  const trackFixes: Array<{ ts: number; lat: number; lon: number }> = [];
  const offLoopbackRequests: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    expect(fs.existsSync(BUILT_CONSOLE), `missing ${BUILT_CONSOLE}; run npx vite build --config console/vite.config.ts`).toBe(true);
    tiles = await startTileServer();
    server = await startTestServer({ env: { OUTPOST_MAP_TILE_URL: `${tiles.url}/tiles/{z}/{x}/{y}.png` } });
    consoleUrl = `${server.listenUrl}/`;
    await expectConsoleServed(consoleUrl);

    const tokenId = await seedToken(server.ctx, { policyId: await seedPolicy(server.ctx) });
    const phones: SimulatedPhone[] = fillerPhones(FLEET_SIZE).map((phone, index) => ({
      ...phone,
      location: { lat: 8.64 + (index % 4) * 0.002, lon: -10.97 - Math.floor(index / 4) * 0.002 },
    }));
    phones.push({ ...phones[0]!, deviceId: TRACK_PHONE, serial: 'TRACK001', imei: '356938035649999' });
    for (const phone of phones) await enrolPhone(server.listenUrl, tokenId, phone);

    // Seven fixes over the last two hours, sent out of order and one twice.
    const start = Date.now() - 2 * 60 * MINUTE;
    for (let step = 0; step < 7; step += 1) {
      trackFixes.push({ ts: start + step * 15 * MINUTE, lat: 8.6 + step * 0.004, lon: -11.0 + step * 0.003 });
    }
    for (const index of [3, 0, 6, 1, 1, 5, 2, 4]) await report(server.listenUrl, TRACK_PHONE, trackFixes[index]!);

    const lost = await server.ctx.store.devices.findByDeviceId(LOST_PHONE);
    await server.ctx.store.devices.update(lost!.id, { lost_mode_since: Date.now() - 30 * MINUTE });

    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    // Anything that leaves loopback is recorded and blocked, so the test
    // fails instead of reaching a tile server or CDN on the internet.
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1') return route.continue();
      offLoopbackRequests.push(url.href);
      return route.abort();
    });
    page = await context.newPage();
    page.setDefaultTimeout(UI_STEP_TIMEOUT_MS);
    page.on('pageerror', (error) => pageErrors.push(error.message));

    await page.goto(consoleUrl);
    await page.locator('input[name="username"]').fill('admin');
    await page.locator('input[name="password"]').fill(TEST_ADMIN_PASSWORD);
    await byTest(page, 'login-submit').click();
    await byTest(page, 'fleet-summary').waitFor();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await tiles?.close();
  });

  test("Chromium shows a device's track on the map", async () => {
    const device = await server.ctx.store.devices.findByDeviceId(TRACK_PHONE);
    await page.goto(`${consoleUrl}#/devices/${encodeURIComponent(device!.id)}`);

    // The seven fixes and the one of the first report at enrolment.
    const expectedPoints = trackFixes.length + 1;
    const map = byTest(page, 'track-map');
    await expect.poll(() => map.getAttribute('data-points')).toBe(String(expectedPoints));
    const line = map.locator('path.outpost-track-line');
    await line.waitFor();
    expect(pathVertexCount((await line.getAttribute('d')) ?? '')).toBe(expectedPoints);
    expect(await map.locator('path.outpost-track-point').count()).toBe(expectedPoints);
    expect(await map.locator('path.outpost-track-start').count()).toBe(1);

    // The last-fix marker uses the icon bundled with the console.
    const marker = map.locator('img.leaflet-marker-icon');
    expect(await marker.count()).toBe(1);
    const iconSource = (await marker.getAttribute('src')) ?? '';
    expect(iconSource.startsWith('data:image/png') || iconSource.startsWith(`${server.listenUrl}/`) || iconSource.startsWith('./')).toBe(true);

    // Tiles come from the loopback tile server named in the configuration.
    await expect.poll(() => map.locator('img.leaflet-tile-loaded').count()).toBeGreaterThan(0);
    const tileSource = (await map.locator('img.leaflet-tile').first().getAttribute('src')) ?? '';
    expect(tileSource.startsWith(`${tiles.url}/tiles/`)).toBe(true);
    expect(tiles.requests.length).toBeGreaterThan(0);
    expect(await map.locator('.leaflet-control-attribution').textContent()).toContain('OpenStreetMap contributors');

    expect(await byTest(page, 'track-summary').textContent()).toContain(`${expectedPoints} fixes`);
    await saveScreenshot(page, 'map-device-track');
  });

  test('track period narrows the points', async () => {
    const period = { from: trackFixes[2]!.ts, to: trackFixes[4]!.ts };
    const toLocalInput = (epochMs: number) =>
      page.evaluate((ms) => {
        const date = new Date(ms);
        const pad = (value: number) => String(value).padStart(2, '0');
        return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
      }, epochMs);

    // The inputs take minutes, so the from minute rounds down past fix 2's seconds.
    await byTest(page, 'period-from').locator('input').fill(await toLocalInput(period.from));
    await byTest(page, 'period-to').locator('input').fill(await toLocalInput(period.to));
    await byTest(page, 'period-apply').click();

    const map = byTest(page, 'track-map');
    await expect.poll(() => map.getAttribute('data-points')).toBe('3');
    expect(await map.locator('path.outpost-track-point').count()).toBe(3);
    expect(pathVertexCount((await map.locator('path.outpost-track-line').getAttribute('d')) ?? '')).toBe(3);
  });

  test('empty period offers the last fix', async () => {
    const longAgo = trackFixes[0]!.ts - 3 * 24 * 60 * MINUTE;
    const toLocalInput = (epochMs: number) =>
      page.evaluate((ms) => {
        const date = new Date(ms);
        const pad = (value: number) => String(value).padStart(2, '0');
        return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
      }, epochMs);
    await byTest(page, 'period-from').locator('input').fill(await toLocalInput(longAgo));
    await byTest(page, 'period-to').locator('input').fill(await toLocalInput(longAgo + 60 * MINUTE));
    await byTest(page, 'period-apply').click();

    await byTest(page, 'track-empty').waitFor();
    expect(await byTest(page, 'track-map').getAttribute('data-points')).toBe('0');
    await byTest(page, 'track-show-last-day').click();

    await expect.poll(() => byTest(page, 'track-map').getAttribute('data-points')).toBe(String(trackFixes.length + 1));
    expect(await byTest(page, 'track-empty').count()).toBe(0);
  });

  test('track export links carry the period', async () => {
    const href = (await byTest(page, 'track-export-csv').getAttribute('href')) ?? '';
    const url = new URL(href);

    expect(url.pathname).toMatch(/\/api\/v1\/devices\/[^/]+\/locations\/export$/);
    expect(url.searchParams.get('format')).toBe('csv');
    expect(Number(url.searchParams.get('from'))).toBeLessThanOrEqual(trackFixes[0]!.ts);
  });

  test('fleet map clusters devices and highlights the lost phone', async () => {
    await page.goto(`${consoleUrl}#/map`);

    const map = byTest(page, 'fleet-map');
    await expect.poll(() => map.getAttribute('data-devices')).toBe(String(FLEET_SIZE + 1));
    await map.locator('.marker-cluster').first().waitFor();

    // Every device is either inside a cluster's count or a marker of its own.
    const shownDevices = async () => {
      const clusterCounts = await map.locator('.marker-cluster span').allTextContents();
      const single = await map.locator('.outpost-device-marker').count();
      return clusterCounts.reduce((sum, text) => sum + Number(text), 0) + single;
    };
    await expect.poll(shownDevices).toBe(FLEET_SIZE + 1);
    expect(await map.locator('.marker-cluster').count()).toBeGreaterThan(0);

    const lostShown = (await map.locator('.outpost-device-lost').count()) + (await map.locator('.outpost-cluster-lost').count());
    expect(lostShown).toBe(1);
    await saveScreenshot(page, 'map-fleet-clustered');
  });

  test('lost-only view shows the lost phone alone', async () => {
    await byTest(page, 'fleet-lost-only').click();

    const map = byTest(page, 'fleet-map');
    await expect.poll(() => map.getAttribute('data-devices')).toBe('1');
    await map.locator('.outpost-device-lost').waitFor();
    await map.locator('.outpost-device-lost').click();
    const popup = byTest(page, 'fleet-map-popup');
    await popup.waitFor();
    expect(await popup.textContent()).toContain(LOST_PHONE);
    expect(await popup.textContent()).toContain('Lost mode since');
  });

  test('a refresh keeps the open popup', async () => {
    const map = byTest(page, 'fleet-map');
    // Clicking a marker whose popup is open closes it, so start from no popup.
    await map.press('Escape');
    await page.waitForTimeout(2 * LEAFLET_FADE_MS);
    expect(await byTest(page, 'fleet-map-popup').count()).toBe(0);
    await map.locator('.outpost-device-lost').click();
    await byTest(page, 'fleet-map-popup').waitFor();
    const builds = Number(await map.getAttribute('data-builds'));

    await page.getByRole('button', { name: 'Refresh' }).click();
    // The rebuild removes every marker, which closes the popup, and reopens it on the new one.
    await expect.poll(async () => Number(await map.getAttribute('data-builds'))).toBe(builds + 1);
    // A closed popup fades for 200 ms before Leaflet removes it, so wait that out.
    await page.waitForTimeout(2 * LEAFLET_FADE_MS);
    expect(await byTest(page, 'fleet-map-popup').count()).toBe(1);
    expect(await byTest(page, 'fleet-map-popup').textContent()).toContain(LOST_PHONE);
  });

  test('nothing left loopback', () => {
    expect(offLoopbackRequests).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
