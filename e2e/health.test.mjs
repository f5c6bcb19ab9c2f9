// Device and gateway health, computed live, as an engineer reads it: the
// lossy device names its gaps (and a click shows the uplinks around one),
// the rejoining device names its rejection reason, a gateway shows its
// connections and traffic, the fleet puts the sickest device first, and a
// LoRaWAN filter shows exactly the matching rows. The simulator's demo
// scenarios (sim --help, DEMO SCENARIOS) make these happen on purpose.
// Screenshots of device and gateway health and the fleet, light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, startSim, launchBrowser, openPage, screenshot } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLES = path.join(here, '..', 'data', 'example-events.jsonl');

let browser;

// The example events whose best gateway (highest SNR, as the row shows it)
// heard them below `dbm`, and that name a device: what `rssi<dbm kind:device`
// must show, computed here from the file, independently of the app.
function weakDeviceEvents(dbm, apps) {
  const reception = (o, out = []) => {
    if (Array.isArray(o)) o.forEach((x) => reception(x, out));
    else if (o && typeof o === 'object') {
      for (const [k, v] of Object.entries(o)) {
        if (k === 'rx_metadata' && Array.isArray(v)) out.push(...v);
        else reception(v, out);
      }
    }
    return out;
  };
  return fs.readFileSync(EXAMPLES, 'utf8').split('\n').filter((l) => l.trim()).map((l) => {
    const e = JSON.parse(l);
    return e.result ?? e;
  }).filter((e) => {
    const heard = reception(e.data ?? {});
    const ofApps = (e.identifiers ?? []).some((i) => apps.includes(i.device_ids?.application_ids?.application_id));
    if (!heard.length || !ofApps) return false;
    const best = heard.reduce((a, b) => ((b.snr ?? -Infinity) > (a.snr ?? -Infinity) ? b : a));
    return best.rssi < dbm;
  }).map((e) => e.name).sort();
}

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// A simulated cluster of its own for each test: the demo scenarios run on
// its clock (soil-node-02 rejected at 5 s, parking-gw-north down at 40 s).
function demoSim() {
  return startSim(['--serve', DIST, '--base', '/eventline/', '--viewer-config', '--rate', '60']);
}

async function demo(sim, options = {}, tail = '') {
  const opened = await openPage(browser, { viewport: { width: 1280, height: 900 }, ...options });
  const { page } = opened;
  await page.goto(`${sim.url}/eventline/`);
  await page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
  await page.getByLabel('Entities', { exact: true }).fill([
    'soil-sensors', 'cold-chain', 'gw:rooftop-gw-01', 'gw:warehouse-ttig', 'gw:parking-gw-north',
  ].join('\n'));
  if (tail) await page.getByLabel('Tail', { exact: true }).fill(tail);
  await page.getByRole('button', { name: 'Connect' }).click();
  return opened;
}

function lane(page, label) {
  return page.getByRole('region', { name: label, exact: true });
}

async function health(page, label) {
  await lane(page, label).getByRole('button', { name: 'Health' }).click();
  const region = page.getByRole('region', { name: `Health of ${label}` });
  await region.waitFor();
  return region;
}

test('the lossy device names its gaps; a click shows the uplinks around one', async (t) => {
  const sim = await demoSim();
  t.after(() => sim.stop());
  const { page, context, problems } = await demo(sim);
  await lane(page, 'device cold-chain/fridge-02').waitFor({ timeout: 30_000 });
  const region = await health(page, 'device cold-chain/fridge-02');
  const gap = region.getByRole('button', { name: /^FCnt \d+(–\d+)?$/ }).first();
  await gap.waitFor({ timeout: 45_000 });
  const text = await region.innerText();
  assert.match(text, /Uplinks\s+\d+ seen · FCnt \d+–\d+( since the last counter restart · \d+ missed in all sessions| · \d+ missed): FCnt \d+/);
  assert.match(text, /Packet error rate\s+\d+(\.\d)? %/);
  assert.match(text, /Interval\s+median .+ between uplinks · longest silence .+ · last seen /);
  // SNR reads against the demodulator's floor at the device's most used spreading factor (its first chip).
  const sf = Number(text.match(/Data rate\s+SF(\d+)BW/)?.[1]);
  const floor = -7.5 - 2.5 * (sf - 7);
  const caption = `SNR over time, dB (each uplink judged at its SF; lines for SF${sf}); dashed: ${floor + 7.5} (good) and ${floor + 2.5} (bad)`;
  assert.equal(await region.getByRole('img', { name: caption, exact: true }).count(), 1, `${caption} in ${text}`);
  // The panel follows the lane's new events without being made anew at each of them
  // (a panel made anew loses the click pressed on it and recomputes from scratch).
  const share = await region.getByRole('button', { name: 'Share these events' }).elementHandle();
  const count = () => lane(page, 'device cold-chain/fridge-02').locator('.lane-count').innerText();
  const before = await count();
  await page.waitForFunction(([el, was]) => el.closest('section.lane')?.querySelector('.lane-count')?.innerText !== was,
    [share, before], { timeout: 30_000 });
  assert.ok(await share.evaluate((e) => e.isConnected), 'the Health panel was made anew when an event arrived');
  const [, from, to] = (await gap.innerText()).match(/FCnt (\d+)(?:–(\d+))?/);
  await gap.click();
  const lo = Number(from) - 1;
  const hi = Number(to ?? from) + 1;
  // The session's DevAddr keeps another session's uplinks with the same FCnts out.
  const query = await page.getByRole('searchbox', { name: 'Filter events' }).inputValue();
  assert.match(query, new RegExp(`^"fridge-02" devaddr:[0-9A-F]{8} fcnt:${lo}\\.\\.${hi}$`));
  await page.locator(`section.timeline[data-filter-applied='${query}']`).waitFor();
  const counts = await lane(page, 'device cold-chain/fridge-02').locator('.event-row .row-line2')
    .evaluateAll((els) => els.map((e) => Number(e.innerText.match(/FCnt (\d+)/)?.[1] ?? NaN)));
  assert.ok(counts.length > 0);
  for (const f of counts) assert.ok(f >= lo && f <= hi, `FCnt ${f} outside ${lo}..${hi}`);
  // The FCnts just before and after the gap are there; none inside it.
  assert.ok(counts.includes(lo) && counts.includes(hi), `${counts}`);
  assert.ok(!counts.some((f) => f > lo && f < hi), `${counts}`);
  await screenshot(page, 'health-device-light.png', { fullPage: false });
  assert.deepEqual(problems, []);
  await context.close();
});

test('the rejoining device names why its join was rejected', async (t) => {
  const sim = await demoSim();
  t.after(() => sim.stop());
  const { page, context, problems } = await demo(sim, { colorScheme: 'dark' });
  await lane(page, 'device soil-sensors/soil-node-02').waitFor({ timeout: 30_000 });
  const region = await health(page, 'device soil-sensors/soil-node-02');
  await region.getByText(/join rejected: DevNonce/).first().waitFor({ timeout: 60_000 });
  await region.getByText(/^joined$/).first().waitFor({ timeout: 30_000 });
  assert.match(await region.innerText(), /Joins \(\d+\)/);
  await region.scrollIntoViewIfNeeded();
  await screenshot(page, 'health-device-dark.png', { fullPage: false });
  assert.deepEqual(problems, []);
  await context.close();
});

test('a gateway shows its traffic and connections; the fleet puts the sickest first', async (t) => {
  const sim = await demoSim();
  t.after(() => sim.stop());
  // Both pages connect at the start, with the history (the gateways'
  // connection and first status come before any page does): a page opened
  // later would find them gone from TTS's 100 events per entity.
  const pages = [];
  for (const colorScheme of ['light', 'dark']) {
    pages.push({ colorScheme, ...(await demo(sim, { colorScheme }, '5000')) });
  }
  for (const { colorScheme, page, context, problems } of pages) {
    await lane(page, 'gateway parking-gw-north').waitFor({ timeout: 30_000 });
    const gw = await health(page, 'gateway parking-gw-north');
    await gw.getByText('disconnected').first().waitFor({ timeout: 90_000 });
    // Until it connects again (about a minute), its lane and its panel's first line say so.
    assert.match(await gw.locator('.health-alert').innerText(), /^Disconnected since \S+: nothing is received or sent through it/);
    assert.match(await lane(page, 'gateway parking-gw-north').locator('.lane-alert').innerText(), /^disconnected since \S+$/);
    const text = await gw.innerText();
    assert.match(text, /Uplinks\s+\d+ in memory · \d+ in the last 30 min/);
    assert.match(text, /Devices heard\s+\d+ DevAddrs/);
    assert.match(text, /Last status\s+at /);
    assert.match(text, /Connections\s+\S+ disconnected\s+\S+ connected/, "newest first");
    await gw.scrollIntoViewIfNeeded();
    await screenshot(page, `health-gateway-${colorScheme}.png`, { fullPage: false });
    await page.getByRole('button', { name: 'Fleet' }).click();
    const fleet = page.getByRole('region', { name: 'Fleet' });
    await fleet.waitFor();
    // Its gateways, the disconnected one first, saying since when.
    const gateways = fleet.getByRole('table', { name: /^Gateways/ });
    assert.match(await gateways.locator('tbody tr').first().innerText(), /^parking-gw-north\s+disconnected since \S+/);
    assert.match(await gateways.locator('tbody').innerText(), /rooftop-gw-01\s+connected/);
    // Sorted by missed %, worst first: the lossy device leads once it has lost uplinks.
    await page.waitForFunction(() => {
      const first = document.querySelector('.fleet-table tbody tr th');
      return first?.innerText === 'cold-chain/fridge-02';
    }, null, { timeout: 60_000 });
    assert.equal(await fleet.locator('th[aria-sort="descending"]').innerText(), 'Missed');
    await fleet.getByRole('button', { name: 'Device', exact: true }).click();
    assert.equal(await fleet.locator('th[aria-sort="ascending"]').innerText(), 'Device');
    assert.equal(await fleet.locator('.fleet-table tbody tr th').first().innerText(), 'cold-chain/fridge-01');
    assert.ok(await fleet.getByRole('table', { name: /Reception/ }).isVisible());
    await fleet.scrollIntoViewIfNeeded();
    await screenshot(page, `health-fleet-${colorScheme}.png`, { fullPage: false });
    // A device's Problems count says what they are, and opens its Health panel.
    const count = fleet.locator('.fleet-table').getByRole('button', { name: /^\d+ problems?: \d+ × / }).first();
    await count.waitFor({ timeout: 60_000 });
    const device = await count.locator('xpath=ancestor::tr/th').innerText();
    const said = await count.getAttribute('title');
    assert.match(said, /^\d+ × \S/);
    await count.click();
    const panel = page.getByRole('region', { name: `Health of device ${device}`, exact: true });
    await panel.getByText('Problems').first().waitFor();
    assert.ok((await panel.innerText()).includes(said.split('\n')[0].replace(/^\d+ × /, '')), `${said} in the panel`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('a LoRaWAN filter shows exactly the matching rows', async () => {
  // The applications the demo key may read (the stream refuses the others).
  const APPS = ['soil-sensors', 'cold-chain'];
  const replay = await startSim(['--serve', DIST, '--base', '/eventline/', '--replay', EXAMPLES, '--speed', '0', '--viewer-config']);
  try {
    const { page, context, problems } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
    await page.goto(`${replay.url}/eventline/`);
    await page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
    // Devices by name too: ns.* events do not propagate to their application.
    const devices = [...new Set(fs.readFileSync(EXAMPLES, 'utf8').match(/"device_id":\s*"[^"]+",\s*"application_ids":\s*\{\s*"application_id":\s*"[^"]+"/g)
      .map((m) => m.match(/"device_id":\s*"([^"]+)".*"application_id":\s*"([^"]+)"/s))
      .filter((m) => APPS.includes(m[2])).map((m) => `${m[2]}/${m[1]}`))];
    await page.getByLabel('Entities', { exact: true }).fill([...APPS, ...devices].join('\n'));
    await page.getByLabel('Tail', { exact: true }).fill('1000');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.event-row').length > 10);
    await page.getByRole('button', { name: 'Flat view' }).click();
    const query = 'rssi<-110 kind:device';
    await page.getByRole('searchbox', { name: 'Filter events' }).fill(query);
    await page.locator(`section.timeline[data-filter-applied='${query}']`).waitFor();
    const rows = await page.locator('.flat .event-row').evaluateAll((els) => els.map((e) => ({
      name: e.dataset.name,
      rssi: Number(e.innerText.match(/RSSI (-?[\d.]+) dBm/)?.[1] ?? NaN),
    })));
    const expected = weakDeviceEvents(-110, APPS);
    assert.ok(expected.length > 0);
    assert.deepEqual(rows.map((r) => r.name).sort(), expected);
    assert.match(await page.locator('[data-stat=shown]').innerText(), new RegExp(`^${expected.length} shown`));
    for (const r of rows) assert.ok(r.rssi < -110, `${r.name} RSSI ${r.rssi}`);
    // Negated: the rows with RSSI ≥ −110 (and those without RSSI), never one below.
    const neg = '-rssi<-110 kind:device';
    await page.getByRole('searchbox', { name: 'Filter events' }).fill(neg);
    await page.locator(`section.timeline[data-filter-applied='${neg}']`).waitFor();
    const others = await page.locator('.flat .event-row').evaluateAll((els) => els.map((e) => Number(e.innerText.match(/RSSI (-?[\d.]+) dBm/)?.[1] ?? NaN)));
    assert.ok(others.every((r) => Number.isNaN(r) || r >= -110), `${others}`);
    // An unknown field is named, with the known ones.
    await page.getByRole('searchbox', { name: 'Filter events' }).fill('rsi<-110');
    await page.getByText(/rsi/).filter({ hasText: /rssi/ }).first().waitFor();
    assert.deepEqual(problems, []);
    await context.close();
  } finally {
    await replay.stop();
  }
});

test('a device with more gaps than the panel lists says how many it leaves out', async (t) => {
  // A capture of one device's uplinks: FCnt 0, 3, 5, …, 23 (11 gaps, the first two
  // FCnts long: 12 missed). The panel lists the 8 newest gaps and counts the rest.
  const template = fs.readFileSync(EXAMPLES, 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => JSON.parse(l)).map((e) => e.result ?? e).find((e) => e.name === 'as.up.data.forward');
  const base = Date.parse('2024-10-28T10:00:00Z');
  const lines = [];
  for (let i = 0; i <= 11; i++) {
    const e = structuredClone(template);
    const time = new Date(base + i * 60_000).toISOString();
    e.time = time;
    e.unique_id = `01JBGAPS${String(i).padStart(18, '0')}`;
    e.correlation_ids = [`as:up:01JBGAPS${String(i).padStart(18, '0')}`];
    e.data.uplink_message.f_cnt = i === 0 ? 0 : 2 * i + 1;
    e.data.received_at = time;
    lines.push(JSON.stringify(e));
  }
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'eventline-gaps-')), 'gaps.ndjson');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const sim = await demoSim();
  t.after(() => sim.stop());
  const { page, context, problems } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  await page.goto(`${sim.url}/eventline/`);
  await page.locator('input[type=file]').first().setInputFiles(file);
  await page.getByText('12 events').first().waitFor();
  const region = await health(page, 'device soil-sensors/soil-node-01');
  await region.getByText('+3 earlier gaps').waitFor();
  const text = await region.innerText();
  assert.match(text, /12 missed: FCnt 22, FCnt 20, .*FCnt 8 \+3 earlier gaps/s, text);
  assert.equal(await region.getByRole('button', { name: /^FCnt \d+$/ }).count(), 8);
  assert.deepEqual(problems, []);
  await context.close();
});
