// What a newcomer meets when the address is wrong, tried in real Chromium
// against simulators playing the wrong server: nothing listening, a proxy's
// HTML error page, a server that does not allow this page's origin (no
// CORS), and a plain web server. Every failed attempt — the first included —
// is explained within 2 s: the URL tried, what happened, the likely causes,
// and what happens next.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { DIST, startSim, launchBrowser, openPage, screenshot } from './harness.mjs';

let viewer; // serves the page (and is a working cluster)
let browser;

before(async () => {
  viewer = await startSim(['--serve', DIST, '--base', '/eventline/', '--rate', '0']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await viewer?.stop();
});

/** A port on which nothing listens (bound, then released). */
async function closedPort() {
  const server = net.createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

/** Opens the viewer, points it at `cluster` (typed: the user's own choice) and presses Connect. */
async function connectTo(cluster, options = {}) {
  const opened = await openPage(browser, options);
  const { page } = opened;
  await page.goto(`${viewer.url}/eventline/`);
  await page.getByLabel('Cluster URL', { exact: true }).fill(cluster);
  await page.getByLabel('API key', { exact: true }).fill('NNSXS.EVENTLINETESTKEY.NOTAREALSECRET');
  await page.getByLabel('Entities', { exact: true }).fill('soil-sensors');
  const clicked = Date.now();
  await page.getByRole('button', { name: 'Connect' }).click();
  return { ...opened, clicked };
}

/** The banner's text once it names `pattern`, and how long after Connect that was. */
async function explained(page, clicked, pattern) {
  const banner = page.locator('.banner-error').filter({ hasText: pattern });
  await banner.waitFor({ timeout: 10_000 });
  return { text: await banner.innerText(), after: Date.now() - clicked };
}

test('nothing listening: the URL, the likely causes and a countdown, within 2 s', async () => {
  const port = await closedPort();
  const url = `http://127.0.0.1:${port}`;
  const { context, page, clicked } = await connectTo(url);
  const { text, after: ms } = await explained(page, clicked, 'Could not reach');
  assert.ok(ms < 2_000, `explained after ${ms} ms`);
  assert.match(text, new RegExp(`Could not reach ${url}/api/v3/events`));
  assert.match(text, /Likely causes/);
  assert.match(text, /the address or the port is wrong/);
  assert.match(text, /\(CORS\)/);
  assert.match(text, /Retrying in \d+ s \(attempt 2\)\./);
  // Never "connect to a cluster" while retrying.
  assert.doesNotMatch(await page.locator('.timeline').innerText(), /Connect to a cluster/);
  assert.match(await page.locator('.status-bar .state').innerText(), /retrying/);
  await screenshot(page, 'failure-unreachable.png', { fullPage: false });
  // Retry now, until the fifth attempt: a first connection that never worked stops.
  for (let attempt = 2; attempt <= 5; attempt += 1) {
    await page.getByRole('button', { name: 'Retry now' }).click();
    if (attempt < 5) await page.getByText(`(attempt ${attempt + 1})`).waitFor();
  }
  await page.getByText('Stopped after 5 failed attempts').waitFor();
  assert.equal(await page.locator('.banner-error').getByRole('button', { name: 'Reconnect' }).count(), 1);
  await context.close();
});

test('a proxy answering 502 with an HTML page is named: status, content type, not TTS', async () => {
  const proxy = await startSim(['--rate', '0', '--fault-status', '502', '--fault-body-html']);
  try {
    const { context, page, clicked, problems } = await connectTo(proxy.url);
    const { text, after: ms } = await explained(page, clicked, 'HTTP 502');
    assert.ok(ms < 2_000, `explained after ${ms} ms`);
    assert.match(text, new RegExp(`${proxy.url}/api/v3/events answered HTTP 502 with text/html, which does not look like The Things Stack's API\\.`));
    assert.match(text, /a proxy or load balancer/);
    assert.match(text, /Retrying in \d+ s/);
    await page.getByRole('button', { name: 'Details' }).click();
    assert.match(await page.locator('.banner-error .details').innerText(), /502 Bad Gateway/);
    assert.deepEqual(problems.filter((p) => !p.includes('502')), []);
    await context.close();
  } finally {
    await proxy.stop();
  }
});

test('a server that does not allow this origin (no CORS) gets the CORS cause listed', async () => {
  const strict = await startSim(['--rate', '0', '--no-cors']);
  try {
    const { context, page, clicked } = await connectTo(strict.url);
    const { text, after: ms } = await explained(page, clicked, 'Could not reach');
    assert.ok(ms < 2_000, `explained after ${ms} ms`);
    assert.match(text, new RegExp(`Could not reach ${strict.url}/api/v3/events`));
    assert.match(text, new RegExp(`does not allow this page's origin \\(${viewer.url}\\) \\(CORS\\)`));
    await context.close();
  } finally {
    await strict.stop();
  }
});

test('a plain web server (404, not TTS) stops at once and says it is not The Things Stack', async () => {
  const web = await startSim(['--rate', '0', '--plain-web-server']);
  try {
    const { context, page, clicked } = await connectTo(web.url);
    const { text, after: ms } = await explained(page, clicked, 'HTTP 404');
    assert.ok(ms < 2_000, `explained after ${ms} ms`);
    assert.match(text, /answered HTTP 404 with text\/plain, which does not look like The Things Stack's API\./);
    assert.match(text, /not a The Things Stack cluster/);
    assert.equal(await page.locator('.banner-error').getByRole('button', { name: 'Reconnect' }).count(), 1);
    assert.equal(await page.getByRole('button', { name: 'Retry now' }).count(), 0, 'a 404 is not retried');
    assert.match(await page.locator('.status-bar .state').innerText(), /error/);
    await context.close();
  } finally {
    await web.stop();
  }
});
