// Thousands of events in the real viewer: the lists are virtualized (only
// rows near the viewport are in the DOM, scrolling shows the others), the
// filter narrows what is shown and travels in the link, and the capacity
// evicts the oldest events with a count in the status bar.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { DIST, startSim, launchBrowser, openPage, count } from './harness.mjs';

const WANT = 3_000;
let sim;
let browser;

before(async () => {
  sim = await startSim(['--serve', DIST, '--base', '/tools/eventline/', '--viewer-config', '--rate', '1000']);
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await sim?.stop();
});


/** Connects to the whole demo fleet, waits for `WANT` events, disconnects (the view stays). */
async function loaded(options = {}) {
  const opened = await openPage(browser, { viewport: { width: 1280, height: 900 }, ...options });
  const { page } = opened;
  await page.goto(`${sim.url}/tools/eventline/`);
  await page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await page.waitForFunction((n) => {
    const el = document.querySelector('[data-stat=shown]');
    return el && Number(el.innerText.replace(/[^\d]/g, '')) >= n;
  }, WANT, { timeout: 60_000 });
  await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
  await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
  await page.waitForTimeout(200); // the last animation frame's batch
  return opened;
}

test('thousands of events: only rows near the viewport are in the DOM, and scrolling reaches every one', async () => {
  const { context, page, problems } = await loaded();
  await page.getByRole('button', { name: 'Flat view' }).click();
  await page.waitForFunction(() => location.hash.includes('view=flat'));
  const shown = count(await page.locator('[data-stat=shown]').innerText());
  assert.ok(shown >= WANT, `shown ${shown}`);
  const inDom = await page.locator('.flat .event-row').count();
  assert.ok(inDom > 10 && inDom < 120, `${inDom} rows in the DOM for ${shown} events`);
  // The list is as tall as all its rows: the scrollbar tells the truth.
  const { listHeight, rowHeight } = await page.evaluate(() => ({
    listHeight: document.querySelector('.flat .rows').getBoundingClientRect().height,
    rowHeight: document.querySelector('.flat .event-row').getBoundingClientRect().height,
  }));
  assert.ok(Math.abs(listHeight - shown * rowHeight) < rowHeight * 2, `${listHeight} px for ${shown} rows of ${rowHeight} px`);

  // Jump to the end: the oldest event is there, rendered, where the viewport is.
  const oldest = await page.evaluate(() => {
    window.scrollTo(0, document.documentElement.scrollHeight);
    return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(() => {
      const rows = [...document.querySelectorAll('.flat .event-row')];
      const last = rows[rows.length - 1];
      const r = last.getBoundingClientRect();
      done({ bottom: r.bottom, viewport: innerHeight, time: last.querySelector('time').getAttribute('datetime'), count: rows.length });
    }, 50))));
  });
  assert.ok(oldest.bottom <= oldest.viewport + 2 && oldest.bottom > 0, `last row at ${oldest.bottom} of ${oldest.viewport}`);
  assert.ok(oldest.count < 120, `${oldest.count} rows in the DOM at the end`);
  // Every point of the viewport over the list shows a row, not a blank spacer.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
  await page.waitForTimeout(150);
  const blanks = await page.evaluate(() => {
    const out = [];
    for (let y = 120; y < innerHeight - 10; y += 40) {
      const el = document.elementFromPoint(800, y);
      if (!el?.closest('.event-row')) out.push(`${y}: ${el?.className}`);
    }
    return out;
  });
  assert.deepEqual(blanks, [], 'rows cover the viewport after a jump');
  // Newest first: the first row is the newest, the last the oldest.
  const times = await page.evaluate(() => {
    window.scrollTo(0, 0);
    return [...document.querySelectorAll('.flat .event-row time')].map((t) => t.getAttribute('datetime'));
  });
  assert.ok(times[0] >= oldest.time, 'newest first');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the filter narrows lanes and rows as typed, goes into the link, and explains a bad term', async () => {
  const { context, page, problems } = await loaded();
  const total = count(await page.locator('[data-stat=shown]').innerText());
  const box = page.getByRole('searchbox', { name: 'Filter events' });
  await box.fill('kind:gateway');
  await page.locator('section.timeline[data-filter-applied="kind:gateway"]').waitFor();
  const status = await page.locator('[data-stat=shown]').innerText();
  assert.match(status, /shown \(filtered\)/);
  const filtered = count(status);
  assert.ok(filtered > 0 && filtered < total, `${filtered} of ${total}`);
  // Only gateway lanes remain, and each shows "n of m events".
  const labels = await page.locator('.lane[aria-label]').evaluateAll((ls) => ls.map((l) => l.getAttribute('aria-label')));
  assert.ok(labels.length > 0 && labels.every((l) => l.startsWith('gateway ')), labels.join(', '));
  await page.waitForFunction(() => location.hash.includes('filter=kind:gateway'));
  // A second, narrower term: the uplinks the gateways received.
  await box.fill('kind:gateway gs.up.receive');
  await page.locator('section.timeline[data-filter-applied="kind:gateway gs.up.receive"]').waitFor();
  const names = await page.locator('.event-row').evaluateAll((rs) => [...new Set(rs.map((r) => r.dataset.name))]);
  assert.deepEqual(names, ['gs.up.receive']);
  assert.match(await page.locator('.lane-count').first().innerText(), /^[\d,]+ of [\d,]+ events$/);
  // A term that cannot be understood is explained next to the box; the last good filter stays.
  await box.fill('kind:sensor');
  assert.match(await page.locator('#filter-error').innerText(), /“sensor” is not an entity kind/);
  assert.equal(await box.getAttribute('aria-invalid'), 'true');
  // Clearing shows everything again.
  await box.fill('');
  await page.locator('section.timeline[data-filter-applied=""]').waitFor();
  assert.equal(count(await page.locator('[data-stat=shown]').innerText()), total);
  assert.deepEqual(problems, []);
  await context.close();
});

test('a lower capacity evicts the oldest events and says how many were dropped', async () => {
  const { context, page, problems } = await loaded();
  await page.getByLabel('Keep').selectOption('1000');
  await page.locator('[data-stat=evicted]').waitFor();
  const evicted = await page.locator('[data-stat=evicted]').innerText();
  assert.match(evicted, /^[\d,]+ older events dropped to stay under 1,000$/);
  assert.equal(count(await page.locator('[data-stat=shown]').innerText()), 1000);
  const received = count(await page.locator('[data-stat=received]').innerText());
  assert.ok(count(evicted) + 1000 <= received, `${evicted} + 1,000 kept ≤ ${received} received`);
  // The lanes' counts are what is kept.
  const counts = await page.locator('.lane-count').allInnerTexts();
  assert.ok(counts.length > 0);
  assert.ok(counts.every((c) => count(c) <= 1000), counts.join(', '));
  assert.deepEqual(problems, []);
  await context.close();
});

test('thousands of entities: only lanes near the viewport exist, the lane list jumps to any of them', async () => {
  const many = await startSim(['--serve', DIST, '--viewer-config', '--applications', '1',
    '--devices-per-application', '3000', '--gateways', '20', '--rate', '2000', '--limit', '15000']);
  const { context, page, problems } = await openPage(browser, { viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(`${many.url}/`);
    await page.waitForFunction(() => document.querySelector('#api-key')?.value !== '');
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    const list = page.getByRole('navigation', { name: 'Lanes' });
    await page.waitForFunction(() => {
      const n = /\(([\d,]+)\)/.exec(document.querySelector('.lane-list h2')?.textContent ?? '')?.[1];
      return n && Number(n.replace(/,/g, "")) >= 500;
    }, null, { timeout: 60_000 });
    await page.getByRole('button', { name: 'Disconnect', exact: true }).click();
    await page.getByRole('button', { name: 'Connect', exact: true }).waitFor();
    const lanes = count(await list.getByRole('heading').innerText());
    const drawn = () => page.evaluate(() => ({
      lanes: document.querySelectorAll('.lanes > section.lane').length,
      entries: document.querySelectorAll('.lane-list li.lane-entry').length,
      height: document.documentElement.scrollHeight,
    }));
    const top = await drawn();
    assert.ok(top.lanes > 0 && top.lanes <= 60, `${top.lanes} of ${lanes} lanes in the DOM`);
    assert.ok(top.entries > 0 && top.entries <= 150, `${top.entries} of ${lanes} lane-list entries in the DOM`);
    assert.ok(top.height > lanes * 40, `the page stands for every lane: ${top.height} px for ${lanes} lanes`);

    // Scrolled to the middle, the lanes there are drawn where the viewport is.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    await page.waitForFunction(() => [...document.querySelectorAll('.lanes > section.lane')].some((s) => {
      const r = s.getBoundingClientRect();
      return r.bottom > 0 && r.top < innerHeight;
    }), null, { timeout: 5_000 });
    const middle = await page.evaluate(() => [...document.querySelectorAll('.lanes > section.lane')].map((s) => s.getAttribute('aria-label')));
    assert.ok(!middle.includes('application soil-sensors'), 'the first lane is no longer drawn in the middle of the page');

    // The lane list's last entry: scroll the list there, jump, the lane's toggle has the focus, in view.
    await list.locator('ul').evaluate((u) => { u.scrollTop = u.scrollHeight; });
    const last = list.locator('li.lane-entry').last();
    await page.waitForTimeout(300);
    const id = await last.locator('.lane-id').innerText();
    await last.getByRole('button').click();
    await page.waitForFunction((id) => {
      const lane = document.activeElement?.closest('section.lane');
      if (!lane || !lane.querySelector('.lane-id')?.textContent.includes(id)) return false;
      const r = lane.getBoundingClientRect();
      return r.top < innerHeight && r.bottom > 0;
    }, id, { timeout: 5_000 });

    // Collapse all: still a handful of lanes in the DOM, and a shorter page.
    await page.getByRole('button', { name: 'Collapse all lanes' }).click();
    await page.waitForTimeout(300);
    const collapsed = await drawn();
    assert.ok(collapsed.lanes <= 60, `${collapsed.lanes} lanes in the DOM collapsed`);
    assert.ok(collapsed.height < top.height, `collapsed page ${collapsed.height} px < ${top.height} px`);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    await many.stop();
  }
});
