// The built viewer (dist/) served by eventline-sim under a sub-path, in real
// Chromium: it loads without errors, shows the connect form pre-filled from
// config.json, and a page can stream events from a simulated cluster on
// another origin (CORS preflight as TTS answers it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, startSim, launchBrowser, openPage, screenshot } from './harness.mjs';

let viewer; // serves dist/ under /tools/eventline/ and its own cluster
let cluster; // a second simulator: a different origin
let browser;

before(async () => {
  viewer = await startSim(['--serve', DIST, '--base', '/tools/eventline/', '--viewer-config']);
  cluster = await startSim([]);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await viewer?.stop();
  await cluster?.stop();
});

test('the viewer loads under a sub-path with every labelled field', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(`${viewer.url}/tools/eventline/`);
  await assert.doesNotReject(page.waitForSelector('form.connect'));
  assert.equal(await page.title(), 'Eventline');
  for (const label of ['Cluster URL', 'API key', 'Entities', 'Event names', 'Tail', 'After']) {
    assert.equal(await page.getByLabel(label, { exact: true }).count(), 1, `field "${label}"`);
  }
  assert.equal(await page.getByRole('button', { name: 'Connect' }).count(), 1);
  assert.equal(await page.getByLabel('API key', { exact: true }).getAttribute('type'), 'password');
  assert.deepEqual(problems, []);
  await context.close();
});

test('config.json from the demo pre-fills the cluster URL and demo key', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(`${viewer.url}/tools/eventline/`);
  const cluster = page.getByLabel('Cluster URL', { exact: true });
  await page.waitForFunction(() => document.querySelector('#cluster-url')?.value !== '');
  assert.equal(await cluster.inputValue(), viewer.url);
  assert.match(await page.getByLabel('API key', { exact: true }).inputValue(), /^NNSXS\./);
  assert.equal(await page.getByLabel('Entities', { exact: true }).inputValue(),
    'soil-sensors\ncold-chain\ngw:rooftop-gw-01\ngw:warehouse-ttig\ngw:parking-gw-north');
  assert.deepEqual(problems, []);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await screenshot(page, `shell-${scheme}.png`);
  }
  // Another cluster typed in: the demo key leaves the field, and the form says why.
  await cluster.fill('https://eu1.cloud.thethings.network');
  assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), '');
  await page.getByText(`The key entered for ${viewer.url} was taken out: a key goes only to the cluster it was entered for.`).waitFor();
  await cluster.fill(viewer.url);
  assert.match(await page.getByLabel('API key', { exact: true }).inputValue(), /^NNSXS\./);
  assert.equal(await page.locator('.key-taken').count(), 0);
  await context.close();
});

test('a page can stream events from a cluster on another origin', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(`${viewer.url}/tools/eventline/`);
  await page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
  const key = await page.getByLabel('API key', { exact: true }).inputValue();
  const first = await page.evaluate(async ({ url, key }) => {
    const response = await fetch(`${url}/api/v3/events`, {
      method: 'POST',
      credentials: 'omit',
      headers: {
        Authorization: `Bearer ${key}`,
        'Content-Type': 'application/json',
        Accept: 'text/event-stream',
      },
      body: JSON.stringify({ identifiers: [{ application_ids: { application_id: 'soil-sensors' } }] }),
    });
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    return { status: response.status, type: response.headers.get('content-type'), text };
  }, { url: cluster.url, key });
  assert.equal(first.status, 200);
  assert.equal(first.type, 'text/event-stream');
  const message = JSON.parse(first.text.slice(0, first.text.indexOf('\n\n')));
  assert.equal(message.result.name, 'events.stream.start');
  assert.deepEqual(message.result.identifiers, [{ application_ids: { application_id: 'soil-sensors' } }]);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a Content-Security-Policy blocks inline scripts the app did not ship', async () => {
  const { context, page, problems } = await openPage(browser);
  const violations = [];
  page.on('console', (m) => { if (/Content Security Policy/.test(m.text())) violations.push(m.text()); });
  await page.goto(`${viewer.url}/tools/eventline/`);
  await page.waitForSelector('form.connect');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  // The app itself ran under the policy (the form is there) and broke none of it.
  assert.deepEqual(violations, []);
  // An injected inline script is refused.
  await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__injected = true';
    document.body.append(s);
  });
  assert.equal(await page.evaluate(() => window.__injected), undefined);
  assert.equal(violations.length, 1);
  // The refusal is the only console error.
  assert.equal(problems.length, 1, problems.join('\n'));
  await context.close();
});
