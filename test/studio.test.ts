import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatPlaybook } from '../src/format/index.js';
import { startStudio, type Studio } from '../src/studio/server.js';

/**
 * `playbook studio` (src/studio/) in headless Chromium: typing with a typo shows the squiggle and
 * its message (at the right characters after Chinese text and an emoji), completion inserts a
 * ladder's name, hovering a keyword shows its docs, saving writes the formatted text and refuses
 * when the file changed on disk. No console errors, no request leaves the studio. The page script
 * is the built one (`npm run build` first).
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const BUNDLE = join(root, 'dist/studio-assets/studio.js');
const ready = existsSync(CHROMIUM) && existsSync(BUNDLE);
if (!ready) console.warn(`studio.test.ts: needs ${CHROMIUM} and ${BUNDLE} (npm run build); the browser tests are skipped`);

const FILE_TEXT = `playbook "读书会" { timezone "Asia/Shanghai" }
ladder 警告梯 { expire 30d; 1: say to member "第一次警告 😀"; 2: remove member reason "广告" }
`;

const TESTS = `test "a post earns a warning" {
  alice joins
  +1m alice posts "你好"
  expect member.warn alice ladder 警告梯 count 1
}

test "fails on purpose" {
  alice joins
  expect member.remove alice
}
`;

const EVENTS = [
  { id: 'e1', type: 'member.joined', at: '2026-03-02T10:00:00+08:00', community: 'club', member: 'alice', name: '爱丽丝' },
  { id: 'e2', type: 'message.posted', at: '2026-03-02T10:05:00+08:00', community: 'club', member: 'alice', messageId: 'm1', text: '你好' },
]
  .map((e) => JSON.stringify(e))
  .join('\n')
  .concat('\nnot json\n');

/** The page's editor, as the tests reach it (the project compiles without the DOM library). */
interface StudioGlobal {
  studio: {
    view: {
      state: { doc: { toString(): string; length: number } };
      coordsAtPos(pos: number): { left: number; top: number; bottom: number } | null;
      dispatch(tr: unknown): void;
      focus(): void;
    };
  };
  document: { querySelectorAll(s: string): Iterable<{ textContent: string | null }>; querySelector(s: string): { textContent: string | null } | null };
}

describe.skipIf(!ready)('playbook studio in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let studio: Studio;
  let dir: string;
  let file: string;
  const problems: string[] = [];
  const text = () => page.evaluate(() => (globalThis as unknown as StudioGlobal).studio.view.state.doc.toString());
  const squiggles = () =>
    page.evaluate(() => [...(globalThis as unknown as StudioGlobal).document.querySelectorAll('.cm-lintRange-error')].map((e) => e.textContent));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'playbook-studio-'));
    file = join(dir, 'club.playbook');
    writeFileSync(file, FILE_TEXT);
    writeFileSync(join(dir, 'club.test.playbook'), TESTS);
    writeFileSync(join(dir, 'events.jsonl'), EVENTS);
    studio = await startStudio({ file, bundle: BUNDLE });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM });
    page = await browser.newPage({ viewport: { width: 1200, height: 720 } });
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const origin = new URL(studio.url).origin;
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(origin + '/')) return route.continue();
      problems.push(`request outside the studio: ${url}`);
      return route.abort();
    });
    await page.goto(studio.url);
    await page.waitForSelector('.cm-content');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await studio?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses requests without the token', async () => {
    const res = await fetch(studio.url.replace(/token=\w+/, 'token=wrong'));
    expect(res.status).toBe(403);
    const save = await fetch(new URL('/api/save', studio.url), { method: 'POST', body: '{}' });
    expect(save.status).toBe(403);
  });

  it('squiggles a typo as you type, at the right characters after Chinese text and an emoji, and lists its message', async () => {
    expect(await text()).toBe(FILE_TEXT);
    await page.click('.cm-content');
    await page.keyboard.press('Control+End');
    await page.keyboard.type('rule 规则二 { on message.postd do say "你好😀"; warn member "x" on ladder 警告 ');
    await page.keyboard.press('Escape');
    await page.waitForFunction(() => [...(globalThis as unknown as StudioGlobal).document.querySelectorAll('.cm-lintRange-error')].length >= 2);
    expect(await text()).toBe(FILE_TEXT + 'rule 规则二 { on message.postd do say "你好😀"; warn member "x" on ladder 警告 }');
    expect(await squiggles()).toEqual(['message.postd', '警告']);
    const listed = await page.textContent('#problems');
    expect(listed).toContain('3:15 E0201 unknown event `message.postd`');
    expect(listed).toContain('hint: did you mean `message.posted`?');
    if (process.env['STUDIO_SCREENSHOTS']) await page.screenshot({ path: join(process.env['STUDIO_SCREENSHOTS'], 'studio.png') });
  });

  it('completes a ladder name, and squiggles a misspelt one exactly', async () => {
    // Fix the event, then ask for completion after `on ladder `.
    const at = (await text()).indexOf('message.postd') + 'message.post'.length;
    await page.evaluate((pos) => (globalThis as unknown as StudioGlobal).studio.view.dispatch({ changes: { from: pos, insert: 'e' } }), at);
    await page.waitForFunction(() => !(globalThis as unknown as StudioGlobal).document.querySelector('#problems')!.textContent!.includes('E0201'));
    expect(await squiggles()).toEqual(['警告']);
    expect(await page.textContent('#problems')).toContain('unknown ladder `警告`');
    const end = (await text()).lastIndexOf('警告 }') + 2;
    await page.evaluate(
      (pos) => (globalThis as unknown as StudioGlobal).studio.view.dispatch({ changes: { from: pos - 2, to: pos }, selection: { anchor: pos - 2 } }),
      end,
    );
    await page.keyboard.press('Control+Space');
    await page.waitForSelector('.cm-tooltip-autocomplete');
    expect(await page.textContent('.cm-tooltip-autocomplete')).toContain('警告梯');
    // CodeMirror ignores Enter for 75 ms after the list opens (its interactionDelay), against accidents.
    await page.waitForTimeout(200);
    await page.keyboard.press('Enter');
    expect(await text()).toContain('on ladder 警告梯 }');
    await page.waitForFunction(() => (globalThis as unknown as StudioGlobal).document.querySelector('#count')!.textContent === 'no problems');
    expect(await squiggles()).toEqual([]);
  });

  it('draws the graph of the playbook beside the editor once it has no errors', async () => {
    await page.evaluate(() => (globalThis as unknown as { studio: { graphDrawn(): Promise<void> } }).studio.graphDrawn());
    await page.waitForSelector('#graph svg');
    expect(await page.textContent('#graph h2')).toBe('rules and ladders');
    expect(await page.textContent('#graph svg')).toContain('规则二');
  });

  it('runs the tests beside the file on the editor’s text, saved or not', async () => {
    await page.click('#run-tests');
    await page.waitForFunction(() => /passed/.test((globalThis as unknown as StudioGlobal).document.querySelector('#tests-summary')!.textContent!));
    // The rule that warns exists only in the editor: the file on disk has none.
    expect(readFileSync(file, 'utf8')).toBe(FILE_TEXT);
    expect(await page.textContent('#tests-summary')).toBe('1 passed, 1 failed (club.test.playbook)');
    const items = await page.evaluate(() =>
      [...(globalThis as unknown as StudioGlobal).document.querySelectorAll('#test-results > li')].map((li) => li.textContent),
    );
    expect(items[0]).toBe('PASS a post earns a warning');
    expect(items[1]).toMatch(/^FAIL fails on purpose/);
    expect(items[1]).toContain('member.remove');
  });

  it('simulates the editor’s playbook on a chosen JSON Lines file in a worker and shows the HTML report', async () => {
    await page.setInputFiles('#events', join(dir, 'events.jsonl'));
    await page.waitForFunction(() => /actions$/.test((globalThis as unknown as StudioGlobal).document.querySelector('#sim-status')!.textContent!));
    expect(await page.textContent('#sim-status')).toBe('events.jsonl: 3 events, 2 processed, 1 skipped, 3 actions');
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { querySelector(s: string): { value: number } } }).document.querySelector('#sim-progress').value,
      ),
    ).toBe(1);
    const report = page.frameLocator('#report');
    await report.locator('body').waitFor();
    const html = await report.locator('body').innerText();
    expect(html).toContain('member.warn');
    expect(html).toContain('message.send');
    expect(html).toContain('爱丽丝');
    expect(html).toContain('第一次警告');
    if (process.env['STUDIO_SCREENSHOTS']) await page.screenshot({ path: join(process.env['STUDIO_SCREENSHOTS'], 'studio-simulate.png') });
  });

  it('shows the docs of a keyword on hover', async () => {
    const pos = (await text()).indexOf('ladder') + 2;
    const box = await page.evaluate((p) => (globalThis as unknown as StudioGlobal).studio.view.coordsAtPos(p), pos);
    await page.mouse.move(box!.left + 1, (box!.top + box!.bottom) / 2);
    await page.waitForSelector('.studio-hover');
    expect(await page.textContent('.studio-hover strong')).toBe('ladder');
    expect(await page.textContent('.studio-hover')).toMatch(/^ladder: docs\/language.md, "Ladders"A ladder escalates/);
    if (process.env['STUDIO_SCREENSHOTS']) await page.screenshot({ path: join(process.env['STUDIO_SCREENSHOTS'], 'studio-graph.png') });
  });

  it('saves the formatted text, and refuses to overwrite a file changed on disk', async () => {
    const written = await text();
    await page.click('#save');
    await page.waitForFunction(() => (globalThis as unknown as StudioGlobal).document.querySelector('#status')!.textContent!.startsWith('saved'));
    const formatted = formatPlaybook(written);
    expect(formatted.ok).toBe(true);
    const expected = formatted.ok ? formatted.text : '';
    expect(readFileSync(file, 'utf8')).toBe(expected);
    expect(await text()).toBe(expected);
    expect(await page.textContent('#status')).toBe('saved club.playbook (formatted)');

    writeFileSync(file, expected + '# changed elsewhere\n');
    await page.evaluate(() => (globalThis as unknown as StudioGlobal).studio.view.dispatch({ changes: { from: 0, insert: '# mine\n' } }));
    await page.click('#save');
    await page.waitForFunction(() => (globalThis as unknown as StudioGlobal).document.querySelector('#status')!.textContent!.startsWith('not saved'));
    expect(await page.textContent('#status')).toContain('club.playbook changed on disk since it was loaded');
    expect(readFileSync(file, 'utf8')).toBe(expected + '# changed elsewhere\n');
  });

  it('logged no console error and made no request outside the studio', () => {
    // Chromium logs the refused save's status itself; the page shows it (checked above).
    const refusedSave = /^console error: Failed to load resource: the server responded with a status of 409/;
    expect(problems.filter((p) => !refusedSave.test(p))).toEqual([]);
  });
});
