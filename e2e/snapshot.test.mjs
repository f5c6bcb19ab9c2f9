// A snapshot link: "Share these events" on a journey puts the events
// themselves (redacted as Export) into the link, and a teammate opens it in
// a fresh browser with the simulator stopped — every request the page makes
// is answered from dist/ on disk or refused, so nothing can reach a server —
// and sees the same journey, with a note that it is a snapshot, not live.
// A Health panel's link opens that lane with its panel. Damaged and hostile
// links (a decompression bomb) end in a sentence.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { DIST, ALL_KEY, EXAMPLE_ENTITIES, startReplay, launchBrowser, openPage, screenshot } from './harness.mjs';

const ENTITIES = EXAMPLE_ENTITIES;
const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css' };

let replay;
let browser;

before(async () => {
  replay = await startReplay();
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await replay?.stop();
});

/** A fresh browser context where the page's own files come from dist/ on disk and every other
 * request is refused and recorded: whatever the page asks for, nothing reaches a server. */
async function offline(origin) {
  const opened = await openPage(browser, { viewport: { width: 1280, height: 860 } });
  const elsewhere = [];
  const files = [];
  await opened.context.route('**/*', async (route) => {
    const url = new URL(route.request().url());
    const base = `${origin}/eventline/`;
    if (!url.href.startsWith(base)) {
      elsewhere.push(url.href);
      return route.abort('blockedbyclient');
    }
    const name = url.pathname.slice('/eventline/'.length) || 'index.html';
    const file = path.join(DIST, name);
    files.push(name);
    if (name.includes('..') || !existsSync(file)) return route.fulfill({ status: 404, body: 'not here' });
    return route.fulfill({ status: 200, contentType: TYPES[path.extname(name)] ?? 'application/octet-stream', body: readFileSync(file) });
  });
  // The blocked requests' failures are what this test wants; anything else is a problem.
  const problems = () => opened.problems.filter((p) => !/ERR_BLOCKED_BY_CLIENT|config\.json|404/.test(p));
  return { ...opened, elsewhere, files, problems };
}

async function stepNames(panel) {
  return panel.getByRole('list', { name: 'Steps' }).getByRole('listitem')
    .evaluateAll((lis) => lis.map((li) => li.dataset.name));
}

/** Connects to the replaying simulator with every entity of the examples; clipboard allowed. */
async function connected() {
  const opened = await openPage(browser, {
    viewport: { width: 1280, height: 860 }, permissions: ['clipboard-read', 'clipboard-write'],
  });
  const { page } = opened;
  await page.goto(`${replay.url}/eventline/`);
  await page.getByLabel('Cluster URL', { exact: true }).fill(replay.url);
  await page.getByLabel('API key', { exact: true }).fill(ALL_KEY);
  await page.getByLabel('Entities', { exact: true }).fill(ENTITIES.join('\n'));
  await page.getByLabel('Tail', { exact: true }).fill('1000');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.waitForFunction(() => document.querySelectorAll('.event-row').length > 20);
  return opened;
}

test('a Health panel shared as a snapshot opens with that lane and its panel', async () => {
  const { page, context, problems } = await connected();
  const label = 'device soil-sensors/soil-node-01';
  const lane = page.getByRole('region', { name: label });
  const count = Number((await lane.locator('.lane-count').innerText()).replace(/\D/g, ''));
  await lane.getByRole('button', { name: 'Health' }).click();
  const health = page.getByRole('region', { name: `Health of ${label}` });
  await health.getByRole('button', { name: 'Share these events' }).click();
  await health.getByRole('status').filter({ hasText: `Link to ${count} events copied (redacted as Export).` }).waitFor();
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.deepEqual(problems, []);
  await context.close();

  const mate = await offline(replay.url);
  await mate.page.goto(link);
  await mate.page.getByRole('status').filter({ hasText: `Snapshot of ${count} events shared on` }).waitFor();
  await mate.page.getByRole('region', { name: `Health of ${label}` }).waitFor();
  const lanes = await mate.page.locator('.lane[aria-label]').evaluateAll((ls) => ls.map((l) => l.getAttribute('aria-label')));
  assert.ok(lanes.includes(label), lanes.join());
  assert.deepEqual(mate.elsewhere, []);
  assert.deepEqual(mate.problems(), []);
  await mate.context.close();
});

test('a journey shared as a snapshot opens offline in a fresh browser with the same steps', async () => {
  const { page, context, problems } = await connected();
  await page.getByRole('button', { name: 'Flat view' }).click();
  const query = 'name:gs.up.receive "warehouse-ttig"';
  await page.getByRole('searchbox', { name: 'Filter events' }).fill(query);
  await page.locator(`section.timeline[data-filter-applied='${query}']`).waitFor();
  await page.locator('.flat .event-row[data-name="gs.up.receive"] .row-main').first().click();
  await page.getByRole('button', { name: 'Journey', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Journey' });
  const heading = 'uplink FCnt 1843 → forwarded to the application: 214 ms';
  await panel.getByRole('heading', { name: heading }).waitFor();
  const names = await stepNames(panel);
  assert.ok(names.length >= 9, names.join());

  await panel.getByRole('button', { name: 'Share these events' }).click();
  const said = panel.getByRole('status').filter({ hasText: /^Link to \d+ events? copied/ });
  await said.waitFor();
  assert.equal(await said.innerText(),
    `Link to ${names.length} events copied (redacted as Export). Nothing was sent anywhere: the events are in the link itself.`);
  await screenshot(page, 'snapshot-shared.png', { fullPage: false });
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(link, new RegExp(`^${replay.url}/eventline/#view=flat&snapshot=[A-Za-z0-9_-]+$`));
  assert.ok(link.length < 100_000, `${link.length} characters`);
  assert.equal(new URL(page.url()).hash.includes('snapshot='), false, 'the sharer\'s own address is unchanged');
  assert.deepEqual(problems, []);
  await context.close();

  // The teammate: no simulator, no key, a fresh browser.
  await replay.stop();
  const mate = await offline(replay.url);
  await mate.page.goto(link);
  const note = mate.page.getByRole('status').filter({ hasText: /^Snapshot of/ });
  await note.waitFor();
  assert.match(await note.innerText(), new RegExp(`^Snapshot of ${names.length} events shared on \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC; not live\\.$`));
  assert.equal(await mate.page.locator('.status-bar .state').innerText(), 'snapshot, not live');
  const matePanel = mate.page.getByRole('region', { name: 'Journey' });
  await matePanel.getByRole('heading', { name: heading }).waitFor();
  assert.deepEqual(await stepNames(matePanel), names, 'the same steps, in the same order');
  assert.equal(await matePanel.getByRole('status').filter({ hasText: 'Only the steps the snapshot holds are shown.' }).count(), 1);
  assert.match(await mate.page.locator('[data-stat=shown]').innerText(), new RegExp(`^${names.length} shown$`));
  assert.equal(await mate.page.getByLabel('API key', { exact: true }).inputValue(), '', 'no key asked or filled');
  // Redacted as Export: no address of a gateway or API client is anywhere on the page.
  const text = await mate.page.evaluate(() => document.body.innerText);
  assert.doesNotMatch(text, /203\.0\.113\.17|198\.51\.100\.42/);
  await screenshot(mate.page, 'snapshot-journey.png', { fullPage: false });
  // Reloadable: the events stay in the address, with the journey now open.
  assert.match(mate.page.url(), /#.*snapshot=/);
  // Nothing but the page's own files was asked for, and those came from disk.
  assert.deepEqual(mate.elsewhere, []);
  assert.ok(mate.files.every((f) => f === 'index.html' || f === 'config.json' || existsSync(path.join(DIST, f))), mate.files.join());
  assert.equal(mate.files.some((f) => f.startsWith('api/')), false, mate.files.join());
  // Closed, the journey leaves the snapshot's lanes and its note in view.
  await mate.page.keyboard.press('Escape');
  await matePanel.waitFor({ state: 'detached' });
  await screenshot(mate.page, 'snapshot-lanes.png', { fullPage: false });
  assert.deepEqual(mate.problems(), []);
  await mate.context.close();
});

test('a damaged or hostile snapshot link says why in a sentence and opens nothing', async () => {
  const bomb = deflateRawSync(Buffer.alloc(17 << 20, 0x20)).toString('base64url');
  const cases = [
    ['Zm9v!YmFy', "it is damaged: character 5 of its events ('!') cannot be part of a snapshot"],
    ['Zm9vY', 'it is cut short: copy the whole link and try again'],
    ['AAAAAAAA', /it is damaged: its events cannot be unpacked \(.+\)/],
    [deflateRawSync('hello\n').toString('base64url'), /it is not an Eventline snapshot \(its first line is not a snapshot header/],
    [bomb, 'its events unpack to more than 16 MB, more than a snapshot may hold'],
  ];
  const mate = await offline('http://127.0.0.1:9');
  for (const [packed, why] of cases) {
    await mate.page.goto(`http://127.0.0.1:9/eventline/#snapshot=${packed}`);
    await mate.page.reload();
    const alert = mate.page.getByRole('alert').filter({ hasText: 'snapshot link could not be loaded' });
    await alert.waitFor();
    const sentence = (await alert.locator('.sentence').innerText()).replace(/^The capture in this snapshot link could not be loaded: /, '');
    if (typeof why === 'string') assert.equal(sentence, `${why}.`);
    else assert.match(sentence, why);
    assert.equal(await mate.page.locator('.event-row').count(), 0);
  }
  assert.deepEqual(mate.elsewhere, []);
  assert.deepEqual(mate.problems(), []);
  await mate.context.close();
});
