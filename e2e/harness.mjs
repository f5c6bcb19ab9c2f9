// Shared helpers for the end-to-end tests: start eventline-sim (a real HTTP
// server) and Debian's Chromium (through playwright-core), collect every page
// error so tests can assert there were none.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DIST = process.env.EVENTLINE_DIST ?? path.join(here, '..', 'dist');
export const SIM_BIN = process.env.EVENTLINE_SIM_BIN
  ?? path.join(process.env.HOME ?? '/root', '.cache/eventline/target/debug/eventline-sim');
export const ARTIFACTS = path.join(here, 'artifacts');

/** The example stream (data/example-events.jsonl) and a key with every right on it. */
export const EXAMPLES = path.join(here, '..', 'data', 'example-events.jsonl');
export const ALL_KEY = `NNSXS.EVENTLINEALLKEY${'A'.repeat(24)}.${'B'.repeat(52)}`;
/** Entities of the example stream, in the form's quick-paste syntax. */
export const EXAMPLE_ENTITIES = [
  'soil-sensors', 'cold-chain', 'soil-sensors/soil-node-01', 'soil-sensors/soil-node-02',
  'cold-chain/fridge-07', 'gw:rooftop-gw-01', 'gw:warehouse-ttig', 'gw:parking-gw-north',
];

/**
 * A simulator that replays the example stream at once as history, serves dist/ under
 * /eventline/ and knows only ALL_KEY (all rights on every entity).
 */
export function startReplay() {
  const keys = path.join(mkdtempSync(path.join(tmpdir(), 'eventline-replay-')), 'keys.json');
  writeFileSync(keys, JSON.stringify({ keys: [{ key: ALL_KEY, rights: { '*': ['RIGHT_ALL'] } }] }));
  return startSim(['--serve', DIST, '--base', '/eventline/', '--replay', EXAMPLES, '--speed', '0', '--keys', keys]);
}

/** Starts the simulator on a free port; resolves once it prints its ready line. */
export function startSim(args = []) {
  const child = spawn(SIM_BIN, ['--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const output = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('eventline-sim did not start in 20 s')), 20_000);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`eventline-sim exited early (${code})`)));
    lines.on('line', (line) => {
      output.push(line);
      const m = /^eventline-sim listening on (\S+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve({
          url: m[1],
          output,
          stop: () => new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', done);
            child.kill('SIGTERM');
          }),
        });
      }
    });
  });
}

/** Launches headless Chromium with the flags this closed network needs. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--disable-default-apps', '--disable-extensions',
    ],
  });
}

/**
 * Records a page's uncaught errors, console errors and failed requests (Playwright and
 * Puppeteer pages alike). `aborted` matches the failure text of a stream closed on purpose.
 */
export function recordProblems(page, aborted = /^net::ERR_ABORTED$/) {
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    // A missing config.json is normal (the built-in defaults apply); the browser still logs its 404.
    if (m.type() === 'error' && !m.location()?.url?.endsWith('/config.json')) problems.push(`console error: ${m.text()}`);
  });
  page.on('requestfailed', (r) => {
    // Disconnect (or closing the page) aborts the stream on purpose; anything else is a problem.
    if (!aborted.test(r.failure()?.errorText ?? '')) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
  });
  return problems;
}

/** Opens a page that records uncaught errors, console errors and failed requests. */
export async function openPage(browser, options = {}) {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  return { context, page, problems: recordProblems(page) };
}

/** Saves a screenshot in artifacts/: the whole page, or (`fullPage: false`) the viewport —
 * a virtualized timeline of thousands of rows is taller than Chromium can capture at once. */
export async function screenshot(page, name, { fullPage = true } = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage });
}

/** A count as the viewer prints it ("12,345 shown"): the first number, or the group `re`
 * captures (`/([\d,]+) reconnects?/`), thousands separators removed; 0 when absent. */
export function count(text, re = /([\d,]+)/) {
  return Number((re.exec(text)?.[1] ?? '0').replace(/,/g, ''));
}
