// A smoke test in Firefox (Debian's firefox-esr, driven by puppeteer-core over
// WebDriver BiDi; nothing is downloaded): the viewer served by the simulator
// connects and fills its lanes, opens an event's JSON, a copied link restores
// the view in a fresh browser context, and a capture file imports offline —
// with no console errors. Every other end-to-end test runs in Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';
import { DIST, startSim, recordProblems } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLES = path.join(here, '..', 'data', 'example-events.jsonl');
const FIREFOX = '/usr/bin/firefox-esr';
// Setup installs firefox-esr; only a local run without it may skip, never CI.
const skip = !existsSync(FIREFOX) && !process.env.CI
  ? `${FIREFOX} is not installed (apt-get install firefox-esr, or run cargo xtask test)` : false;

let sim; // serves dist/ under /eventline/ and replays the example events
let browser;
let profile;
let key;

before(async () => {
  if (skip) return;
  sim = await startSim(['--serve', DIST, '--base', '/eventline/', '--viewer-config', '--replay', EXAMPLES, '--speed', '0']);
  for (let i = 0; i < 100 && !key; i += 1) {
    const line = sim.output.find((l) => l.startsWith('api key [demo'));
    if (line) key = line.slice(line.lastIndexOf(' ') + 1);
    else await new Promise((r) => setTimeout(r, 50));
  }
  profile = mkdtempSync(path.join(tmpdir(), 'eventline-firefox-'));
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
  });
});

after(async () => {
  await browser?.close();
  await sim?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A page in `context` that records uncaught errors, console errors and failed requests. */
async function openPage(context) {
  const page = await context.newPage();
  // Closing a page aborts its open stream (Firefox says NS_BINDING_ABORTED).
  return { page, problems: recordProblems(page, /NS_BINDING_ABORTED/) };
}

/** Waits until an element matching `selector` has text matching `re`; returns that text. */
async function waitText(page, selector, re) {
  const found = await page.waitForFunction((sel, src) => [...document.querySelectorAll(sel)]
    .map((e) => e.innerText).find((t) => new RegExp(src).test(t)), {}, selector, re.source);
  return found.jsonValue();
}

/** Clicks the enabled button labelled exactly `name`. */
async function click(page, name, pressed) {
  const handle = await page.waitForFunction((n, p) => [...document.querySelectorAll('button')]
    .find((b) => b.textContent.trim() === n && !b.disabled && (p === undefined || b.getAttribute('aria-pressed') === p)),
  {}, name, pressed);
  await handle.asElement().click();
}

const lanesOf = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll('.lane[aria-label]')].map((l) => [l.getAttribute('aria-label'), l.querySelector('.lane-count').innerText])));

test('Firefox: connect, lanes fill, an event opens as JSON, a copied link restores the view', { skip }, async () => {
  const first = await openPage(browser.defaultBrowserContext());
  const { page } = first;
  await page.goto(`${sim.url}/eventline/`);
  await page.waitForFunction(() => document.querySelector('#cluster-url')?.value);
  await page.locator('#api-key').fill(key);
  await page.locator('#entities').fill('soil-sensors, gw:rooftop-gw-01');
  await page.locator('#tail').fill('100');
  await click(page, 'Connect');
  await waitText(page, '.status-bar', /\b[2-9]\d events received/);
  await page.waitForFunction(() => document.querySelectorAll('.lane[aria-label]').length >= 3);
  const lanes = await lanesOf(page);
  assert.ok(lanes['application soil-sensors'] && lanes['gateway rooftop-gw-01'], JSON.stringify(lanes));

  // An uplink opens as its JSON tree.
  await page.locator('[data-name="as.up.data.forward"] .row-main').click();
  assert.match(await waitText(page, '[data-name="as.up.data.forward"] [role=tree]', /unique_id/), /"?unique_id"?/);

  // Change the view, copy the link; a fresh context opens it and gets the same view.
  await click(page, 'Flat view', 'false');
  await click(page, 'UTC', 'true');
  await click(page, 'Copy link');
  assert.equal(await waitText(page, '.copy-status', /\S/), 'Link copied (without your API key)');
  const link = page.url();
  assert.match(link, /#cluster=.*&entities=soil-sensors,gw:rooftop-gw-01&tail=100&view=flat&time=local/);
  assert.ok(!link.includes(key.split('.')[2]), 'the link carries the key');
  const shown = await page.$eval('[data-stat=shown]', (e) => e.innerText);

  const fresh = await browser.createBrowserContext();
  const second = await openPage(fresh);
  await second.page.goto(link);
  // The link's entities and tail fill the form (the demo's config.json fills the key).
  await second.page.waitForFunction(() => document.querySelector('#tail')?.value === '100');
  await second.page.locator('#api-key').fill(key);
  await click(second.page, 'Connect');
  await second.page.waitForFunction(() => document.querySelector('.flat'));
  await second.page.waitForFunction((s) => document.querySelector('[data-stat=shown]')?.innerText === s, {}, shown);
  const pressed = (p, name) => p.$$eval('button.toggle', (bs, n) => bs.find((b) => b.textContent.trim() === n)?.getAttribute('aria-pressed'), name);
  assert.equal(await pressed(second.page, 'Flat view'), 'true');
  assert.equal(await pressed(second.page, 'UTC'), 'false');
  assert.deepEqual([...first.problems, ...second.problems], []);
  await page.close();
  await fresh.close();
});

test('Firefox: a capture file imports offline with its lanes', { skip }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'eventline-capture-'));
  const file = path.join(dir, 'incident.ndjson');
  writeFileSync(file, readFileSync(EXAMPLES));
  const context = await browser.createBrowserContext();
  const { page, problems } = await openPage(context);
  await page.goto(`${sim.url}/eventline/`);
  const input = await page.waitForSelector('.file-button input[type=file]');
  await input.uploadFile(file);
  await waitText(page, 'body', /Offline capture: incident\.ndjson/);
  assert.match(await page.$eval('.status-bar .state', (e) => e.innerText), /offline capture/);
  // Every event of the file is shown, in one lane per entity it names.
  const events = readFileSync(EXAMPLES, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l))
    .filter((e) => e.name !== 'events.stream.start');
  await waitText(page, '[data-stat=shown]', new RegExp(`^${events.length} shown$`));
  const label = (ids) => {
    if (ids.device_ids) return `device ${ids.device_ids.application_ids.application_id}/${ids.device_ids.device_id}`;
    const [kind, inner] = Object.entries(ids)[0];
    const word = kind.replace('_ids', '');
    return `${word} ${inner[`${word}_id`]}`;
  };
  const expected = {};
  for (const ids of events.flatMap((e) => e.identifiers)) expected[label(ids)] = (expected[label(ids)] ?? 0) + 1;
  const lanes = await lanesOf(page);
  assert.deepEqual(Object.fromEntries(Object.entries(lanes).map(([k, v]) => [k, Number(v.replace(/\D/g, ''))])), expected);
  assert.deepEqual(problems, []);
  await context.close();
  rmSync(dir, { recursive: true, force: true });
});
