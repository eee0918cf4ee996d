import { test } from 'vitest';
import { launchBrowser } from '../support/browser.js';
import { startTestServer } from '../support/server.js';
test('smoke', async () => {
const server = await startTestServer();
const browser = await launchBrowser();
const page = await browser.newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text()));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto(server.listenUrl + '/');
await page.waitForTimeout(1000);
await page.screenshot({ path: '/tmp/cscratch/smoke.png' });
console.log(await page.content().then((c) => c.slice(0, 300)));
await browser.close();
await server.dispose();
});
