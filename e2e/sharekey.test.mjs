// Share with a key: the demo (admin) user creates a read-only key for one
// application and a link carrying it; a teammate with no key opens the link
// in a fresh browser context, reads what it allows, and nothing reaches the
// cluster from there until they press the one button. Another application is
// refused, Revoke ends the teammate's stream, an expired key gets its
// sentence, and a key without the settings right gets the CLI command.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, startSim, launchBrowser, openPage, screenshot } from './harness.mjs';

// The simulator's built-in info-only key (RIGHT_APPLICATION_INFO on soil-sensors): public, test-only.
const INFO_ONLY = 'NNSXS.EVENTLINEINFOONLYKEYQM7SMQ5MTN223FPN562.EVENTLINEINFOONLYKEYSECRETXCYBZ5XHNJUXI63PGOZXS3HM4A';

let sim;
let browser;

before(async () => {
  sim = await startSim(['--serve', DIST, '--base', '/eventline/', '--viewer-config', '--rate', '40']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** What reached the simulator: [{method, path, authorization, key_id}]. */
const seen = async () => (await fetch(`${sim.url}/sim/requests`)).json();
const idOf = (key) => key.split('.')[1];

/** The demo user, connected with the prefilled (admin) demo key. */
async function sharer(options = {}) {
  const opened = await openPage(browser, {
    viewport: { width: 1280, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'], ...options,
  });
  const { page } = opened;
  await page.goto(`${sim.url}/eventline/`);
  await page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
  await page.getByLabel('Entities', { exact: true }).fill('soil-sensors/soil-node-01\ncold-chain\ngw:rooftop-gw-01');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.locator('.status-bar .state').filter({ hasText: /streaming|back-filling/ }).waitFor();
  return opened;
}

/** Opens the dialog, creates a key for `entity` and returns the link. */
async function createKey(page, entity) {
  await page.getByRole('button', { name: 'Share with a key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share with a key' });
  await dialog.waitFor();
  await dialog.getByRole('radio', { name: entity }).check();
  await dialog.getByRole('button', { name: 'Create share key' }).click();
  const link = await dialog.getByLabel('Share link').inputValue();
  return { dialog, link };
}

/** A fresh context that opens `link`; every request it makes is recorded. */
async function recipient(link, options = {}) {
  const opened = await openPage(browser, { viewport: { width: 1280, height: 900 }, ...options });
  const requests = [];
  opened.page.on('request', (r) => requests.push(r.url()));
  await opened.page.goto(link);
  return { ...opened, requests };
}

test('a share key for one application: the link, the note, one click, its lanes; another application refused; Revoke ends it', async () => {
  const { page, context, problems } = await sharer();
  const demoKey = await page.getByLabel('API key', { exact: true }).inputValue();
  const { dialog, link } = await createKey(page, 'application soil-sensors');
  // The device in the form counts for its application; the gateway has its own choice.
  assert.deepEqual(await dialog.getByRole('group', { name: 'Share', exact: true }).getByRole('radio').evaluateAll((rs) => rs.map((r) => r.parentElement.textContent.trim())),
    ['application soil-sensors', 'application cold-chain', 'gateway rooftop-gw-01']);
  const host = new URL(sim.url).host;
  const line = await dialog.locator('.share-line').innerText();
  assert.match(line, new RegExp(`^Anyone with this link can watch application soil-sensors on ${host.replace(/\./g, '\\.')} until \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\.$`));
  const url = new URL(link);
  const shareKey = new URLSearchParams(url.hash.slice(1)).get('share_key');
  assert.match(shareKey, /^NNSXS\.[A-Z2-7]{39}\.[A-Z2-7]{52}$/);
  assert.notEqual(idOf(shareKey), idOf(demoKey));
  assert.ok(!link.includes(demoKey), 'the link carries the user\'s own key');
  assert.match(url.hash, /entities=soil-sensors&/);
  await dialog.getByRole('button', { name: 'Copy', exact: true }).click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);
  await screenshot(page, 'sharekey-dialog-light.png', { fullPage: false });
  // Esc closes the dialog and gives the focus back to its button.
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Share with a key');

  // The recipient: the note, and nothing sent with the shared key before the press.
  const before = (await seen()).length;
  const r = await recipient(link);
  const note = r.page.getByRole('region', { name: 'Shared link' });
  await note.waitFor();
  assert.equal(await note.locator('.sentence').innerText(), line);
  await r.page.waitForTimeout(500);
  const early = (await seen()).slice(before);
  assert.deepEqual(early.filter((s) => s.authorization), [], 'a request with a key before the press');
  assert.ok(!r.requests.some((u) => u.includes('/api/')), `requests before the press: ${r.requests}`);
  // The key left the address bar at once; the rest of the fragment stayed.
  assert.ok(!r.page.url().includes('share_key'), r.page.url());
  assert.match(r.page.url(), /entities=soil-sensors/);
  await screenshot(r.page, 'sharekey-note-light.png', { fullPage: false });

  await note.getByRole('button', { name: 'Watch with the shared key' }).click();
  await r.page.locator('.status-bar .state').filter({ hasText: /streaming|back-filling/ }).waitFor();
  // Lanes of that application fill (its devices' lanes: device soil-sensors/…).
  await r.page.getByRole('region', { name: /^(application soil-sensors|device soil-sensors\/)/ }).getByRole('listitem').first().waitFor();
  assert.equal(await r.page.getByRole('region', { name: /cold-chain/ }).count(), 0);
  const after = (await seen()).slice(before).filter((s) => s.authorization);
  assert.ok(after.length > 0);
  assert.ok(after.every((s) => s.key_id === idOf(shareKey)), `keys used: ${JSON.stringify(after)}`);
  assert.ok(!r.page.url().includes('share_key'));
  const stored = await r.page.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
  assert.ok(!stored.includes(shareKey) && !stored.includes('NNSXS'), stored);
  // The folded form says a shared key is in use; unfolded, the key field says so too (never the secret).
  assert.match(await r.page.locator('.form-summary').innerText(), /soil-sensors on .* · shared key/);
  await r.page.getByText('Using the shared key from the link').waitFor({ state: 'attached' });
  assert.ok(!(await r.page.content()).includes(shareKey.split('.')[2]), 'the secret is in the page');

  // (b) Another application with the shared key: refused, in words.
  await r.page.getByRole('button', { name: 'Edit' }).click();
  await r.page.getByLabel('Entities', { exact: true }).fill('cold-chain');
  await r.page.locator('form.connect').getByRole('button', { name: 'Disconnect', exact: true }).click();
  await r.page.getByRole('button', { name: 'Connect', exact: true }).click();
  const banner = r.page.locator('.error-banner, [role=alert]').filter({ hasText: 'cold-chain' }).first();
  await banner.waitFor();
  assert.match(await banner.innerText(), /no rights for application `cold-chain`/);

  // Back to soil-sensors, streaming; (c) the sharer revokes: the stream ends with the sentence.
  await r.page.getByLabel('Entities', { exact: true }).fill('soil-sensors');
  await r.page.getByRole('button', { name: 'Connect', exact: true }).click();
  await r.page.locator('.status-bar .state').filter({ hasText: /streaming|back-filling/ }).waitFor();
  await page.getByRole('button', { name: 'Share with a key' }).click();
  const list = dialog.getByRole('list', { name: 'Share keys created from this browser' });
  await list.getByText(idOf(shareKey)).waitFor();
  await list.getByRole('button', { name: `Revoke share key ${idOf(shareKey)}` }).click();
  await dialog.getByText(`Revoked share key ${idOf(shareKey)}.`).waitFor();
  assert.equal(await list.getByText(idOf(shareKey)).count(), 0);
  await r.page.getByText('The shared key was revoked or does not exist any more.').first().waitFor({ timeout: 15_000 });
  // It does not retry: a moment later, still stopped with the same sentence.
  const count = (await seen()).filter((s) => s.key_id === idOf(shareKey)).length;
  await r.page.waitForTimeout(3000);
  assert.equal((await seen()).filter((s) => s.key_id === idOf(shareKey)).length, count, 'retried a revoked key');
  await screenshot(r.page, 'sharekey-revoked.png', { fullPage: false });
  assert.deepEqual(problems.filter((p) => !/40[134]/.test(p)), []);
  assert.deepEqual(r.problems.filter((p) => !/40[134]/.test(p)), []);
  await r.context.close();
  await context.close();
});

test('the dialog and the note in the dark theme', async () => {
  const { page, context } = await sharer({ colorScheme: 'dark' });
  const { link } = await createKey(page, 'gateway rooftop-gw-01');
  assert.match(link, /entities=gw:rooftop-gw-01&share_key=/);
  await screenshot(page, 'sharekey-dialog-dark.png', { fullPage: false });
  const r = await recipient(link, { colorScheme: 'dark' });
  await r.page.getByRole('region', { name: 'Shared link' }).getByText('Anyone with this link can watch gateway rooftop-gw-01').waitFor();
  await screenshot(r.page, 'sharekey-note-dark.png', { fullPage: false });
  await r.context.close();
  await context.close();
});

test('an expired share key gets its sentence', async () => {
  // The demo key, as the sharer's own, creates a key that expires in 3 s.
  const config = await (await fetch(`${sim.url}/eventline/config.json`)).json();
  const until = new Date(Date.now() + 3000);
  until.setMilliseconds(0);
  const expiresAt = until.toISOString().replace('.000Z', 'Z');
  const answer = await fetch(`${sim.url}/api/v3/applications/soil-sensors/api-keys`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${config.demo_api_key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'soon gone', rights: ['RIGHT_APPLICATION_TRAFFIC_READ'], expires_at: expiresAt }),
  });
  assert.equal(answer.status, 200, await answer.clone().text());
  const { key } = await answer.json();
  await new Promise((done) => setTimeout(done, Math.max(0, until - Date.now()) + 1500));
  const link = `${sim.url}/eventline/#cluster=${encodeURIComponent(sim.url)}&entities=soil-sensors&share_key=${key}&share_until=${expiresAt}`;
  const r = await recipient(link);
  await r.page.getByRole('button', { name: 'Watch with the shared key' }).click();
  const hhmm = expiresAt.slice(11, 16);
  await r.page.getByText(`The shared key expired at ${expiresAt.slice(0, 10)} ${hhmm} UTC.`).first().waitFor();
  assert.deepEqual(r.problems.filter((p) => !/401/.test(p)), []);
  await r.context.close();
});

test('a key without the settings right gets the sentence and the CLI command', async () => {
  const opened = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  const { page, context } = opened;
  await page.goto(`${sim.url}/eventline/`);
  await page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
  await page.getByLabel('API key', { exact: true }).fill(INFO_ONLY);
  await page.getByLabel('Entities', { exact: true }).fill('soil-sensors');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Share with a key' }).click();
  const dialog = page.getByRole('dialog', { name: 'Share with a key' });
  await dialog.getByRole('button', { name: 'Create share key' }).click();
  const refused = dialog.getByRole('alert').filter({ hasText: 'lacks' });
  await refused.waitFor();
  assert.equal(await refused.locator('.sentence').innerText(),
    'Your API key may not create keys for application soil-sensors: it lacks RIGHT_APPLICATION_SETTINGS_API_KEYS.');
  const command = await refused.locator('code').innerText();
  assert.match(command, /^ttn-lw-cli applications api-keys create --application-id soil-sensors --name "Eventline share \d{4}-\d\d-\d\d" --right-application-info --right-application-traffic-read --right-application-devices-read --expires-at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  await screenshot(page, 'sharekey-refused.png', { fullPage: false });
  await context.close();
});
