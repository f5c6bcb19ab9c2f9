// A recorded incident shared as a link: `dist/` is hosted under a sub-path
// with a capture file next to it, and `#capture=…` opens it offline — no key,
// no event stream — with the lanes the file holds; a missing file is explained.
// Files dropped on the page import the same way, one at a time.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, startSim, launchBrowser, openPage } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLES = path.join(here, '..', 'data', 'example-events.jsonl');
let site;
let sim;
let browser;

before(async () => {
  // What an operator does: copy dist/ to the web root, put a capture beside it.
  site = mkdtempSync(path.join(tmpdir(), 'eventline-site-'));
  cpSync(DIST, site, { recursive: true });
  mkdirSync(path.join(site, 'captures'));
  writeFileSync(path.join(site, 'captures', 'join storm.ndjson'), readFileSync(EXAMPLES));
  sim = await startSim(['--serve', site, '--base', '/tools/eventline/', '--rate', '0']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});

/** Lane label → event count, for the example events (each lane an entity they name). */
function expectedLanes() {
  const label = (ids) => {
    if (ids.device_ids) return `device ${ids.device_ids.application_ids.application_id}/${ids.device_ids.device_id}`;
    const [kind, inner] = Object.entries(ids)[0];
    const word = kind.replace('_ids', '');
    return `${word} ${inner[`${word}_id`]}`;
  };
  const lanes = {};
  const events = readFileSync(EXAMPLES, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((e) => e.name !== 'events.stream.start');
  for (const e of events) {
    for (const ids of e.identifiers) lanes[label(ids)] = (lanes[label(ids)] ?? 0) + 1;
  }
  return { total: events.length, lanes };
}

test('a #capture= link opens a hosted capture offline, with its lanes, filter and view', async () => {
  const { context, page, problems } = await openPage(browser);
  const streams = [];
  page.on('request', (r) => { if (r.url().includes('/api/v3/events')) streams.push(r.url()); });
  const capture = encodeURIComponent('captures/join storm.ndjson');
  await page.goto(`${sim.url}/tools/eventline/#capture=${capture}&order=oldest`);
  await page.getByText('Offline capture: captures/join storm.ndjson', { exact: true }).waitFor();
  assert.equal(await page.locator('.status-bar .state').innerText(), 'offline capture');
  // No events/s for a file: it would be how fast the file was read.
  assert.doesNotMatch(await page.locator('.status-bar').innerText(), /events\/s/);
  const expected = expectedLanes();
  assert.match(await page.locator('[data-stat=shown]').innerText(), new RegExp(`^${expected.total} shown$`));
  const lanes = await page.locator('.lane[aria-label]').evaluateAll((ls) => Object.fromEntries(
    ls.map((l) => [l.getAttribute('aria-label'), Number(l.querySelector('.lane-count').innerText.replace(/\D/g, ''))])));
  assert.deepEqual(lanes, expected.lanes);
  // The link's other settings apply: oldest first.
  await page.getByRole('button', { name: 'Newest first', pressed: false }).waitFor();
  // Changing the view keeps the capture in the link, so it can be passed on.
  await page.getByRole('searchbox', { name: 'Filter events' }).fill('kind:gateway');
  await page.waitForFunction(() => location.hash.includes('filter=kind:gateway'));
  assert.match(await page.evaluate(() => location.hash), /capture=captures\/join%20storm\.ndjson/);
  const shown = await page.locator('[data-stat=shown]').innerText();
  // A teammate opening that link sees the same.
  const link = await page.evaluate(() => location.href);
  const second = await openPage(browser);
  await second.page.goto(link);
  await second.page.getByText('Offline capture: captures/join storm.ndjson', { exact: true }).waitFor();
  await second.page.locator('section.timeline[data-filter-applied="kind:gateway"]').waitFor();
  assert.equal(await second.page.locator('[data-stat=shown]').innerText(), shown);
  assert.equal(await second.page.getByRole('searchbox', { name: 'Filter events' }).inputValue(), 'kind:gateway');
  assert.deepEqual(streams, [], 'a capture link never opens an event stream');
  assert.deepEqual([...problems, ...second.problems], []);
  await context.close();
  await second.context.close();
});

test('a #capture= link to a missing file says so in words', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(`${sim.url}/tools/eventline/#capture=captures/gone.ndjson`);
  const alert = page.getByRole('alert').filter({ hasText: 'could not be loaded' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /The capture captures\/gone\.ndjson could not be loaded: there is no file at this address \(HTTP 404\)\./);
  // The browser logs the 404 itself; nothing else may go wrong.
  assert.deepEqual(problems.filter((p) => !p.includes('404')), []);
  await context.close();
});

test('two files dropped on the page: one question says which one is read; Cancel reads none', async () => {
  const { context, page, problems } = await openPage(browser);
  await page.goto(`${sim.url}/tools/eventline/`);
  await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
  const text = readFileSync(EXAMPLES, 'utf8');
  const drop = () => page.evaluate((body) => {
    const files = new DataTransfer();
    files.items.add(new File([body], 'site-a.jsonl'));
    files.items.add(new File(['{}\n'], 'site-b.jsonl'));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: files, bubbles: true, cancelable: true }));
  }, text);
  const asked = [];
  let answer = false;
  page.on('dialog', (d) => { asked.push(d.message()); return answer ? d.accept() : d.dismiss(); });
  const question = 'Eventline reads one capture at a time. Import site-a.jsonl (the first of the 2 files dropped)?';
  await drop();
  await page.waitForTimeout(500);
  assert.deepEqual(asked, [question]);
  assert.equal(await page.getByText('Offline capture', { exact: false }).count(), 0, 'Cancel imports nothing');
  answer = true;
  await drop();
  await page.getByText('Offline capture: site-a.jsonl', { exact: true }).waitFor();
  const read = `${expectedLanes().total} events read`;
  await page.locator('[data-stat=received]').getByText(read, { exact: true }).waitFor();
  assert.deepEqual(asked, [question, question]);
  // With events in memory, the one question asked also says what the import replaces.
  answer = false;
  await drop();
  // (Asked once the file's start has been read.)
  for (let i = 0; i < 50 && asked.length < 3; i++) await page.waitForTimeout(100);
  await page.waitForTimeout(300);
  assert.equal(asked.length, 3, asked.join(' | '));
  assert.match(asked[2], /^Importing site-a\.jsonl \(the first of the 2 files dropped: Eventline reads one capture at a time\) +replaces the \d+ events in memory\./);
  assert.equal(await page.locator('[data-stat=received]').innerText(), read, 'Cancel keeps the capture');
  assert.deepEqual(problems, []);
  await context.close();
});
