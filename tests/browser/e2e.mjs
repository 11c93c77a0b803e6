// Drives europass serve's page in Debian's headless chromium, as a person
// would: choose the demo round's folder, convert with the keyboard, read the
// counts and a problem, filter and sort the problems, download the zip; then
// drop a workbook whose learners are named like HTML and check that the page
// shows those names as text. Run by tests/serve.rs (and, with
// EUROPASS_SCREENSHOT, by scripts/screenshot-serve); exits non-zero with a
// message on the first thing that is not as it should be.
//
// Environment: EUROPASS_URL (the server), EUROPASS_TOOLS (the folder whose
// node_modules holds playwright-core), EUROPASS_DEMO_DIR (fixtures/demo),
// EUROPASS_HOSTILE (a workbook with hostile names), EUROPASS_DOWNLOAD (where
// to save the zip), EUROPASS_SCREENSHOT (optional: save the result page
// there and stop), EUROPASS_CHROMIUM (default /usr/bin/chromium).

import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const require = createRequire(join(resolve(env('EUROPASS_TOOLS')), 'package.json'));
const { chromium } = require('playwright-core');

const HOSTILE = '<img src=x onerror=alert(1)>';
const TIMEOUT = 120_000;

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function launch() {
  const profile = mkdtempSync(join(tmpdir(), 'europass-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.EUROPASS_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 900 },
    locale: 'en-GB',
    args: [
      '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic',
    ],
  });
  return { context, profile };
}

/** Fails on every script error, console error (CSP reports among them) and dialog. */
function watch(page, problems) {
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('dialog', async (d) => {
    problems.push(`a dialog opened: ${d.message()}`);
    await d.dismiss();
  });
}

async function text(page, selector) {
  return (await page.locator(selector).textContent()).trim();
}

async function convertDemo(page) {
  await page.goto(env('EUROPASS_URL') + '/?lang=en');
  await page.waitForSelector('body[data-ready="true"]');
  await page.setInputFiles('#pick-folder', env('EUROPASS_DEMO_DIR'));
  const chosen = await text(page, '#chosen-list');
  check(chosen.includes(basename(env('EUROPASS_DEMO_DIR')) + '/round.xlsx'), `the folder's path is lost: ${chosen}`);
  // By keyboard: the button is focused and Enter pressed.
  await page.focus('#run');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#result:not([hidden])', { timeout: TIMEOUT });
}

async function readResult(page) {
  const count = async (name) => text(page, `[data-count="${name}"] dd:not(.detail)`);
  const counts = {
    files: await count('files'),
    rows: await count('rows'),
    learners: await count('learners'),
    units: await count('units'),
    results: await count('results'),
    errors: await count('errors'),
    warnings: await count('warnings'),
  };
  const rows = await page.locator('#problems tbody tr').count();
  return { counts, rows };
}

async function filterAndSort(page, counts) {
  // The demo converts with no warning: its notes (the mapping chosen, the
  // column kept as it is, the school profile) are what is filtered.
  const rows = page.locator('#problems tbody tr');
  const notes = (await rows.count()) - Number(counts.errors) - Number(counts.warnings);
  check(notes > 0, 'the demo round has a note to filter');
  await page.selectOption('#filter-severity', 'info');
  check(await rows.count() === notes, `${await rows.count()} rows shown for ${notes} notes`);
  check(await page.locator('#problems tbody tr.severity-info').count() === notes, 'a row of another severity is shown');
  const code = (await rows.first().locator('td').nth(1).textContent()).trim();
  await page.selectOption('#filter-severity', '');
  await page.selectOption('#filter-code', code);
  const codes = await page.locator('#problems tbody tr td:nth-child(2)').allTextContents();
  check(codes.length > 0 && codes.every((c) => c.trim() === code), `the code filter shows ${codes}`);
  await page.selectOption('#filter-code', '');
  await page.click('#problems th button[data-sort="code"]');
  const sorted = await page.locator('#problems tbody tr td:nth-child(2)').allTextContents();
  check(sorted.join() === [...sorted].sort().join(), `not sorted by code: ${sorted}`);
  check(await page.getAttribute('#problems th:nth-child(2)', 'aria-sort') === 'ascending', 'aria-sort not set');
  return code;
}

async function download(page) {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click('#download-zip')]);
  check((await file.failure()) === null, 'the download failed');
  await file.saveAs(env('EUROPASS_DOWNLOAD'));
}

async function hostileNames(page) {
  await page.click('#new-job');
  for (const format of ['xml', 'jsonld', 'docx', 'pdf', 'xlsx']) {
    await page.uncheck(`input[name="to"][value="${format}"]`);
  }
  const bytes = readFileSync(env('EUROPASS_HOSTILE')).toString('base64');
  // A drop, as from the file manager.
  await page.evaluate(async (data) => {
    const binary = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([binary], 'hostile.xlsx'));
    const zone = document.getElementById('drop');
    zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForFunction(() => document.getElementById('chosen-list').textContent.includes('hostile.xlsx'));
  await page.click('#run');
  await page.waitForSelector('#result:not([hidden])', { timeout: TIMEOUT });
  const names = await page.locator('#learners tbody th').allTextContents();
  check(names.some((n) => n.includes(HOSTILE)), `the hostile name is not shown as text: ${names}`);
  const messages = await page.locator('#problems tbody td:nth-child(4)').allTextContents();
  check(messages.some((m) => m.includes('<script>')), 'a problem quoting <script> is not shown as text');
  const injected = await page.evaluate(() => document.querySelectorAll('main img, main script').length);
  check(injected === 0, `${injected} element(s) made from the data`);
  await new Promise((resolve) => setTimeout(resolve, 300));
}

async function deleteJob(page) {
  const id = /job=([0-9a-f]{32})/.exec(page.url())[1];
  await page.click('#delete-job');
  await page.waitForSelector('#upload:not([hidden])');
  const answer = await page.context().request.get(`${env('EUROPASS_URL')}/api/jobs/${id}`);
  const status = answer.status();
  check(status === 404, `the deleted job still answers ${status}`);
}

async function main() {
  const { context, profile } = await launch();
  const problems = [];
  try {
    const page = await context.newPage();
    watch(page, problems);
    await convertDemo(page);
    const { counts, rows } = await readResult(page);
    console.log(JSON.stringify({ counts, rows }));
    check(counts.learners === '14' && counts.files === '1', `counts: ${JSON.stringify(counts)}`);
    check(rows > 0, 'no problem row');
    if (process.env.EUROPASS_SCREENSHOT) {
      await page.setViewportSize({ width: 1280, height: 1060 });
      await page.screenshot({ path: process.env.EUROPASS_SCREENSHOT, fullPage: false });
      return;
    }
    await filterAndSort(page, counts);
    await download(page);
    await hostileNames(page);
    await deleteJob(page);
    check(problems.length === 0, problems.join('\n'));
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

main().then(
  () => console.log('browser test passed'),
  (e) => {
    console.error(`browser test failed: ${e.message}`);
    process.exit(1);
  },
);
