import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, type IR, type OutputAction } from '../src/index.js';
import { describeTimer, escapeHtml, jsonForScript, ReportCollector, simulateToReport, type ReportData } from '../src/report/index.js';
import { generateStream } from './fixtures/report/stream.js';

/**
 * The HTML report of `simulate`: the collector's aggregates on the scenario runs, its bounds on
 * long runs, escaping of hostile input, and the real page in Chromium (charts drawn, no errors,
 * no network, filters working).
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

function compileFile(rel: string): IR {
  const { ir, diagnostics } = compile(readFileSync(join(root, rel), 'utf8'), { file: rel });
  if (!ir) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return ir;
}

function scenario(name: string) {
  const run = JSON.parse(readFileSync(join(root, 'test/scenarios', name, 'run.json'), 'utf8')) as { playbook: string; until: string };
  const events = readFileSync(join(root, 'test/scenarios', name, 'events.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const ir = compileFile(run.playbook);
  return { ir, ...simulateToReport(ir, events, { file: run.playbook, until: run.until }) };
}

const BIG_PLAYBOOK = 'test/fixtures/report/big.playbook';

const noAdsIr = compileFile('examples/no-ads.playbook');

/** A small IR for collector-only tests that feed synthetic events and actions. */
function bareIr(timezone = 'Asia/Shanghai'): IR {
  return { ...noAdsIr, timezone };
}

function action(at: string, type: string, fields: Record<string, unknown> = {}): OutputAction {
  return { at, type, community: 'c', cause: 'timer:x', source: 'test', ...fields };
}

describe('collector aggregates on the scenario runs', () => {
  it('no-ads: who was warned and removed, and the events that caused it', () => {
    const { data, summary } = scenario('no-ads');
    expect(summary).toMatchObject({ read: 10, processed: 10, actions: 12 });
    expect(data.counts).toMatchObject({ read: 10, processed: 10, duplicates: 0, late: 0, bad: 0, actions: 12 });
    expect(data.moderation).toMatchObject({ warned: 2, muted: 0, removed: 1, deletedMessages: 4, more: 0 });
    const [ann, ben] = data.moderation.rows;
    expect(ann).toMatchObject({ member: 'u1', name: 'Ann', warnings: 2, ladders: { ads: 2 }, removed: true, removeReason: '二次发广告', deletedMessages: 2 });
    expect(ben).toMatchObject({ member: 'u2', name: 'Ben', warnings: 2, removed: false });
    const removal = ann!.entries.find((e) => e.kind === 'remove')!;
    expect(removal.cause).toEqual({ kind: 'event', id: 'e8', type: 'message.posted', at: '2026-04-01 10:00', text: '看这里 https://spam.example/buy' });
    expect(removal.source).toBe('ladder:ads');
    expect(data.members).toEqual({ total: 3, present: 2, left: 0, removed: 1 });
    expect(data.actionsByType).toEqual([
      { type: 'member.warn', count: 4 },
      { type: 'message.delete', count: 4 },
      { type: 'message.send', count: 3 },
      { type: 'member.remove', count: 1 },
    ]);
    expect(data.period).toEqual({ firstEvent: '2026-04-01 09:00', lastEvent: '2026-05-05 09:05', until: '2026-05-06 00:00' });
  });

  it('entry-ritual: ritual outcomes come from the final state, the deadline is named as the cause', () => {
    const { data } = scenario('entry-ritual');
    expect(data.rituals).toEqual([
      {
        name: 'onboarding',
        outcome: { started: 4, completed: 2, expired: 1, cancelled: 1, inProgress: 0 },
        steps: [
          { name: 'redpacket', label: '红包', doneInProgress: 0 },
          { name: 'intro', label: '自我介绍', doneInProgress: 0 },
        ],
      },
    ]);
    const bob = data.moderation.rows.find((r) => r.member === 'u2')!;
    expect(bob.entries[0]!.cause).toMatchObject({ kind: 'timer', label: 'ritual onboarding deadline (1d) for u2' });
    expect(data.points.leaderboard.map((r) => [r.name, r.points])).toEqual([
      ['Alice', 10],
      ['Dan', 10],
    ]);
  });

  it('member-lifecycle: funnel at the end and every transition counted', () => {
    const { data } = scenario('member-lifecycle');
    const [lc] = data.lifecycles;
    expect(lc!.states).toEqual([
      { state: 'newcomer', members: 0 },
      { state: 'active', members: 1 },
      { state: 'dormant', members: 1 },
      { state: 'paying', members: 0 },
      { state: 'advocate', members: 1 },
    ]);
    expect(lc!.flows.map((f) => [f.from, f.to, f.count])).toEqual([
      ['newcomer', 'active', 3],
      ['active', 'dormant', 2],
      ['dormant', 'active', 1],
      ['active', 'paying', 1],
      ['paying', 'advocate', 1],
    ]);
    const flowTotal = lc!.flows.reduce((n, f) => n + f.count, 0);
    expect(flowTotal).toBe(data.actionsByType.find((a) => a.type === 'lifecycle.changed')!.count);
  });

  it('fission-campaign: stages entered and exited, goal reached, stage at the end', () => {
    const { data } = scenario('fission-campaign');
    const [camp] = data.campaigns;
    expect(camp!.stages.map((s) => [s.name, s.entered.map((e) => e.at), s.exited.map((e) => e.at)])).toEqual([
      ['warmup', ['2026-10-20 00:00'], ['2026-11-01 00:00']],
      ['sale', ['2026-11-01 00:00'], ['2026-11-12 00:00']],
      ['after', ['2026-11-12 00:00'], []],
    ]);
    expect(camp!.goals).toEqual([{ name: 'orders', reached: [{ at: '2026-11-06 10:00', community: 'shop-fans' }] }]);
    expect(camp!.current).toEqual([{ community: 'shop-fans', stage: 'after' }]);
    expect(data.points.leaderboard[0]).toMatchObject({ rank: 1, member: 'u1', points: 330 });
  });

  it('reads a compact final state in which member fields are absent', () => {
    const ir = compileFile('examples/member-lifecycle.playbook');
    const c = new ReportCollector(ir);
    c.observeEvent({ id: 'e1', type: 'member.joined', at: '2026-08-01T10:00:00+08:00', community: 'k', member: 'u1', name: '小明' }, [], 'processed');
    const data = c.aggregate({ communities: [{ id: 'k', members: { u1: { id: 'u1' }, u2: { present: false } } }] });
    expect(data.members).toEqual({ total: 2, present: 1, left: 1, removed: 0 });
    expect(data.lifecycles[0]!.states.find((s) => s.state === 'newcomer')!.members).toBe(1);
    expect(data.points.leaderboard).toEqual([]);
  });

  it('keeps communities apart: the same member id in two communities is two members', () => {
    const ir = compileFile('examples/no-ads.playbook');
    const events = ['north', 'south'].flatMap((community, k) => [
      { id: `j${k}`, type: 'member.joined', at: '2026-04-01T09:00:00+08:00', community, member: 'u1', name: `Ann-${community}` },
      { id: `a${k}`, type: 'message.posted', at: '2026-04-01T09:05:00+08:00', community, member: 'u1', messageId: 'm1', text: '加微信' },
    ]);
    const { data, html } = simulateToReport(ir, events);
    expect(data.communities).toEqual(['north', 'south']);
    expect(data.members).toMatchObject({ total: 2, present: 2 });
    expect(data.moderation.rows.map((r) => [r.community, r.name, r.warnings])).toEqual([
      ['north', 'Ann-north', 1],
      ['south', 'Ann-south', 1],
    ]);
    expect(html).toContain('<span class="id">south/u1</span>');
  });

  it('a summary from simulate overrides the collector counts (lines that never parsed)', () => {
    const c = new ReportCollector(bareIr());
    c.observeEvent({ id: 'e1', type: 'member.joined', at: '2026-04-01T09:00:00+08:00', community: 'c', member: 'u1' }, [], 'processed');
    expect(c.aggregate().counts).toMatchObject({ read: 1, processed: 1, bad: 0 });
    expect(c.aggregate(undefined, { read: 3, bad: 2 }).counts).toMatchObject({ read: 3, processed: 1, bad: 2 });
    c.noteInputProblem(2, 'skipped: not valid JSON');
    expect(c.aggregate().problems).toEqual([{ line: 2, text: 'skipped: not valid JSON' }]);
  });

  it('names timers by the construct that set them', () => {
    const ir = compileFile(BIG_PLAYBOOK);
    expect(describeTimer('timer:u7|ritual:onboarding|xstate.after.43200000.ritual_onboarding.active', ir)).toBe('ritual onboarding reminder (12h) for u7');
    expect(describeTimer('timer:a|b|ritual:onboarding|xstate.after.86400000.x', ir)).toBe('ritual onboarding deadline (1d) for a|b');
    expect(describeTimer('timer:u1|lifecycle:member|xstate.after.259200000.lifecycle_member.active', ir)).toBe(
      'lifecycle member: after 3d without message.posted, for u1',
    );
    expect(describeTimer('timer:campaign:spring', ir)).toBe('campaign spring calendar');
    expect(describeTimer('timer:something-else', ir)).toBe('something-else');
  });

  it('buckets by local hour for short runs, by day, then by month for long ones', () => {
    const spans: [string, string, ReportData['activity']['granularity'], number][] = [
      ['2026-03-01T23:30:00+08:00', '2026-03-02T01:10:00+08:00', 'hour', 3],
      ['2026-03-01T23:30:00+08:00', '2026-03-10T01:10:00+08:00', 'day', 10],
      ['2025-01-15T12:00:00+08:00', '2026-03-02T12:00:00+08:00', 'month', 15],
    ];
    for (const [first, last, granularity, buckets] of spans) {
      const c = new ReportCollector(bareIr());
      for (const at of [first, last])
        c.observeEvent({ id: at, type: 'message.posted', at, community: 'c', member: 'u', messageId: 'm', text: 't' }, [], 'processed');
      const a = c.aggregate().activity;
      expect(a.granularity).toBe(granularity);
      expect(a.labels.length).toBe(buckets);
      expect(a.events[0]!.data[0]).toBe(1);
      expect(a.events[0]!.data.at(-1)).toBe(1);
    }
  });

  it('local days follow the playbook zone, not UTC', () => {
    const c = new ReportCollector(bareIr('America/New_York'));
    // 03:30 UTC on March 2nd is still March 1st in New York.
    c.observeEvent({ id: 'e', type: 'message.posted', at: '2026-03-02T03:30:00Z', community: 'c', member: 'u', messageId: 'm', text: 't' }, [], 'processed');
    const data = c.aggregate();
    expect(data.period.firstEvent).toBe('2026-03-01 22:30');
    expect(data.activity.eventsByHour[0]!.data[22]).toBe(1);
  });
});

describe('collector bounds and totals (properties)', () => {
  const instants = fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-31T00:00:00Z') });
  const types = fc.constantFrom(
    'message.send',
    'member.warn',
    'points.award',
    'member.tag',
    'level.reached',
    'badge.granted',
    'admin.notify',
    'x.a',
    'x.b',
    'x.c',
    'x.d',
    'x.e',
  );

  it('charts and tables add up to the actions seen; the timeline keeps exactly the first and last N', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(instants, types), { maxLength: 120 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        (list, head, tail) => {
          const sorted = [...list].sort((a, b) => a[0] - b[0]);
          const c = new ReportCollector(bareIr(), { timelineHead: head, timelineTail: tail });
          sorted.forEach(([ms, type], i) => c.observeTimerActions([action(new Date(ms).toISOString(), type, { member: `u${i % 5}` })]));
          const data = c.aggregate();
          const n = sorted.length;
          expect(data.counts.actions).toBe(n);
          expect(data.actionsByType.reduce((s, a) => s + a.count, 0)).toBe(n);
          expect(data.activity.actions.reduce((s, series) => s + series.data.reduce((x, y) => x + y, 0), 0)).toBe(n);
          expect(data.activity.actions.length).toBeLessThanOrEqual(10);
          const seqs = data.timeline.rows.map((r) => r.seq);
          const want = [...Array(n).keys()].map((i) => i + 1).filter((s) => s <= head || s > Math.max(head, n - tail));
          expect(seqs).toEqual(want);
          expect(data.timeline.omitted).toBe(n - want.length);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('events per bucket and per hour of day add up to the processed events, whatever the types', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(instants, fc.integer({ min: 0, max: 14 })), { maxLength: 100 }), (list) => {
        const c = new ReportCollector(bareIr());
        list.forEach(([ms, t], i) =>
          c.observeEvent({ id: `e${i}`, type: `custom.t${t}`, at: new Date(ms).toISOString(), community: 'c', member: 'u' }, [], 'processed'),
        );
        const a = c.aggregate().activity;
        const total = (series: { data: number[] }[]) => series.reduce((s, x) => s + x.data.reduce((p, q) => p + q, 0), 0);
        expect(total(a.events)).toBe(list.length);
        expect(total(a.eventsByHour)).toBe(list.length);
        expect(a.events.length).toBeLessThanOrEqual(8);
      }),
      { numRuns: 100 },
    );
  });

  it('a 1,000,000-event run yields a report of bounded size', () => {
    const c = new ReportCollector(compileFile(BIG_PLAYBOOK), { file: 'million' });
    const start = Date.parse('2026-01-01T00:00:00+08:00');
    let at = '';
    for (let i = 0; i < 1_000_000; i++) {
      if (i % 60 === 0) at = new Date(start + i * 30_000 + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
      const member = `m${i % 5000}`;
      const event = { id: `e${i}`, type: i % 7 === 0 ? 'checkin.done' : 'message.posted', at, community: 'c', member, messageId: `x${i}`, text: '你好 hello' };
      const actions: OutputAction[] =
        i % 3 === 0
          ? [
              {
                at,
                type: 'points.award',
                community: 'c',
                member,
                amount: 1,
                balance: Math.floor(i / 3),
                reason: '发言',
                cause: event.id,
                source: 'points:message.posted',
              },
            ]
          : [];
      if (i % 499 === 0)
        actions.push({ at, type: 'member.warn', community: 'c', member, ladder: 'ads', count: 1, reason: '广告', cause: event.id, source: 'rule:no_ads' });
      c.observeEvent(event, actions, 'processed');
    }
    const data = c.aggregate();
    // 333,334 awards and 2,005 warnings, each to a different member (499 and 5,000 are coprime).
    expect(data.counts).toMatchObject({ read: 1_000_000, processed: 1_000_000, actions: 333_334 + 2005 });
    expect(data.timeline.rows.length).toBe(1000);
    expect(data.timeline.rows.at(-1)!.seq).toBe(335_339);
    expect(data.moderation.warned).toBe(2005);
    expect(data.moderation.rows.length).toBe(200);
    expect(data.moderation.more).toBe(1805);
    expect(data.activity.labels.length).toBeLessThanOrEqual(400);
    const html = c.render();
    const bytes = Buffer.byteLength(html);
    expect(bytes).toBeLessThan(2_000_000);
    expect(html).toContain('335,339 actions in all');
  });
});

const HOSTILE = '</script><img src=x onerror="window.__pwned=1">\u2028<!--<script>window.__pwned=2</script>';

function hostileRun() {
  const ir = compileFile('examples/points-levels.playbook');
  const base = Date.parse('2026-06-01T10:00:00+08:00');
  const at = (min: number) => new Date(base + min * 60_000 + 8 * 3_600_000).toISOString().slice(0, 19) + '+08:00';
  const events: Record<string, unknown>[] = [
    { id: 'j1', type: 'member.joined', at: at(0), community: 'evil"club<b>', member: 'x"><svg onload=alert(1)>', name: HOSTILE },
  ];
  for (let i = 1; i <= 25; i++)
    events.push({
      id: `p${i}`,
      type: 'message.posted',
      at: at(i * 2),
      community: 'evil"club<b>',
      member: 'x"><svg onload=alert(1)>',
      messageId: `m${i}`,
      text: `${HOSTILE} #${i}`,
    });
  return simulateToReport(ir, events, { file: '<script>alert(1)</script>.playbook', title: `Report ${HOSTILE}` });
}

describe('escaping', () => {
  it('escapes text and attributes, and keeps embedded JSON inert but exact', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const value = { s: HOSTILE, t: 'a\u2029b' };
    const json = jsonForScript(value);
    expect(json).not.toMatch(/<|\u2028|\u2029/);
    expect(JSON.parse(json)).toEqual(value);
  });

  it('a hostile member name, id, text, community, file and title never become markup', () => {
    const { html } = hostileRun();
    const scriptOpens = (html.match(/<script[\s>]/gi) ?? []).length;
    expect(scriptOpens).toBe(3);
    expect((html.match(/<\/script/gi) ?? []).length).toBe(3);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<svg');
    expect(html).not.toContain('<!--<script');
    expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;');
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(json).not.toMatch(/[<\u2028\u2029]/);
    const data = JSON.parse(json) as { charts: Record<string, { labels: string[] }> };
    expect(data.charts['leaderboard']!.labels).toEqual([HOSTILE]);
  });
});

// ---------------------------------------------------------------------------- in a real browser

if (!haveChromium) console.warn(`report.test.ts: ${CHROMIUM} not found, so the browser tests are skipped (apt-get install chromium to run them)`);

/**
 * What the tests touch in the page. The project compiles without the DOM library (it is a Node
 * program), so the few browser shapes used inside `page.evaluate` are declared here.
 */
interface PageElement {
  id: string;
  textContent: string | null;
  querySelector(selector: string): PageElement | null;
}
interface PageCanvas {
  dataset: Record<string, string | undefined>;
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } };
}
interface PageGlobal {
  document: { querySelectorAll<T = PageElement>(selector: string): Iterable<T> };
  Chart?: { getChart(canvas: PageCanvas): { data: { datasets: { data: number[] }[] } } | undefined };
  __pwned?: number;
}

describe.skipIf(!haveChromium)('the report in Chromium', () => {
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: CHROMIUM });
    dir = mkdtempSync(join(tmpdir(), 'playbook-report-'));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a report; fails on console errors, page errors, dialogs and any network request. */
  async function open(name: string, html: string) {
    const path = join(dir, `${name}.html`);
    writeFileSync(path, html);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => {
      problems.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url === pathToFileURL(path).href) return route.continue();
      problems.push(`network request: ${url}`);
      return route.abort();
    });
    await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
    const charts = await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobal;
      return [...page.document.querySelectorAll<PageCanvas>('canvas[data-chart]')].map((canvas) => {
        const chart = page.Chart?.getChart(canvas);
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let inked = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) inked++;
        return {
          id: canvas.dataset['chart']!,
          drawn: chart !== undefined,
          sum: chart ? chart.data.datasets.reduce((s, d) => s + d.data.reduce((a, b) => a + b, 0), 0) : 0,
          inked,
          width: canvas.width,
        };
      });
    });
    const stats = await page.evaluate(() =>
      Object.fromEntries(
        [...(globalThis as unknown as PageGlobal).document.querySelectorAll('#summary .stat')].map((s) => [
          s.querySelector('.label')!.textContent,
          s.querySelector('.value')!.textContent,
        ]),
      ),
    );
    return { page, problems, charts, stats };
  }

  function expectChartsDrawn(charts: { id: string; drawn: boolean; sum: number; inked: number; width: number }[], ids: string[]) {
    expect(charts.map((c) => c.id).sort()).toEqual([...ids].sort());
    for (const c of charts) {
      expect(c, c.id).toMatchObject({ drawn: true });
      expect(c.sum, c.id).toBeGreaterThan(0);
      expect(c.width, c.id).toBeGreaterThan(100);
      expect(c.inked, c.id).toBeGreaterThan(500);
    }
  }

  const sectionIds = (page: import('playwright-core').Page) =>
    page.evaluate(() => [...(globalThis as unknown as PageGlobal).document.querySelectorAll('section.card')].map((s) => s.id));

  it('no-ads: moderation with causes, filters on type and member', async () => {
    const { html } = scenario('no-ads');
    const { page, problems, charts, stats } = await open('no-ads', html);
    expect(problems).toEqual([]);
    expectChartsDrawn(charts, ['events-over-time', 'events-by-hour', 'actions-over-time']);
    expect(await sectionIds(page)).toEqual(['summary', 'activity', 'moderation', 'timeline']);
    expect(stats).toMatchObject({ 'events read': '10', processed: '10', actions: '12', 'members warned': '2', 'members removed': '1' });
    const moderation = await page.locator('#moderation').innerText();
    expect(moderation).toContain('二次发广告');
    expect(moderation).toContain('看这里 https://spam.example/buy');
    expect(await page.locator('#timeline-rows tr:not([hidden])').count()).toBe(12);
    await page.selectOption('#tl-type', 'member.warn');
    expect(await page.locator('#timeline-rows tr:not([hidden])').count()).toBe(4);
    expect(await page.locator('#tl-status').innerText()).toBe('1–4 of 4 listed actions');
    await page.fill('#tl-member', 'ann');
    const visible = page.locator('#timeline-rows tr:not([hidden])');
    expect(await visible.count()).toBe(2);
    for (const row of await visible.all()) expect(await row.getAttribute('data-member')).toContain('ann');
    await page.close();
  });

  it('entry-ritual: ritual outcomes and the leaderboard', async () => {
    const { html } = scenario('entry-ritual');
    const { page, problems, charts } = await open('entry-ritual', html);
    expect(problems).toEqual([]);
    expectChartsDrawn(charts, ['events-over-time', 'events-by-hour', 'actions-over-time', 'leaderboard', 'rituals']);
    const cells = await page.locator('#rituals table').first().locator('tbody td').allInnerTexts();
    expect(cells).toEqual(['onboarding', '4', '2', '1', '1', '0']);
    expect(await page.locator('#points').innerText()).toContain('Alice');
    await page.close();
  });

  it('member-lifecycle: funnel and flow charts', async () => {
    const { html } = scenario('member-lifecycle');
    const { page, problems, charts } = await open('member-lifecycle', html);
    expect(problems).toEqual([]);
    expectChartsDrawn(charts, ['events-over-time', 'events-by-hour', 'actions-over-time', 'lifecycle-0-funnel', 'lifecycle-0-flow']);
    const flowRows = await page.locator('#lifecycle table').nth(1).locator('tbody tr').allInnerTexts();
    expect(flowRows.map((r) => r.split('\t').map((x) => x.trim()))).toContainEqual(['newcomer', 'active', '3']);
    await page.close();
  });

  it('fission-campaign: stages and goal', async () => {
    const { html } = scenario('fission-campaign');
    const { page, problems, charts } = await open('fission-campaign', html);
    expect(problems).toEqual([]);
    expectChartsDrawn(charts, ['events-over-time', 'events-by-hour', 'actions-over-time', 'leaderboard']);
    const text = await page.locator('#campaigns').innerText();
    expect(text).toContain('Stage at the end: after');
    expect(text).toMatch(/reached\s+2026-11-06 10:00/);
    await page.close();
  });

  it('a generated stream of 6,000 events: every section, capped timeline, paging', async () => {
    const ir = compileFile(BIG_PLAYBOOK);
    const { html, data, summary } = simulateToReport(ir, generateStream({ events: 6000, members: 150 }), {
      file: BIG_PLAYBOOK,
      until: '2026-03-10T00:00:00+08:00',
      timelineHead: 140,
      timelineTail: 160,
    });
    expect(summary).toMatchObject({ duplicates: 1, late: 1, bad: 1, ignored: 1 });
    expect(data.timeline.omitted).toBeGreaterThan(0);
    const { page, problems, charts, stats } = await open('big', html);
    expect(problems).toEqual([]);
    expect(await sectionIds(page)).toEqual(['summary', 'activity', 'moderation', 'points', 'lifecycle', 'rituals', 'campaigns', 'timeline']);
    expectChartsDrawn(charts, ['events-over-time', 'events-by-hour', 'actions-over-time', 'leaderboard', 'lifecycle-0-funnel', 'lifecycle-0-flow', 'rituals']);
    const fmt = (n: number) => n.toLocaleString('en-US');
    expect(stats).toMatchObject({
      'events read': fmt(summary.read),
      duplicates: '1',
      late: '1',
      'bad lines skipped': '1',
      'unknown types ignored': '1',
      actions: fmt(summary.actions),
      'members warned': fmt(data.moderation.warned),
    });
    expect(await page.locator('#summary').innerText()).toContain('must be an ISO-8601 instant');
    expect(await page.locator('#timeline-rows tr[data-type]').count()).toBe(300);
    const status = () => page.locator('#tl-status').innerText();
    const firstShown = () => page.locator('#timeline-rows tr[data-type]:not([hidden])').first().locator('td').first().innerText();
    expect(await status()).toBe('1–50 of 300 listed actions');
    expect(await page.locator('#timeline-gap').isVisible()).toBe(false);
    await page.click('#tl-next');
    await page.click('#tl-next');
    // Page 3 holds the last 40 of the first 140 actions and the first 10 of the last 160: the gap shows.
    expect(await status()).toBe('101–150 of 300 listed actions');
    expect(await firstShown()).toBe('101');
    expect(await page.locator('#timeline-gap').isVisible()).toBe(true);
    await page.click('#tl-next');
    expect(await page.locator('#timeline-gap').isVisible()).toBe(false);
    const firstOfTail = Number((await firstShown()).replace(/,/g, ''));
    expect(firstOfTail).toBe(data.timeline.rows[150]!.seq);
    expect(firstOfTail).toBeGreaterThan(data.timeline.rows[139]!.seq + 1);
    await page.close();
  });

  it('hostile input stays text in the page', async () => {
    const { html } = hostileRun();
    const { page, problems, charts } = await open('hostile', html);
    expect(problems).toEqual([]);
    expect(charts.find((c) => c.id === 'leaderboard')?.drawn).toBe(true);
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobal).__pwned)).toBeUndefined();
    expect(await page.locator('img, svg').count()).toBe(0);
    expect(await page.title()).toBe(`Report ${HOSTILE}`);
    expect(await page.locator('#points table').first().innerText()).toContain('</script><img src=x onerror="window.__pwned=1">');
    await page.close();
  });
});
