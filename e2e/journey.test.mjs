// One message through the stack, as an engineer follows it: from any event
// one click opens its journey (GS → NS → JS → AS, with timing), with every
// gateway that heard it and its downlink's lifecycle; a device lane lists
// its messages; steps no longer in memory come back from the cluster, and a
// teammate opens the same journey from a link. Replays the real example
// stream (data/example-events.jsonl); the eviction test uses a fast live
// simulator. Screenshots of the waterfall, light and dark.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, ALL_KEY, EXAMPLE_ENTITIES, startSim, startReplay, launchBrowser, openPage, screenshot, count } from './harness.mjs';

const ENTITIES = EXAMPLE_ENTITIES;

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

async function connected(options = {}) {
  const opened = await openPage(browser, { viewport: { width: 1280, height: 860 }, ...options });
  const { page } = opened;
  await page.goto(`${replay.url}/eventline/`);
  await page.getByLabel('Cluster URL', { exact: true }).fill(replay.url);
  await page.getByLabel('API key', { exact: true }).fill(ALL_KEY);
  await page.getByLabel('Entities', { exact: true }).fill(ENTITIES.join('\n'));
  await page.getByLabel('Tail', { exact: true }).fill('1000');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('status').filter({ hasText: /streaming|back-filling/ }).first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll('.event-row').length > 20);
  await page.getByRole('button', { name: 'Flat view' }).click();
  return opened;
}

/** Opens the row of `name` whose text matches `text` (through the filter), then its journey. */
async function openJourney(page, name, text = '') {
  const query = `name:${name}${text ? ` "${text}"` : ''}`;
  await page.getByRole('searchbox', { name: 'Filter events' }).fill(query);
  await page.locator(`section.timeline[data-filter-applied='${query}']`).waitFor();
  const row = page.locator(`.flat .event-row[data-name="${name}"] .row-main`).first();
  await row.click();
  await page.getByRole('button', { name: 'Journey', exact: true }).click();
  const panel = page.getByRole('region', { name: 'Journey' });
  await panel.waitFor();
  return { row, panel };
}

async function steps(panel) {
  const items = panel.getByRole('list', { name: 'Steps' }).getByRole('listitem');
  return items.evaluateAll((lis) => lis.map((li) => ({
    name: li.dataset.name,
    text: li.innerText.replace(/\s+/g, ' '),
  })));
}

test('an uplink heard by two gateways: every step and every gateway, timed', async () => {
  const { page, context, problems } = await connected();
  // Opened from the second gateway's reception, which carries none of the NS's IDs.
  const { row, panel } = await openJourney(page, 'gs.up.receive', 'warehouse-ttig');
  await panel.getByRole('heading', { name: 'uplink FCnt 1843 → forwarded to the application: 214 ms' }).waitFor();
  const list = await steps(panel);
  assert.deepEqual(list.map((s) => s.name), [
    'gs.up.receive', 'ns.up.data.receive', 'gs.up.receive', 'ns.up.data.process',
    'ns.up.data.forward', 'gs.up.forward', 'as.up.data.receive', 'as.up.data.forward', 'gs.up.forward',
  ]);
  assert.match(list[0].text, /^GS \+0 ms gs\.up\.receive receive uplink message/);
  assert.match(list[1].text, /^NS \+6\.2 ms ns\.up\.data\.receive/);
  // The reception it was opened from carries the message's IDs; the other gateway's is the same frame.
  assert.equal(list.filter((s) => /same frame, another gateway/.test(s.text)).length, 1);
  assert.match(list[0].text, /same frame, another gateway/);
  assert.match(list.at(-2).text, /^AS \+214 ms as\.up\.data\.forward/);
  // The reception: both gateways, strongest first, with the radio facts.
  const table = panel.getByRole('table', { name: 'Reception' });
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.innerText.replace(/\s+/g, ' ').trim()));
  assert.deepEqual(rows, [
    'rooftop-gw-01 -112 -3.5 5 867.5 MHz SF9BW125 1874552311',
    'warehouse-ttig -118 -9.25 5 867.5 MHz SF9BW125 902145877',
  ]);
  await screenshot(page, 'journey-uplink-light.png', { fullPage: false });
  // Esc closes it and the keyboard is back on the row it came from.
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  assert.equal(await row.evaluate((el) => el === document.activeElement), true);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a join journey holds the Join Server step, inferred, and the join-accept lifecycle', async () => {
  for (const colorScheme of ['light', 'dark']) {
    const { page, context, problems } = await connected({ colorScheme });
    const { panel } = await openJourney(page, 'ns.up.join.receive');
    await panel.getByRole('heading', { name: 'join-request → join-accept forwarded to the application: 4.82 s' }).waitFor();
    const list = await steps(panel);
    const names = list.map((s) => s.name);
    const attempt = names.indexOf('ns.up.join.cluster.attempt');
    assert.equal(names[attempt + 1], 'js.join.accept', 'the Join Server answers between attempt and success');
    assert.match(list[attempt + 1].text, /^JS \+12 ms js\.join\.accept accept join-request inferred/);
    for (const n of ['gs.up.receive', 'ns.up.join.process', 'gs.down.send', 'as.up.join.forward', 'ns.down.transmission.success']) {
      assert.ok(names.includes(n), `${n} in ${names}`);
    }
    const life = panel.locator('.journey-lifecycle');
    await life.getByRole('heading', { name: 'Join-accept' }).waitFor();
    assert.match(await life.innerText(), /The join-accept completed: transmitted\./);
    assert.match(await life.innerText(), /scheduled[\s\S]*on rooftop-gw-01, Rx1/);
    assert.match(await panel.getByRole('table', { name: 'Reception' }).innerText(), /rooftop-gw-01 \(downlink path\)/);
    await screenshot(page, `journey-join-${colorScheme}.png`, { fullPage: false });
    assert.deepEqual(problems, []);
    await context.close();
  }
});

test('a device lane lists its messages; one click opens a journey', async () => {
  const { page, context, problems } = await connected();
  await page.getByRole('button', { name: 'Flat view' }).click();
  const lane = page.getByRole('region', { name: 'device soil-sensors/soil-node-01' });
  await lane.getByRole('button', { name: 'Messages' }).click();
  assert.equal(await lane.getByRole('button', { name: 'Messages' }).getAttribute('aria-pressed'), 'true');
  const messages = lane.getByRole('list', { name: 'Messages of soil-sensors/soil-node-01' });
  const texts = await messages.getByRole('listitem').evaluateAll((lis) => lis.map((li) => li.innerText.replace(/\s+/g, ' ')));
  assert.ok(texts.some((t) => /Uplink FCnt 1843 · FPort 2 forwarded 233 ms end to end/.test(t)), texts.join('\n'));
  assert.ok(texts.some((t) => /dropped by the Network Server: data is outdated/.test(t)), texts.join('\n'));
  await messages.getByRole('button', { name: 'Journey of Uplink FCnt 1843 · FPort 2' }).click();
  await page.getByRole('region', { name: 'Journey' })
    .getByRole('heading', { name: /^uplink FCnt 1843 → forwarded to the application/ }).waitFor();
  await page.waitForFunction(() => /journey=ns:uplink:01JB96GXT9ESQAH4PYVMF8QS76/.test(window.location.hash));
  assert.match(page.url(), /messages=soil-sensors\/soil-node-01/);
  assert.deepEqual(problems, []);
  await context.close();
});

test('steps evicted from memory come back from the cluster; a teammate opens the journey from a link', async () => {
  const sim = await startSim(['--serve', DIST, '--base', '/eventline/', '--viewer-config', '--rate', '400']);
  try {
    const { page, context, problems } = await openPage(browser, { viewport: { width: 1280, height: 860 } });
    await page.goto(`${sim.url}/eventline/`);
    await page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
    await page.getByRole('button', { name: 'Connect' }).click();
    await page.getByLabel('Keep').selectOption('1000');
    await page.getByRole('button', { name: 'Flat view' }).click();
    const query = 'name:as.up.data.forward';
    await page.getByRole('searchbox', { name: 'Filter events' }).fill(query);
    await page.locator('.flat .event-row[data-name="as.up.data.forward"]').first().waitFor();
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.flat .event-row[data-name="as.up.data.forward"] .row-main').first().click();
    await page.getByRole('button', { name: 'Journey', exact: true }).click();
    const panel = page.getByRole('region', { name: 'Journey' });
    await panel.getByRole('heading', { name: /^uplink FCnt \d+ → forwarded to the application/ }).waitFor();
    await panel.getByRole('status').filter({ hasText: /fetched|no steps beyond/ }).waitFor();
    const before = (await steps(panel)).map((s) => s.name);
    assert.ok(before.includes('gs.up.receive') && before.includes('ns.up.data.process'), before.join());
    await page.waitForFunction(() => /journey=ns:uplink:/.test(window.location.hash));
    const link = new URL(page.url()).hash;
    await page.keyboard.press('Escape');
    // Resume: thousands of newer events push this message out of the 1,000 kept.
    await page.getByRole('button', { name: /^Resume/ }).click();
    await page.getByRole('searchbox', { name: 'Filter events' }).fill('');
    await page.waitForFunction(() => {
      const s = document.querySelector('[data-stat="received"]')?.innerText ?? '';
      return Number((s.match(/([\d,]+) events? received/)?.[1] ?? '0').replaceAll(',', '')) > 4000;
    }, null, { timeout: 60_000 });
    await page.evaluate((h) => { window.location.hash = h; }, link);
    await panel.getByRole('status').filter({ hasText: /steps? fetched from the cluster/ }).waitFor();
    const after = await steps(panel);
    // Other gateways' copies of the frame carry their own gs:uplink IDs, which no
    // Network Server event names: memory joins them by payload, the cluster cannot.
    const distinct = (names) => [...new Set(names)];
    // Every step seen before, in the same order; the cluster may also hold steps that
    // happened after the view was paused (the Rx1 downlink's transmission result).
    const inOrder = (seen, got) => {
      let at = 0;
      for (const name of got) if (name === seen[at]) at += 1;
      return at === seen.length;
    };
    const got = distinct(after.map((s) => s.name));
    assert.ok(inOrder(distinct(before), got), `the same steps, from the cluster:\n${before}\n${got}`);
    assert.equal(after.filter((s) => s.name === 'gs.up.receive').length, 1, 'the reception the NS names');
    assert.ok(after.every((s) => /fetched from the cluster/.test(s.text)), after.map((s) => s.text).join('\n'));
    assert.deepEqual(problems, []);

    // A teammate: the link, their own key.
    const mate = await openPage(browser, { viewport: { width: 1280, height: 860 } });
    await mate.page.goto(`${sim.url}/eventline/${link}`);
    await mate.page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
    await mate.page.getByRole('button', { name: 'Connect' }).click();
    const theirs = mate.page.getByRole('region', { name: 'Journey' });
    await theirs.getByRole('status').filter({ hasText: /steps? fetched from the cluster/ }).waitFor();
    assert.ok(inOrder(distinct(before), distinct((await steps(theirs)).map((s) => s.name))));
    assert.deepEqual(mate.problems, []);
    await mate.context.close();
    await context.close();
  } finally {
    await sim.stop();
  }
});
