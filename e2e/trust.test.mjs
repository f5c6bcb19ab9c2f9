// Trust boundaries, tried as an attacker would: a link naming another
// cluster, a capture link to another origin, a capture file built to freeze
// the tab, and exports that must not leak addresses. A second simulator
// stands for the attacker's server and tells afterwards what reached it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, startSim, launchBrowser, openPage, screenshot } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLES = path.join(here, '..', 'data', 'example-events.jsonl');

let own; // the user's cluster, serving the viewer
let attacker; // another origin: it must receive no key and serve no capture
let browser;

/** What reached a simulator: [{method, path, authorization, key_id}]. */
const seen = async (sim) => (await fetch(`${sim.url}/sim/requests`)).json();
const withKey = async (sim) => (await seen(sim)).filter((r) => r.authorization);

// A key with every right on every entity, so every example event streams (the
// demo key only covers the simulator's own fleet).
const ALL_KEY = `NNSXS.EVENTLINEALLKEY${'A'.repeat(24)}.${'B'.repeat(52)}`;

before(async () => {
  const keys = path.join(mkdtempSync(path.join(tmpdir(), 'eventline-keys-')), 'keys.json');
  writeFileSync(keys, JSON.stringify({ keys: [
    { key: ALL_KEY, name: 'everything', rights: { '*': ['RIGHT_ALL'] } },
  ] }));
  own = await startSim(['--serve', DIST, '--base', '/eventline/', '--replay', EXAMPLES, '--speed', '0', '--keys', keys]);
  attacker = await startSim(['--serve', DIST, '--rate', '0']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await own?.stop();
  await attacker?.stop();
});

test('a link to another cluster never gets a remembered key, and a typed one only after Trust', async () => {
  const key = ALL_KEY;
  const { context, page, problems } = await openPage(browser);
  // The user connects to their own cluster and asks to remember the key.
  await page.goto(`${own.url}/eventline/`);
  await page.getByLabel('Cluster URL', { exact: true }).fill(own.url);
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByLabel('Entities', { exact: true }).fill('soil-sensors');
  await page.getByLabel('Remember on this device').check();
  await page.getByRole('button', { name: 'Connect' }).click();
  // The key is saved once the cluster took it (a stream opened).
  await page.locator('.status-bar .state').filter({ hasText: /streaming|back-filling/ }).waitFor();
  await page.getByRole('button', { name: 'Disconnect' }).click();
  // Storage says which cluster the key is for.
  const saved = page.getByRole('list', { name: 'Saved keys' });
  await saved.getByText(own.url, { exact: true }).waitFor();

  // Later, a link names a look-alike host (the attacker) for the same entities.
  const look = `${attacker.url}/api/v3`;
  await page.goto(`${own.url}/eventline/#cluster=${encodeURIComponent(look)}&entities=soil-sensors`);
  await page.reload();
  assert.equal(await page.getByLabel('Cluster URL', { exact: true }).inputValue(), look);
  assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), '', 'the saved key is offered for another cluster');
  const warning = page.getByRole('alert', { name: 'Check the cluster' });
  await warning.waitFor();
  const host = new URL(attacker.url).host;
  // The full host, never cut off.
  assert.equal(await warning.locator('.host').innerText(), host);
  const box = await warning.locator('.host').boundingBox();
  const width = await warning.locator('.host').evaluate((el) => el.scrollWidth);
  assert.ok(width <= Math.ceil(box.width) + 1, 'the host name is cut off');
  await screenshot(page, 'trust-link-warning.png', { fullPage: false });

  // Editing the linked URL without changing its host does not make it the user's choice.
  await page.getByLabel('Cluster URL', { exact: true }).press('End');
  await page.getByLabel('Cluster URL', { exact: true }).pressSequentially('/');
  await warning.waitFor();
  assert.equal(await warning.locator('.host').innerText(), host);

  // Nothing connects by itself; typing a key and pressing Connect is refused until Trust.
  await page.getByLabel('API key', { exact: true }).fill('NNSXS.TYPEDBYUSER.NOTTHESAVEDONE');
  await page.setViewportSize({ width: 1280, height: 800 }); // the warning and Connect do not fit in one window
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.locator('#cluster-url-error').getByText(/Confirm the cluster first: your API key would be sent to/).waitFor();
  // The keyboard lands on the safe choice: Enter again does not trust the host.
  await page.waitForFunction(() => document.activeElement?.textContent?.trim() === "Don't trust it");
  await new Promise((r) => setTimeout(r, 500));
  // The whole warning is in view, the sentence saying what the button is for included.
  const said = await warning.locator('.sentence').evaluate((el) => el.getBoundingClientRect().top);
  assert.ok(said >= 0, `the warning's first line is above the window (top ${said})`);
  assert.deepEqual(await withKey(attacker), [], 'a key reached the other cluster before Trust');

  // The user trusts it deliberately: the typed key (not the saved one) goes there.
  await page.getByRole('button', { name: `Trust ${host}` }).click();
  await page.getByRole('button', { name: 'Connect' }).click();
  let sent = [];
  for (let i = 0; i < 100 && sent.length === 0; i += 1) {
    await new Promise((r) => setTimeout(r, 100));
    sent = await withKey(attacker);
  }
  await screenshot(page, 'trust-after-connect.png', { fullPage: false });
  assert.ok(sent.length >= 1, 'the trusted cluster got the request');
  const savedId = key.split('.')[1];
  assert.ok(sent.every((r) => r.key_id === 'TYPEDBYUSER'), JSON.stringify(sent));
  assert.ok(!sent.some((r) => r.key_id === savedId), 'the saved key went to another cluster');

  // A key typed for that cluster does not follow a link to yet another one.
  await page.evaluate((url) => { location.hash = `cluster=${encodeURIComponent(url)}&entities=soil-sensors`; }, 'http://127.0.0.1:9');
  await page.getByRole('alert', { name: 'Check the cluster' }).getByText('127.0.0.1:9', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('API key', { exact: true }).inputValue(), '');

  // The saved key can be forgotten.
  await page.getByRole('button', { name: `Forget the key saved for ${own.url}` }).click();
  assert.ok(!(await page.evaluate(() => JSON.stringify(localStorage))).includes(key.split('.')[2]));
  assert.deepEqual(problems.filter((p) => !/401|403|Failed to load resource/.test(p)), []);
  await context.close();
});

test('a link overriding the deployment\'s cluster is flagged; a pinned deployment refuses it', async () => {
  const config = (extra) => async (route) => route.fulfill({
    contentType: 'application/json',
    body: JSON.stringify({ cluster_url: own.url, entities: ['soil-sensors'], ...extra }),
  });
  const { context, page, problems } = await openPage(browser);
  await page.route('**/config.json', config({}));
  await page.goto(`${own.url}/eventline/#cluster=${encodeURIComponent(attacker.url)}&entities=soil-sensors`);
  const warning = page.getByRole('alert', { name: 'Check the cluster' });
  await warning.getByText(`It is not the cluster this Eventline is set up for (${new URL(own.url).host}).`, { exact: false }).waitFor();

  const pinned = await openPage(browser);
  await pinned.page.route('**/config.json', config({ clusters_allowed: [own.url] }));
  await pinned.page.goto(`${own.url}/eventline/#cluster=${encodeURIComponent(attacker.url)}&entities=soil-sensors`);
  const refused = pinned.page.getByRole('alert', { name: 'Check the cluster' });
  await refused.getByText(`This Eventline only connects to ${own.url}; it will not send a key to ${attacker.url}.`).waitFor();
  assert.equal(await refused.getByRole('button').count(), 0, 'a pinned deployment offers no Trust button');
  await pinned.page.getByLabel('API key', { exact: true }).fill('NNSXS.TYPEDBYUSER.NOTTHESAVEDONE');
  await pinned.page.getByRole('button', { name: 'Connect' }).click();
  await pinned.page.locator('#cluster-url-error').getByText(/only connects to/).waitFor();
  assert.deepEqual(await withKey(attacker), (await withKey(attacker)).filter((r) => r.key_id === 'TYPEDBYUSER'));
  assert.deepEqual([...problems, ...pinned.problems], []);
  await context.close();
  await pinned.context.close();
});

test('a capture link to another origin is refused and never fetched', async () => {
  const before = (await seen(attacker)).length;
  for (const foreign of [`${attacker.url}/evil.ndjson`, `//${new URL(attacker.url).host}/evil.ndjson`, '/evil.ndjson']) {
    const { context, page, problems } = await openPage(browser);
    await page.goto(`${own.url}/eventline/#capture=${encodeURIComponent(foreign)}`);
    const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /a capture link can only name a file hosted next to Eventline, by a relative path/);
    assert.equal(await page.locator('.event-row').count(), 0);
    assert.deepEqual(problems, []);
    await context.close();
  }
  const after = await seen(attacker);
  assert.deepEqual(after.slice(before).filter((r) => r.path.includes('evil')), [], 'the foreign capture was fetched');
});

test('an export of every example event holds no IP address, session key or token', async () => {
  const key = ALL_KEY;
  const { context, page, problems } = await openPage(browser, { acceptDownloads: true });
  await page.goto(`${own.url}/eventline/`);
  await page.getByLabel('Cluster URL', { exact: true }).fill(own.url);
  await page.getByLabel('API key', { exact: true }).fill(key);
  // Every entity the examples name, so every example event streams.
  const events = readFileSync(EXAMPLES, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((e) => e.name !== 'events.stream.start');
  const keyOf = (ids) => {
    if (ids.application_ids) return ids.application_ids.application_id;
    if (ids.device_ids) return `${ids.device_ids.application_ids.application_id}/${ids.device_ids.device_id}`;
    if (ids.gateway_ids) return `gw:${ids.gateway_ids.gateway_id}`;
    if (ids.user_ids) return `user:${ids.user_ids.user_id}`;
    if (ids.organization_ids) return `org:${ids.organization_ids.organization_id}`;
    return `client:${ids.client_ids.client_id}`;
  };
  const entities = [...new Set(events.flatMap((e) => e.identifiers.map(keyOf)))];
  await page.getByLabel('Entities', { exact: true }).fill(entities.join('\n'));
  await page.getByLabel('Tail', { exact: true }).fill('1000');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText(`${events.length} events received`).waitFor();
  for (const button of ['Export NDJSON', 'Export JSON']) {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
    const text = readFileSync(await download.path(), 'utf8');
    const ips = (text.match(/\b\d{1,3}(\.\d{1,3}){3}\b/g) ?? []).filter((ip) => ip !== '130.0.0.0'); // Chrome/130.0.0.0
    assert.deepEqual(ips, [], `${button}: IP addresses exported`);
    for (const secret of ['203.0.113.17', '198.51.100.42', 'session_key_id', 'uplink_token', 'token_id', '"ip"']) {
      assert.ok(!text.includes(secret), `${button}: ${secret} exported`);
    }
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test('a 1,000,000-item JSON array imports without freezing the page; a deep event opens and exports', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'eventline-trust-'));
  const array = path.join(dir, 'million.json');
  writeFileSync(array, `[${'1,\n'.repeat(999_999)}1]\n`);
  const { context, page, problems } = await openPage(browser, { acceptDownloads: true });
  await page.goto(`${own.url}/eventline/`);
  await page.evaluate(() => {
    window.__longest = 0;
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
  await page.locator('input[type=file]').setInputFiles(array);
  await page.getByText('Offline capture: million.json', { exact: true }).waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: '1,000,000 skipped malformed' }).waitFor();
  assert.ok(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask')));
  const longest = await page.evaluate(() => window.__longest);
  console.log(`# longest main-thread task while importing 1,000,000 items: ${longest.toFixed(0)} ms`);
  assert.ok(longest < 100, `the import blocked the page for ${longest} ms`);

  // An event nested 100,000 levels deep beside a normal one.
  const depth = 100_000;
  const normal = readFileSync(EXAMPLES, 'utf8').split('\n').find((l) => l.startsWith('{"name":"as.up.data.forward"'));
  assert.ok(normal);
  const deep = `{"name":"as.up.data.forward","time":"2024-10-28T10:00:00Z","identifiers":[{"application_ids":{"application_id":"deep-app"}}],"data":{"x":${'['.repeat(depth)}${']'.repeat(depth)}},"unique_id":"01DEEPDEEPDEEPDEEPDEEPDEEP"}`;
  const file = path.join(dir, 'deep.ndjson');
  writeFileSync(file, `${normal}\n${deep}\n`);
  await page.locator('input[type=file]').setInputFiles(file);
  await page.getByText('Offline capture: deep.ndjson', { exact: true }).waitFor();
  const lane = page.getByRole('region', { name: 'application deep-app', exact: true });
  await lane.locator('.row-main').click();
  const tree = lane.getByRole('tree', { name: 'Event JSON' });
  await tree.waitFor();
  const text = await tree.innerText();
  assert.match(text, /as\.up\.data\.forward/);
  assert.match(text, /01DEEPDEEPDEEPDEEPDEEPDEEP/);
  await lane.getByRole('button', { name: 'Expand all', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('[role=tree]')?.innerText.includes('nested deeper than 64 levels: not shown'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export NDJSON' }).click()]);
  const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(lines.length, 2);
  assert.ok(lines.some((l) => l.includes('01DEEPDEEPDEEPDEEPDEEPDEEP') && l.length > 2 * depth));
  assert.match(await page.locator('.export-status').innerText(), /^Exported 2 events/);
  assert.deepEqual(problems, []);
  await context.close();
});
