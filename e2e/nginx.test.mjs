// The README's nginx recipe, run as written: Debian's nginx (started here as
// the current user, on a free local port) serves a copy of dist/ under
// /tools/eventline/ with a config.json beside it, and proxies /api/ to a
// simulator. Chromium loads the page without errors or CSP violations,
// connects to the simulator on another origin (CORS) and through the proxy
// (same origin), and a copied link opened in a fresh context restores the view.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST, startSim, launchBrowser, openPage } from './harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const README = path.join(here, '..', 'README.md');
const EXAMPLES = path.join(here, '..', 'data', 'example-events.jsonl');
const NGINX = '/usr/sbin/nginx';
const BASE = '/tools/eventline/';
// Setup installs nginx; only a local run without it may skip, never CI.
const skip = !existsSync(NGINX) && !process.env.CI
  ? `${NGINX} is not installed (apt-get install nginx, or run cargo xtask test)` : false;

/** The first ```nginx block of the README's "Hosting dist/" section, un-indented. */
function readmeRecipe() {
  const readme = readFileSync(README, 'utf8');
  const m = /\n( *)```nginx\n([\s\S]*?)\n *```\n/.exec(readme.slice(readme.indexOf('## Hosting `dist/`')));
  assert.ok(m, 'the README has no ```nginx block under "Hosting `dist/`"');
  return m[2].split('\n').map((l) => l.slice(m[1].length)).join('\n');
}

/** A port nothing listens on right now. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts nginx with the README's locations in a server block of a generated config. */
async function startNginx(prefix, locations) {
  const port = await freePort();
  const conf = path.join(prefix, 'nginx.conf');
  const root = process.getuid?.() === 0;
  const temp = (name) => `${name}_temp_path ${path.join(prefix, `${name}_temp`)};`;
  writeFileSync(conf, `${root ? 'user root;\n' : ''}worker_processes 1;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${path.join(prefix, 'access.log')};
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  server {
    listen 127.0.0.1:${port};
    server_name localhost;
${locations.split('\n').map((l) => (l ? `    ${l}` : l)).join('\n')}
  }
}
`);
  const errorLog = path.join(prefix, 'error.log');
  const child = spawn(NGINX, ['-p', prefix, '-c', conf, '-e', errorLog,
    '-g', `daemon off; pid ${path.join(prefix, 'nginx.pid')}; error_log ${errorLog} warn;`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i += 1) {
    if (child.exitCode !== null) break;
    try {
      await fetch(`${url}/`);
      return {
        url,
        conf: readFileSync(conf, 'utf8'),
        accessLog: () => readFileSync(path.join(prefix, 'access.log'), 'utf8'),
        stop: async () => { if (child.exitCode === null) { child.kill('SIGTERM'); await exited; } },
      };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  const log = existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '';
  throw new Error(`nginx did not start on port ${port}:\n${log}`);
}

// The demo key, as the simulator prints it.
async function demoKey(sim) {
  for (let i = 0; i < 100; i += 1) {
    const line = sim.output.find((l) => l.startsWith('api key [demo'));
    if (line) return line.slice(line.lastIndexOf(' ') + 1);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the simulator printed no demo key');
}

let sim; // the cluster: the example events as history, on its own origin
let nginx;
let browser;
let key;
let prefix; // nginx's prefix: its config, logs, temp dirs and the web root

before(async () => {
  if (skip) return;
  sim = await startSim(['--replay', EXAMPLES, '--speed', '0']);
  key = await demoKey(sim);
  // What an operator does: copy dist/ to the web root, write config.json beside it.
  prefix = mkdtempSync(path.join(tmpdir(), 'eventline-nginx-'));
  const site = path.join(prefix, 'srv', 'eventline', 'dist');
  mkdirSync(site, { recursive: true });
  cpSync(DIST, site, { recursive: true });
  writeFileSync(path.join(site, 'config.json'), JSON.stringify({
    cluster_url: sim.url, entities: ['soil-sensors', 'gw:rooftop-gw-01'], banner: 'Served by nginx',
  }));
  const recipe = readmeRecipe();
  for (const placeholder of ['/srv/eventline/dist/', 'https://tts.example.com', BASE]) {
    assert.ok(recipe.includes(placeholder), `the README's recipe names ${placeholder}`);
  }
  nginx = await startNginx(prefix, recipe
    .replaceAll('/srv/eventline/dist/', `${site}/`)
    .replaceAll('https://tts.example.com', sim.url));
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await nginx?.stop();
  await sim?.stop();
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

/** Opens the page through nginx, recording CSP violations and every response's type. */
async function openViewer(options) {
  const opened = await openPage(browser, options);
  const types = new Map();
  opened.page.on('response', (r) => types.set(new URL(r.url()).pathname, r.headers()['content-type']));
  await opened.page.addInitScript(() => {
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { ...opened, types };
}

async function connect(page, cluster) {
  await page.getByLabel('Cluster URL', { exact: true }).fill(cluster);
  await page.getByLabel('API key', { exact: true }).fill(key);
  await page.getByLabel('Tail', { exact: true }).fill('100');
  await page.getByRole('button', { name: 'Connect' }).click();
  await page.getByRole('button', { name: 'Disconnect' }).waitFor();
  await page.locator('.status-bar').getByText(/[1-9]\d* events received/).waitFor();
  // The history is replayed at once: wait until the count stops moving.
  const received = async () => Number(/(\d+) events received/.exec(await page.locator('.status-bar').innerText())?.[1]);
  let last = -1;
  for (let i = 0; i < 100; i += 1) {
    await new Promise((r) => setTimeout(r, 400));
    const now = await received();
    if (now === last) return now;
    last = now;
  }
  throw new Error(`the event count did not settle: ${last}`);
}

const lanesOf = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll('.lane[aria-label]')].map((l) => [l.getAttribute('aria-label'), l.querySelector('.lane-count').innerText])));

test('nginx serves dist/ under a sub-path as the README says', { skip }, async () => {
  const url = `${nginx.url}${BASE}`;
  const bare = await fetch(url.slice(0, -1), { redirect: 'manual' });
  assert.equal(bare.status, 301, 'the address without its trailing slash redirects');
  assert.equal(new URL(bare.headers.get('location'), url).href, url);
  const page = await fetch(url);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /^text\/html/);
  // The policy is the one `cargo xtask csp` wrote into index.html; nginx adds none of its own.
  const html = await page.text();
  assert.equal(html, readFileSync(path.join(DIST, 'index.html'), 'utf8'));
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
  assert.equal(page.headers.get('content-security-policy'), null);
  const wasm = /\.\/(eventline-[0-9a-f]+_bg\.wasm)/.exec(html)[1];
  assert.equal((await fetch(`${url}${wasm}`)).headers.get('content-type'), 'application/wasm');
  assert.equal((await fetch(`${url}config.json`)).headers.get('content-type'), 'application/json');
});

test('through nginx: no errors, no CSP violations, config.json applies, a cluster on another origin streams', { skip }, async () => {
  const { context, page, problems, types } = await openViewer();
  await page.goto(`${nginx.url}${BASE}`);
  await page.getByRole('note').getByText('Served by nginx', { exact: true }).waitFor();
  assert.equal(await page.getByLabel('Cluster URL', { exact: true }).inputValue(), sim.url);
  assert.equal(await page.getByLabel('Entities', { exact: true }).inputValue(), 'soil-sensors\ngw:rooftop-gw-01');
  const wasm = [...types.keys()].find((p) => p.endsWith('.wasm'));
  assert.equal(types.get(wasm), 'application/wasm');
  const received = await connect(page, sim.url);
  assert.ok(received > 20, `${received} events`);
  const lanes = await lanesOf(page);
  assert.ok(Object.keys(lanes).length >= 3, JSON.stringify(lanes));
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  assert.equal(await page.locator('.config-warning').count(), 0);
  assert.deepEqual(problems, []);
  // Everything the page loaded came through nginx.
  assert.match(nginx.accessLog(), new RegExp(`GET ${BASE}${wasm.split('/').pop()} HTTP/1.1" 200`));
  await context.close();
});

test('a copied link opened in a fresh context through nginx restores the view', { skip }, async () => {
  const permissions = ['clipboard-read', 'clipboard-write'];
  const first = await openViewer({ permissions });
  await first.page.goto(`${nginx.url}${BASE}`);
  await first.page.getByRole('note').getByText('Served by nginx', { exact: true }).waitFor();
  await connect(first.page, sim.url);
  await first.page.getByRole('button', { name: 'Flat view' }).click();
  await first.page.getByRole('button', { name: 'UTC' }).click();
  await first.page.getByRole('searchbox', { name: 'Filter events' }).fill('kind:gateway');
  await first.page.waitForFunction(() => location.hash.includes('filter=kind:gateway'));
  await first.page.getByRole('button', { name: 'Copy link' }).click();
  await first.page.getByRole('status').filter({ hasText: 'Link copied (without your API key)' }).waitFor();
  const link = await first.page.evaluate(() => navigator.clipboard.readText());
  assert.ok(link.startsWith(`${nginx.url}${BASE}#`), link);
  assert.ok(!link.includes(key.split('.')[2]), 'the link carries the key');
  const shown = await first.page.locator('[data-stat=shown]').innerText();

  const second = await openViewer();
  await second.page.goto(link);
  await second.page.getByText('Opened from a shared link').waitFor();
  // The link names the deployment's own cluster: no warning, only the user's key is asked for.
  assert.equal(await second.page.getByRole('alert', { name: 'Check the cluster' }).count(), 0);
  assert.equal(await second.page.getByLabel('API key', { exact: true }).inputValue(), '');
  await connect(second.page, sim.url);
  await second.page.getByRole('button', { name: 'Flat view', pressed: true }).waitFor();
  assert.equal(await second.page.getByRole('button', { name: 'UTC', pressed: false }).count(), 1);
  await second.page.locator('section.timeline[data-filter-applied="kind:gateway"]').waitFor();
  assert.equal(await second.page.locator('[data-stat=shown]').innerText(), shown);
  for (const { page } of [first, second]) assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  assert.deepEqual([...first.problems, ...second.problems], []);
  await first.context.close();
  await second.context.close();
});

test('the recipe\'s /api/ proxy streams the cluster on the page\'s own origin', { skip }, async () => {
  const direct = await openViewer();
  await direct.page.goto(`${nginx.url}${BASE}`);
  await direct.page.getByRole('note').getByText('Served by nginx', { exact: true }).waitFor();
  const expected = await connect(direct.page, sim.url);
  const { context, page, problems } = await openViewer();
  const streams = [];
  page.on('request', (r) => { if (r.url().includes('/api/v3/events')) streams.push(r.url()); });
  await page.goto(`${nginx.url}${BASE}`);
  await page.getByRole('note').getByText('Served by nginx', { exact: true }).waitFor();
  assert.equal(await connect(page, nginx.url), expected);
  assert.deepEqual(await lanesOf(page), await lanesOf(direct.page));
  assert.ok(streams.length > 0 && streams.every((u) => u.startsWith(`${nginx.url}/api/`)), streams.join('\n'));
  assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  assert.deepEqual([...direct.problems, ...problems], []);
  await direct.context.close();
  await context.close();
});

test('through nginx: a share key made on the page opens in a fresh context and streams after one click', { skip }, async () => {
  const first = await openViewer({ permissions: ['clipboard-read', 'clipboard-write'] });
  await first.page.goto(`${nginx.url}${BASE}`);
  await connect(first.page, sim.url);
  await first.page.getByRole('button', { name: 'Share with a key' }).click();
  const dialog = first.page.getByRole('dialog', { name: 'Share with a key' });
  await dialog.getByRole('radio', { name: 'application soil-sensors' }).check();
  await dialog.getByRole('button', { name: 'Create share key' }).click();
  const link = await dialog.getByLabel('Share link').inputValue();
  assert.ok(link.startsWith(`${nginx.url}${BASE}#`), link);
  assert.ok(!link.includes(key.split('.')[2]), 'the link carries the user\'s own key');

  const second = await openViewer();
  await second.page.goto(link);
  const note = second.page.getByRole('region', { name: 'Shared link' });
  // This cluster replays its history once and then is quiet: ask for the history.
  await second.page.getByLabel('Tail', { exact: true }).fill('100');
  await note.getByRole('button', { name: 'Watch with the shared key' }).click();
  await second.page.getByRole('region', { name: /^(application soil-sensors|device soil-sensors\/)/ })
    .getByRole('listitem').first().waitFor();
  assert.ok(!second.page.url().includes('share_key'), second.page.url());
  for (const { page } of [first, second]) assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
  assert.deepEqual([...first.problems, ...second.problems], []);
  await first.context.close();
  await second.context.close();
});
