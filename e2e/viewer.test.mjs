// The viewer as a user meets it, in real Chromium against eventline-sim:
// connect, watch lanes fill with the right counts, open an event's JSON, and
// get clear words when the key or the form is wrong.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, startSim, launchBrowser, openPage, screenshot } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const DATA = path.join(here, '..', 'data');
const EXAMPLES = path.join(DATA, 'example-events.jsonl');

// The demo keys printed by the simulator.
const keyFrom = async (output, name) => {
  for (let i = 0; i < 100; i += 1) {
    const line = output.find((l) => l.startsWith(`api key [${name}`));
    if (line) return line.slice(line.lastIndexOf(' ') + 1);
    await new Promise((r) => setTimeout(r, 50)); // printed just after the ready line
  }
  throw new Error(`the simulator printed no ${name} key`);
};

/** Which example events a stream for these entities delivers (API.md §3.3), by lane key. */
function expectedLanes(requested) {
  const propagates = new Set(readFileSync(path.join(DATA, 'event-definitions.tsv'), 'utf8')
    .split('\n').slice(1).map((l) => l.split('\t')).filter((c) => c[4] === 'yes').map((c) => c[0]));
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
  const matches = (e) => e.identifiers.some((ids) => {
    const key = keyOf(ids);
    if (requested.includes(key)) return true;
    return Boolean(ids.device_ids) && propagates.has(e.name)
      && requested.includes(ids.device_ids.application_ids.application_id);
  });
  const lanes = new Map();
  for (const e of events.filter(matches)) {
    for (const ids of e.identifiers) lanes.set(keyOf(ids), (lanes.get(keyOf(ids)) ?? 0) + 1);
  }
  return { total: events.filter(matches).length, lanes };
}

let replay; // the example events, kept as history
let live; // generated live traffic
let browser;

before(async () => {
  const viewerArgs = ['--serve', DIST, '--base', '/eventline/', '--viewer-config'];
  replay = await startSim([...viewerArgs, '--replay', EXAMPLES, '--speed', '0']);
  live = await startSim([...viewerArgs, '--rate', '20']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await replay?.stop();
  await live?.stop();
});

async function openViewer(sim, options) {
  const opened = await openPage(browser, options);
  await opened.page.goto(`${sim.url}/eventline/`);
  await opened.page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
  return opened;
}

async function fill(page, fields) {
  for (const [label, value] of Object.entries(fields)) {
    await page.getByLabel(label, { exact: true }).fill(value);
  }
}

test('lanes appear per entity with the right counts and rows', async () => {
  const { context, page, problems } = await openViewer(replay);
  await fill(page, { Entities: 'soil-sensors\nsoil-sensors/soil-node-01, gw:rooftop-gw-01', Tail: '100' });
  await page.getByRole('button', { name: 'Connect' }).click();
  const expected = expectedLanes(['soil-sensors', 'soil-sensors/soil-node-01', 'gw:rooftop-gw-01']);
  assert.ok(expected.total > 20, `the examples give a real stream (${expected.total})`);
  await page.getByText(`${expected.total} events received`).waitFor();
  await page.getByRole('button', { name: 'Disconnect' }).waitFor();

  const laneLabel = (key) => (key.startsWith('gw:') ? `gateway ${key.slice(3)}`
    : key.includes('/') ? `device ${key}` : `application ${key}`);
  for (const [key, count] of expected.lanes) {
    if (key.startsWith('user:')) continue; // collaborator events also name a user: checked below
    const lane = page.getByRole('region', { name: laneLabel(key), exact: true });
    await lane.waitFor();
    assert.match(await lane.locator('.lane-count').innerText(), new RegExp(`^${count} events?$`), `count of ${key}`);
    // Rows are virtualized: a lane in view renders its rows, never more than it holds.
    const rows = await lane.getByRole('listitem').count();
    assert.ok(rows <= count, `rows in ${key}: ${rows} of ${count}`);
  }
  // The first lanes are in view: all their rows are there.
  const app = page.getByRole('region', { name: 'application soil-sensors', exact: true });
  assert.equal(await app.getByRole('listitem').count(), expected.lanes.get('soil-sensors'));
  // A device lane shows its application and DevEUI.
  const device = page.getByRole('region', { name: 'device soil-sensors/soil-node-01', exact: true });
  assert.match(await device.locator('.lane-extra').innerText(), /application soil-sensors.*DevEUI 70B3D57ED0061A2B/);
  // The stream start is a marker, not an event.
  assert.match(await page.locator('.marker').first().innerText(), /Stream started/);
  assert.equal(await page.locator('[data-name="events.stream.start"]').count(), 0);
  // An uplink row previews FCnt, RSSI/SNR and SF.
  const uplink = device.locator('[data-name="as.up.data.forward"]').first();
  // The payload, then the radio (data rate, RSSI, SNR), then what follows (frequency, gateways…).
  assert.match(await uplink.innerText(), /FCnt \d+ · FPort \d+ · .*\s*· SF\dBW125 · RSSI -\d+ dBm · SNR -?[\d.]+ dB\s*· [\d.]+ MHz/);
  // A line cut at the row's edge (the decoded payload comes first) says all of itself on hover.
  assert.match(await uplink.locator('.row-line2').getAttribute('title'), /^FCnt \d+ · FPort \d+ · .* · RSSI -\d+ dBm · SNR -?[\d.]+ dB/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a row opens its whole event as a JSON tree that expands and collapses', async () => {
  const { context, page, problems } = await openViewer(replay);
  await fill(page, { Entities: 'soil-sensors/soil-node-01', Tail: '100' });
  await page.getByRole('button', { name: 'Connect' }).click();
  const row = page.locator('[data-name="as.up.data.forward"]').first();
  await row.waitFor();
  await row.locator('.row-main').click();
  const tree = row.getByRole('tree');
  await tree.waitFor();
  assert.match(await tree.innerText(), /unique_id/);
  // Correlation IDs many messages share (the stream's RPC, a gateway connection) are not offered
  // as this message's way through the stack.
  const shared = row.locator('p.related', { hasText: 'Other correlation IDs (shared by many messages' });
  assert.match(await shared.innerText(), /gs:conn:/);
  const own = await row.locator('p.related', { hasText: 'Follow this message through the stack:' }).locator('button').allInnerTexts();
  assert.ok(own.length > 0, 'the uplink has IDs of its own');
  for (const id of own) assert.match(id, /^(gs:uplink:|ns:uplink:|as:up:|rpc:\/ttn\.lorawan\.v3\.(GsNs|NsAs|NsJs)\/)/);
  await row.getByRole('button', { name: 'Expand all', exact: true }).click();
  assert.match(await tree.innerText(), /rssi/);
  await row.getByRole('button', { name: 'Collapse all' }).click();
  assert.doesNotMatch(await tree.innerText(), /rssi/);
  await row.locator('.row-main').click();
  assert.equal(await row.getByRole('tree').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a wrong key gets a banner naming the problem', async () => {
  const { context, page } = await openViewer(live);
  await fill(page, {
    Entities: 'soil-sensors',
    'API key': 'NNSXS.EVENTLINEUNKNOWNKEYAAAAAAAAAAAAAAAAAAAAAA.EVENTLINEUNKNOWNKEYSECRETAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  });
  await page.getByRole('button', { name: 'Connect' }).click();
  const banner = page.getByRole('alert');
  await banner.waitFor();
  assert.match(await banner.innerText(), /API key/i);
  assert.match(await page.locator('.status-bar .state').innerText(), /error/);
  // Beside Connect too, in view (on a phone the banner is far below the form).
  const besideConnect = page.locator('form .form-failure');
  assert.match(await besideConnect.innerText(), /^Not connected: The API key was not found/);
  await page.waitForFunction(() => document.querySelector('form .form-failure').getBoundingClientRect().bottom <= window.innerHeight);
  await context.close();
});

test('a key without rights on an application names that application', async () => {
  const { context, page } = await openViewer(live);
  await fill(page, {
    Entities: 'soil-sensors, cold-chain',
    'API key': await keyFrom(live.output, 'limited'),
  });
  await page.getByRole('button', { name: 'Connect' }).click();
  const banner = page.getByRole('alert');
  await banner.waitFor();
  const text = await banner.innerText();
  assert.match(text, /cold-chain/);
  assert.match(text, /RIGHT_APPLICATION_TRAFFIC_READ/);
  await context.close();
});

test('an invalid ID and an unknown event name are refused before connecting', async () => {
  const { context, page } = await openViewer(live);
  const posts = [];
  page.on('request', (r) => { if (r.url().endsWith('/api/v3/events')) posts.push(r.url()); });
  await fill(page, { Entities: 'Soil Sensors', 'Event names': 'as.up.foo' });
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.locator('#entities-error').waitFor();
  assert.match(await page.locator('#entities-error').innerText(), /Soil Sensors/);
  assert.match(await page.locator('#event-names-error').innerText(), /as\.up\.foo/);
  assert.equal(await page.getByLabel('Entities', { exact: true }).getAttribute('aria-invalid'), 'true');
  assert.deepEqual(posts, []);
  assert.equal(await page.locator('.status-bar .state').innerText(), 'not connected');
  await context.close();
});

test('follow keeps each lane at its newest until the user scrolls a lane away', async () => {
  const { context, page, problems } = await openViewer(live, { viewport: { width: 1280, height: 800 } });
  await fill(page, { Entities: 'gw:rooftop-gw-01', Tail: '40' });
  await page.getByRole('button', { name: 'Connect' }).click();
  const lane = page.getByRole('region', { name: 'gateway rooftop-gw-01', exact: true });
  const body = lane.locator('.lane-body');
  // The lane is a box of bounded height that scrolls on its own.
  await page.waitForFunction(() => {
    const b = document.querySelector('.lane-body');
    return b && b.scrollHeight > b.clientHeight + 100;
  }, null, { timeout: 15_000 });
  const follow = page.getByLabel('Follow newest');
  assert.equal(await follow.isChecked(), true);
  assert.equal(await body.evaluate((b) => b.scrollTop), 0, 'newest first: the lane shows its newest rows');
  await body.hover();
  await page.mouse.wheel(0, 600);
  await page.waitForFunction(() => !document.querySelector('.toolbar input[type=checkbox]').checked);
  const scrolled = await body.evaluate((b) => b.scrollTop);
  assert.ok(scrolled > 100, `scrolled ${scrolled}`);
  await follow.check();
  await page.waitForFunction(() => document.querySelector('.lane-body').scrollTop === 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test('in the flat view, follow keeps the newest in view until the user scrolls away', async () => {
  const { context, page, problems } = await openViewer(live, { viewport: { width: 1280, height: 800 } });
  await fill(page, { Entities: 'soil-sensors, gw:rooftop-gw-01', Tail: '20' });
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Flat view' }).click();
  // Enough events that the flat list is taller than the window.
  await page.waitForFunction(() => Number(document.querySelector('[data-stat=shown]').innerText.replace(/\D/g, '')) >= 40, null, { timeout: 30_000 });
  const follow = page.getByLabel('Follow newest');
  assert.equal(await follow.isChecked(), true);
  await page.mouse.wheel(0, 2000);
  await page.waitForFunction(() => !document.querySelector('.toolbar input[type=checkbox]').checked);
  // More events arrive above (newest first); what the user reads stays where it is.
  const anchor = () => page.evaluate(() => {
    const row = [...document.querySelectorAll('.event-row')].find((r) => r.getBoundingClientRect().top > 100);
    return row && { seq: row.dataset.seq, top: row.getBoundingClientRect().top };
  });
  const before = await anchor();
  const received = () => page.locator('[data-stat=received]').innerText();
  const count = await received();
  await page.waitForFunction((c) => document.querySelector('[data-stat=received]').innerText !== c, count);
  await page.waitForTimeout(300);
  const after = await page.evaluate((seq) => {
    const row = document.querySelector(`.event-row[data-seq="${seq}"]`);
    return row && row.getBoundingClientRect().top;
  }, before.seq);
  assert.ok(after !== null && Math.abs(after - before.top) < 3, `row ${before.seq} moved from ${before.top} to ${after}`);
  await follow.check();
  // Back to the newest: the newest row is in view, below the sticky status and filter bar, not under it
  // (checking the box scrolled the page up to the toolbar, where the newest already show).
  const newestInView = () => page.waitForFunction(() => {
    const head = document.querySelector('.sticky-head').getBoundingClientRect();
    const first = document.querySelector('.flat .event-row')?.getBoundingClientRect();
    return document.querySelector('.timeline').getBoundingClientRect().top >= head.bottom - 1
      && first && first.top >= head.bottom - 1 && first.bottom <= innerHeight;
  });
  await newestInView();
  // Scrolled down a little while following (the newest 40 px under the bar, less than the
  // 80 px that counts as leaving), the page comes back to the timeline's top right below the
  // bar, not under it, and keeps following.
  await page.evaluate(() => {
    // The bar sticks only once the page header has scrolled away: settle in a few steps.
    for (let i = 0; i < 4; i += 1) {
      const gap = document.querySelector('.timeline').getBoundingClientRect().top
        - document.querySelector('.sticky-head').getBoundingClientRect().bottom;
      window.scrollBy(0, gap + 40);
    }
  });
  await page.waitForFunction(() => {
    const head = document.querySelector('.sticky-head').getBoundingClientRect();
    return scrollY > 0 && Math.abs(document.querySelector('.timeline').getBoundingClientRect().top - head.bottom) < 2;
  });
  assert.equal(await follow.isChecked(), true);
  await newestInView();
  // Opening the newest row keeps it, header and all, below the bar.
  const newest = page.locator('.flat .event-row').first();
  const seq = await newest.getAttribute('data-seq');
  await newest.locator('.row-main').click();
  await page.waitForTimeout(300);
  const opened = await page.evaluate((s) => {
    const head = document.querySelector('.sticky-head').getBoundingClientRect();
    const row = document.querySelector(`.event-row[data-seq="${s}"]`)?.getBoundingClientRect();
    return row && { top: row.top, below: head.bottom };
  }, seq);
  assert.ok(opened && opened.top >= opened.below - 1, `opened row ${seq} at ${opened?.top}, the bar ends at ${opened?.below}`);
  assert.equal(await follow.isChecked(), true);
  // The toolbar above the timeline stays in reach while following: scrolled to and
  // clicked while events arrive, its button works and the page is not pulled away.
  for (let i = 0; i < 3; i += 1) {
    const utc = page.getByRole('button', { name: 'UTC' });
    const was = await utc.getAttribute('aria-pressed');
    await utc.click();
    assert.notEqual(await utc.getAttribute('aria-pressed'), was, 'the UTC button took the click');
    const y = await page.evaluate(() => scrollY);
    await page.waitForTimeout(400);
    assert.equal(await page.evaluate(() => scrollY), y, 'following left the page where the click was');
  }
  assert.equal(await follow.isChecked(), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('many connection markers fold, and following in the flat view keeps the newest row in view below them', async () => {
  const { context, page, problems } = await openViewer(live, { viewport: { width: 1280, height: 440 } });
  await fill(page, { Entities: 'soil-sensors, gw:rooftop-gw-01', Tail: '20' });
  const connect = page.getByRole('button', { name: 'Connect', exact: true });
  await connect.click();
  await page.getByRole('button', { name: 'Flat view' }).click();
  // Five times: Disconnect, then Connect with the same request (a resume, and a reconnect marker).
  for (let i = 1; i <= 5; i += 1) {
    await page.getByRole('button', { name: 'Disconnect', exact: true }).first().click();
    if (i === 1) {
      // The stream's end is on the timeline at once, not only after the next Connect.
      await page.getByRole('list', { name: 'Connection markers' })
        .getByText(/^Stream ended \S+ — Stopped: Disconnected\.$/).waitFor({ timeout: 10_000 });
    }
    await connect.click();
    await page.locator('.status-bar .state', { hasText: /^streaming/ }).waitFor({ timeout: 10_000 });
    // The i-th stream's end says it came back (folded markers are in the page, closed).
    await page.waitForFunction((n) => [...document.querySelectorAll('.marker-reconnect')]
      .filter((e) => e.textContent.includes('Reconnected;')).length >= n, i, { timeout: 10_000 });
  }
  // The user's own Disconnect and Connect are no flaky link: the status bar counts no reconnect.
  assert.equal(await page.locator('.status-bar').getByText(/reconnects?$/).count(), 0);
  // Six starts and five ends: the latest three one per line, the earlier eight under one line.
  await page.getByText('8 earlier connection markers').first().waitFor({ timeout: 10_000 });
  const markers = page.getByRole('list', { name: 'Connection markers' });
  assert.equal(await markers.locator('> .marker:not(.marker-earlier)').count(), 3);
  // Newest first, as the rows: the last stream's start on top, the fold of earlier ones last.
  assert.match(await markers.locator('> li').first().innerText(), /^Stream started /);
  assert.equal(await markers.locator('> li').last().getAttribute('class'), 'marker marker-earlier');
  const clocks = (await markers.locator('> .marker:not(.marker-earlier)').allInnerTexts()).map((t) => t.split(' ')[2]);
  assert.deepEqual(clocks, [...clocks].sort().reverse(), `newest first: ${clocks.join(' ')}`);
  // Each Connect asked to follow, though the form folding on it moved the page: still following.
  const follow = page.getByLabel('Follow newest');
  assert.equal(await follow.isChecked(), true);
  await markers.getByText('8 earlier connection markers').click();
  // Opening a fold to read it stops following, which would scroll it under the bar.
  await page.waitForFunction(() => !document.querySelector('.toolbar input[type=checkbox]').checked);
  assert.equal(await markers.locator('details[open]').count(), 1);
  const lines = markers.locator('.marker-reconnect');
  assert.equal(await lines.count(), 5);
  for (let i = 0; i < 5; i += 1) assert.ok(await lines.nth(i).isVisible(), `reconnect line ${i} shows`);
  for (const m of await lines.allInnerTexts()) assert.match(m, /^Stream ended \S+ — Stopped: Disconnected\. Reconnected; \d+ events? back-filled\.$/);
  // In time order: each stream's end before the start that followed it.
  const order = (await markers.locator('.marker:not(.marker-earlier)').allInnerTexts()).map((t) => t.split(' ')[1]).join(' ');
  assert.equal(order, 'started ended started ended started ended started ended started ended started');
  // Open, the markers leave no room for a row in the window under the bar.
  const room = await page.evaluate(() => {
    const head = document.querySelector('.sticky-head').getBoundingClientRect();
    return innerHeight - head.height - document.querySelector('.timeline > .markers').getBoundingClientRect().height;
  });
  assert.ok(room < 60, `the markers leave ${room} px`);
  await follow.check();
  // Events keep arriving; the newest row stays in view, below the bar, and following stays on.
  const shownNow = () => page.locator('[data-stat=shown]').innerText();
  for (let i = 0; i < 3; i += 1) {
    const shown = await shownNow();
    await page.waitForFunction((c) => document.querySelector('[data-stat=shown]').innerText !== c, shown);
    await page.waitForTimeout(200);
    const where = await page.evaluate(() => {
      const head = document.querySelector('.sticky-head').getBoundingClientRect();
      const first = document.querySelector('.flat .event-row')?.getBoundingClientRect();
      return first && { top: first.top, bottom: first.bottom, bar: head.bottom, window: innerHeight };
    });
    assert.ok(where && where.top >= where.bar - 1 && where.bottom <= where.window,
      `the newest row at ${where?.top}–${where?.bottom}, the bar ends at ${where?.bar}, the window at ${where?.window}`);
    assert.equal(await follow.isChecked(), true, 'following scrolled the page, and it is still on');
  }
  await screenshot(page, 'markers-folded-follow.png', { fullPage: false });
  // Scrolled up towards the toolbar until the newest row is below the window: the user left.
  await page.mouse.wheel(0, -400);
  await page.waitForFunction(() => !document.querySelector('.toolbar input[type=checkbox]').checked);
  const y = await page.evaluate(() => scrollY);
  await page.waitForFunction((c) => document.querySelector('[data-stat=shown]').innerText !== c, await shownNow());
  await page.waitForTimeout(200);
  assert.equal(await page.evaluate(() => scrollY), y, 'no longer following: the page stays');
  assert.deepEqual(problems, []);
  await context.close();
});

test('pause buffers new events and resume shows them', async () => {
  const { context, page, problems } = await openViewer(live);
  await fill(page, { Entities: 'soil-sensors, gw:rooftop-gw-01' });
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.event-row').length >= 3, null, { timeout: 15_000 });
  await page.getByRole('button', { name: 'Pause' }).click();
  const shown = await page.locator('.event-row').count();
  const resume = page.getByRole('button', { name: /^Resume \(\d+ new\)$/ });
  await page.waitForFunction(() => /Resume \(([3-9]|\d\d+) new\)/.test(document.querySelector('.status-bar').innerText), null, { timeout: 15_000 });
  assert.equal(await page.locator('.event-row').count(), shown, 'nothing new is shown while paused');
  const waiting = Number((await resume.innerText()).match(/\d+/)[0]);
  await resume.click();
  await page.waitForFunction((n) => document.querySelectorAll('.event-row').length >= n, shown + waiting);
  assert.deepEqual(problems, []);
  await context.close();
});

test('the API key stays out of the URL, title, storage and console unless remembered', async () => {
  const { context, page, problems } = await openViewer(live);
  const consoleText = [];
  page.on('console', (m) => consoleText.push(m.text()));
  const key = await page.getByLabel('API key', { exact: true }).inputValue();
  const secret = key.split('.')[2];
  await fill(page, { Entities: 'soil-sensors' });
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.event-row').length >= 1, null, { timeout: 15_000 });
  const exposed = async () => page.evaluate(() => JSON.stringify({
    url: location.href, title: document.title, history: history.length,
    local: Object.entries(localStorage), session: Object.entries(sessionStorage),
  }));
  assert.ok(!(await exposed()).includes(secret), 'key exposed without opting in');
  assert.ok(!consoleText.join('\n').includes(secret), 'key in the console');
  // Opting in stores it on this device (once the cluster took it); opting out removes it.
  await page.getByRole('button', { name: 'Disconnect' }).click();
  const remember = page.getByLabel('Remember on this device');
  await remember.check();
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.waitForFunction((s) => JSON.stringify(Object.entries(localStorage)).includes(s), secret);
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await remember.uncheck();
  assert.ok(!(await exposed()).includes(secret), 'unticking forgets the key');
  assert.deepEqual(problems, []);
  await context.close();
});

test('a dropped stream reconnects, resumes and shows each event once', async () => {
  const { context, page, problems } = await openViewer(live);
  // The next two streams end (EOF) after 5 events each; the third runs on.
  const armed = await fetch(`${live.url}/sim/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ end_after: 5, streams: 2 }),
  });
  assert.equal(armed.status, 200);
  await fill(page, { Entities: 'soil-sensors, gw:rooftop-gw-01, gw:warehouse-ttig' });
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByText('2 reconnects').waitFor({ timeout: 20_000 });
  await page.waitForFunction(() => document.querySelector('.status-bar .state').innerText === 'streaming');
  // Three starts and two ends: the earliest two fold under one line; open it, as a user would.
  await page.locator('.marker-earlier summary', { hasText: '2 earlier connection markers' }).click();
  const markers = await page.locator('.marker-reconnect').allInnerTexts();
  assert.equal(markers.length, 2);
  for (const m of markers) assert.match(m, /The server ended the stream\. Reconnected; \d+ events? back-filled\./);
  // Nothing twice: every event received is shown once, and no row key repeats in a lane.
  const status = await page.locator('.status-bar').innerText();
  const received = Number(status.match(/(\d+) events received/)[1]);
  const shown = Number(status.match(/(\d+) shown/)[1]);
  assert.ok(received >= 10, status);
  assert.equal(received, shown, status);
  assert.deepEqual(problems, []);
  await context.close();
});

test('event content is text: HTML and script payloads never become elements or run', async () => {
  const evil = (tag) => `<img src=x onerror="window.__xss='${tag}'"><script>window.__xss='${tag}'</script><b>${tag}</b>`;
  const dev = { device_ids: { device_id: 'soil-node-01', application_ids: { application_id: 'soil-sensors' }, dev_eui: '70B3D57ED0061A2B' } };
  const events = [0, 1, 2].map((i) => ({
    name: i === 0 ? evil('name') : 'as.up.data.forward',
    time: `2024-10-28T09:00:0${i}Z`,
    identifiers: [dev],
    data: {
      '@type': evil('type'),
      [evil('key')]: evil('value'),
      uplink_message: { f_cnt: evil('fcnt'), frm_payload: evil('payload'), decoded_payload: { text: evil('decoded') }, rx_metadata: [{ gateway_ids: { gateway_id: evil('gw') }, rssi: evil('rssi') }] },
      message_format: evil('format'),
    },
    correlation_ids: [evil('cid')],
    origin: evil('origin'),
    context: { [evil('ctx')]: evil('ctxval') },
    visibility: { rights: ['RIGHT_APPLICATION_TRAFFIC_READ'] },
    authentication: { type: evil('auth'), token_type: evil('tt'), token_id: evil('tid') },
    remote_ip: evil('ip'),
    user_agent: evil('ua'),
    unique_id: `XSS${i}${evil('uid')}`,
  }));
  const dir = mkdtempSync(path.join(tmpdir(), 'eventline-xss-'));
  const file = path.join(dir, 'evil.jsonl');
  writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const sim = await startSim(['--serve', DIST, '--base', '/eventline/', '--viewer-config', '--replay', file, '--speed', '0']);
  try {
    const { context, page, problems } = await openViewer(sim);
    await fill(page, { Entities: 'soil-sensors/soil-node-01', Tail: '10' });
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByText('3 events received').waitFor();
    for (const row of await page.locator('.event-row .row-main').all()) {
      await row.click();
      await page.getByRole('button', { name: 'Expand all', exact: true }).click();
      assert.match(await page.getByRole('tree').innerText(), /<img src=x onerror=/);
    }
    assert.equal(await page.evaluate(() => window.__xss), undefined, 'a payload ran');
    assert.equal(await page.locator('main img, main script, main b').count(), 0, 'a payload became an element');
    assert.match(await page.locator('.timeline').innerText(), /<script>window\.__xss/);
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await sim.stop();
  }
});

test('a malformed frame in a byte-by-byte stream is counted and shown, and the stream goes on', async () => {
  const { context, page, problems } = await openViewer(live);
  const armed = await fetch(`${live.url}/sim/faults`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ malformed_after: 2, chunk: true, end_after: 6, streams: 1 }),
  });
  assert.equal(armed.status, 200);
  await fill(page, { Entities: 'soil-sensors, gw:rooftop-gw-01, gw:warehouse-ttig' });
  await page.getByRole('button', { name: 'Connect' }).click();
  const skipped = page.getByRole('button', { name: '1 skipped malformed' });
  await skipped.waitFor({ timeout: 20_000 });
  await skipped.click();
  const list = page.getByRole('list', { name: 'Skipped frames' });
  assert.equal(await list.getByRole('listitem').count(), 1);
  assert.match(await list.innerText(), /\S/);
  // The stream carried on past the bad frame: more events, then a reconnect.
  await page.getByText('1 reconnect').waitFor({ timeout: 20_000 });
  const status = await page.locator('.status-bar').innerText();
  assert.ok(Number(status.match(/(\d+) events received/)[1]) >= 6, status);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a copied link opens the same view for a teammate, who enters only their key', async () => {
  // No --viewer-config here: nothing pre-fills the key.
  const sim = await startSim(['--serve', DIST, '--base', '/tools/eventline/', '--replay', EXAMPLES, '--speed', '0']);
  try {
    const key = await keyFrom(sim.output, 'demo');
    const first = await openPage(browser);
    await first.page.goto(`${sim.url}/tools/eventline/`);
    await fill(first.page, {
      'Cluster URL': sim.url, 'API key': key,
      Entities: 'soil-sensors/soil-node-01, gw:rooftop-gw-01', Tail: '100',
    });
    // Scrolling before connecting (it turns "follow" off) must not write the half-made view into history.
    await first.page.mouse.wheel(0, 400);
    await first.page.getByRole('button', { name: 'Connect' }).click();
    await first.page.getByRole('button', { name: 'Flat view' }).click();
    await first.page.getByRole('button', { name: 'UTC' }).click();
    await first.page.getByRole('button', { name: 'Copy link' }).click();
    await first.page.getByRole('status').filter({ hasText: /Link copied|Copy failed/ }).waitFor();
    const link = first.page.url();
    assert.ok(!link.includes(key.split('.')[2]), 'the link carries the key');
    assert.match(link, /#cluster=http:\/\/127\.0\.0\.1:\d+&entities=soil-sensors\/soil-node-01,gw:rooftop-gw-01&tail=100&view=flat&time=local/);
    const mine = await first.page.locator('.flat .event-row').count();

    const second = await openPage(browser);
    await second.page.goto(link);
    // A cluster this browser never connected to, set by a link: its full host is shown first.
    await second.page.getByRole('alert', { name: 'Check the cluster' }).waitFor();
    assert.equal(await second.page.getByLabel('API key', { exact: true }).inputValue(), '');
    assert.equal(await second.page.getByLabel('Cluster URL', { exact: true }).inputValue(), sim.url);
    // Confirmed before the key goes there; then the page asks for the user's own key.
    const host = new URL(sim.url).host;
    await second.page.getByRole('button', { name: `Trust ${host}` }).click();
    await second.page.getByText('Opened from a shared link').waitFor();
    await second.page.getByLabel('API key', { exact: true }).fill(key);
    await second.page.getByRole('button', { name: 'Connect' }).click();
    await second.page.getByRole('button', { name: 'Flat view', pressed: true }).waitFor();
    assert.equal(await second.page.getByRole('button', { name: 'UTC', pressed: false }).count(), 1);
    await second.page.waitForFunction((n) => document.querySelectorAll('.flat .event-row').length === n, mine);
    // Back and forward move between views: before connecting (grouped, UTC) and the shared one.
    await first.page.goBack();
    await first.page.getByRole('button', { name: 'Flat view', pressed: false }).waitFor();
    assert.equal(await first.page.getByRole('button', { name: 'UTC', pressed: true }).count(), 1);
    await first.page.goForward();
    await first.page.getByRole('button', { name: 'Flat view', pressed: true }).waitFor();
    assert.equal(await first.page.getByRole('button', { name: 'UTC', pressed: false }).count(), 1);
    assert.deepEqual([...first.problems, ...second.problems], []);
    await first.context.close();
    await second.context.close();
  } finally {
    await sim.stop();
  }
});

test('export writes every event once, redacted by default, with the lanes the viewer shows', async () => {
  const { context, page, problems } = await openViewer(replay, { acceptDownloads: true });
  await fill(page, { Entities: 'soil-sensors, gw:rooftop-gw-01', Tail: '100' });
  await page.getByRole('button', { name: 'Connect' }).click();
  const expected = expectedLanes(['soil-sensors', 'gw:rooftop-gw-01']);
  await page.getByText(`${expected.total} events received`).waitFor();
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export NDJSON' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^eventline-soil-sensors\+gw-rooftop-gw-01-\d{8}T\d{6}Z\.ndjson$/);
  const text = readFileSync(await download.path(), 'utf8');
  const events = text.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(events.length, expected.total);
  assert.equal(new Set(events.map((e) => e.unique_id)).size, expected.total);
  // The key that opened the stream is nowhere in the export, not even its secret part.
  const key = await keyFrom(replay.output, 'demo');
  assert.ok(!text.includes(key) && !text.includes(key.split('.')[2]), 'the API key is in the export');
  for (const field of ['session_key_id', 'uplink_token', 'remote_ip', 'token_id']) {
    assert.ok(!text.includes(`"${field}"`), `${field} exported despite redaction`);
  }
  assert.match(await page.locator('.export-status').innerText(), new RegExp(`Exported ${expected.total} events .* addresses, keys, tokens and secrets removed`));
  // Per lane, the file holds what the lanes show.
  const perLane = new Map();
  for (const e of events) {
    for (const ids of e.identifiers) {
      const key = ids.device_ids ? `device ${ids.device_ids.application_ids.application_id}/${ids.device_ids.device_id}`
        : ids.gateway_ids ? `gateway ${ids.gateway_ids.gateway_id}`
          : ids.application_ids ? `application ${ids.application_ids.application_id}` : null;
      if (key) perLane.set(key, (perLane.get(key) ?? 0) + 1);
    }
  }
  for (const [label, count] of perLane) {
    const lane = page.getByRole('region', { name: label, exact: true });
    assert.match(await lane.locator('.lane-count').innerText(), new RegExp(`^${count} events?$`), label);
  }
  // The line about the file goes with the events it wrote.
  await page.getByRole('button', { name: 'Clear' }).click();
  await page.waitForFunction(() => document.querySelector('.export-status')?.innerText === '');
  assert.deepEqual(problems, []);
  await context.close();
});

test('an exported capture imports offline with the same lanes; a bad line is reported and skipped', async () => {
  const a = await openViewer(replay, { acceptDownloads: true });
  await fill(a.page, { Entities: 'soil-sensors, gw:rooftop-gw-01', Tail: '100' });
  await a.page.getByRole('button', { name: 'Connect' }).click();
  const expected = expectedLanes(['soil-sensors', 'gw:rooftop-gw-01']);
  await a.page.getByText(`${expected.total} events received`).waitFor();
  const [download] = await Promise.all([
    a.page.waitForEvent('download'),
    a.page.getByRole('button', { name: 'Export NDJSON' }).click(),
  ]);
  const lanesOf = (page) => page.evaluate(() => Object.fromEntries(
    [...document.querySelectorAll('.lane[aria-label]')].map((l) => [l.getAttribute('aria-label'), l.querySelector('.lane-count').innerText])));
  const before = await lanesOf(a.page);

  // A fresh context, no key, no connection: import the file with one broken line added.
  const lines = readFileSync(await download.path(), 'utf8').trim().split('\n');
  lines.splice(2, 0, '{"name": "broken');
  const dir = mkdtempSync(path.join(tmpdir(), 'eventline-capture-'));
  const file = path.join(dir, 'incident.ndjson');
  writeFileSync(file, lines.join('\n') + '\n');
  const b = await openPage(browser);
  await b.page.goto(`${live.url}/eventline/`);
  const exportButton = b.page.getByRole('button', { name: 'Export NDJSON' });
  assert.ok(await exportButton.isDisabled(), 'Export is offered with no events in memory');
  assert.equal(await b.page.getByRole('button', { name: 'Collapse all lanes' }).count(), 0, 'no lanes to fold');
  await b.page.locator('.file-button input[type=file]').setInputFiles(file);
  await b.page.getByText('Offline capture: incident.ndjson', { exact: true }).waitFor();
  assert.match(await b.page.locator('.status-bar .state').innerText(), /offline capture/);
  await b.page.locator('[data-stat=received]').getByText(`${expected.total} events read`, { exact: true }).waitFor();
  assert.deepEqual(await lanesOf(b.page), before);
  assert.ok(await exportButton.isEnabled(), 'the capture can be exported again');
  assert.equal(await b.page.getByRole('button', { name: 'Collapse all lanes' }).count(), 1);
  // Nothing more can arrive, and a link would not carry a local file: only what works is offered.
  for (const [role, name] of [['button', 'Pause'], ['checkbox', 'Follow newest'], ['button', 'Copy link']]) {
    assert.equal(await b.page.getByRole(role, { name }).count(), 0, `${name} offered for an offline capture`);
  }
  assert.equal(await b.page.getByRole('button', { name: 'Share these events' }).count(), 1);
  await b.page.getByRole('button', { name: '1 skipped malformed' }).click();
  assert.match(await b.page.getByRole('list', { name: 'Skipped frames' }).innerText(), /line 3:/);

  // Into the streaming page, an import asks first; No keeps the stream and its events.
  // (The question comes once the file's start has been read: wait for it.)
  const asked = new Promise((answered) => a.page.once('dialog', (d) => { answered(d.message()); d.dismiss(); }));
  await a.page.locator('.file-button input[type=file]').setInputFiles(file);
  const question = await asked;
  assert.match(question, new RegExp(`^Importing incident.ndjson ends the stream and replaces the ${expected.total} events in memory\\. Export them first`));
  await a.page.waitForTimeout(300);
  assert.match(await a.page.locator('.status-bar .state').innerText(), /streaming|back-filling/);
  assert.deepEqual(await lanesOf(a.page), before);
  // OK: the capture replaces the stream, and the form offers Connect again (no session to resume).
  a.page.once('dialog', (d) => d.accept());
  await a.page.locator('.file-button input[type=file]').setInputFiles(file);
  await a.page.getByText('Offline capture: incident.ndjson', { exact: true }).waitFor();
  await a.page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
  assert.equal(await a.page.getByRole('button', { name: 'Reconnect' }).count(), 0);
  // Connect would throw the capture away: it asks first, and Cancel keeps the capture.
  const leaving = new Promise((answered) => a.page.once('dialog', (d) => { answered(d.message()); d.dismiss(); }));
  await a.page.getByRole('button', { name: 'Connect', exact: true }).click();
  assert.match(await leaving, new RegExp(`^Connecting replaces the ${expected.total} events of incident\\.ndjson in memory\\. Export them first`));
  await a.page.waitForTimeout(300);
  assert.match(await a.page.locator('.status-bar .state').innerText(), /offline capture/);
  assert.deepEqual(await lanesOf(a.page), before);
  await a.page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
  // The wrong file (not a capture) replaces nothing and asks nothing: it is refused, saying why.
  const wrong = path.join(dir, 'notes.txt');
  writeFileSync(wrong, 'meeting notes\nbring the gateway\ncheck the antenna\n');
  let askedAgain = false;
  const askedWrongly = (d) => { askedAgain = true; d.dismiss(); };
  a.page.once('dialog', askedWrongly);
  await a.page.locator('.file-button input[type=file]').setInputFiles(wrong);
  await a.page.getByText(/^The capture notes\.txt could not be loaded: this is not a capture: none of its first 3 lines or items is an event \(line 1: /).waitFor();
  assert.equal(askedAgain, false, 'asked before refusing');
  assert.match(await a.page.locator('.status-bar .state').innerText(), /offline capture/);
  assert.deepEqual(await lanesOf(a.page), before);
  // OK: the stream comes back in place of the capture.
  a.page.off('dialog', askedWrongly);
  a.page.once('dialog', (d) => d.accept());
  await a.page.getByRole('button', { name: 'Connect', exact: true }).click();
  await a.page.waitForFunction(() => /streaming|back-filling/.test(document.querySelector('.status-bar .state')?.innerText ?? ''));
  assert.deepEqual([...a.problems, ...b.problems], []);
  await a.context.close();
  await b.context.close();
});

test('screenshots of the streaming timeline, light and dark', async () => {
  for (const [scheme, size] of [['light', { width: 1280, height: 800 }], ['dark', { width: 1280, height: 800 }], ['light', { width: 390, height: 844 }]]) {
    const { context, page, problems } = await openViewer(live, { colorScheme: scheme, viewport: size });
    await fill(page, { Entities: 'soil-sensors, soil-sensors/soil-node-01, gw:rooftop-gw-01', Tail: '20' });
    await page.getByRole('button', { name: 'Connect' }).click();
    // Rows to show, one of them an uplink to open (lanes below the window draw none).
    await page.waitForFunction(() => document.querySelectorAll('.event-row').length >= 8
      && document.querySelector('[data-name="as.up.data.forward"] .row-main'), null, { timeout: 15_000 });
    await page.locator('[data-name="as.up.data.forward"] .row-main').first().click();
    await page.getByRole('tree').first().waitFor();
    // What the user sees (rows outside the viewport are not rendered, by design).
    await screenshot(page, `timeline-${scheme}-${size.width}.png`, { fullPage: false });
    // The views come first in the toolbar, which scrolls sideways on a phone: Fleet is in view.
    const fleet = await page.getByRole('button', { name: 'Fleet' }).boundingBox();
    assert.ok(fleet && fleet.x + fleet.width <= size.width, `the Fleet button at ${JSON.stringify(fleet)}`);
    // How many events to keep sits with Pause and Clear in the status bar: one line, in view.
    const boxes = [];
    for (const control of [page.getByLabel('Keep'), page.getByRole('button', { name: 'Pause', exact: true }), page.getByRole('button', { name: 'Clear', exact: true })]) {
      const box = await control.boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= size.width, `${control} at ${JSON.stringify(box)}`);
      boxes.push(box);
    }
    const middles = boxes.map((b) => b.y + b.height / 2);
    assert.ok(Math.max(...middles) - Math.min(...middles) < 3, `Keep, Pause and Clear on one line: ${JSON.stringify(boxes)}`);
    assert.equal(await page.getByRole('toolbar', { name: 'Timeline view' }).getByLabel('Keep').count(), 0, 'Keep is not in the toolbar');
    assert.deepEqual(problems, []);
    await context.close();
  }
});
