import { readFileSync } from 'node:fs';
import { EARLIEST_EVENT_MS, END_OF_EVENT_RANGE_MS, FIRST_EVENT_YEAR, LAST_EVENT_YEAR } from '../src/stdlib/instants.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serveCommand } from '../src/cli/serve.js';
import { simulateCommand } from '../src/cli/simulate.js';
import { MAX_SOURCE_BYTES } from '../src/parser/parse.js';
import { MAX_ID_LENGTH } from '../src/runtime/events.js';
import {
  MAX_EVENT_LINE_BYTES,
  MAX_EVENT_PROBLEMS,
  MAX_EVENTS_BODY_BYTES,
  MAX_GROUP_COMMIT_EVENTS,
  MAX_ID_CHARS,
  MAX_LINE_NOTES,
  MAX_LIST_ITEMS,
  MAX_PLAYBOOK_BYTES,
  MAX_REF_CHARS,
  MAX_RELOAD_DIAGNOSTICS,
  MAX_TEXT_CHARS,
  REF_FIELDS,
} from '../src/limits.js';
import { DEFAULT_MAX_BODY_BYTES } from '../src/server/server.js';
import { MAX_BUFFERED_BYTES } from '../src/server/sse.js';

/**
 * The limits are stated once, in the "Limits" section of docs/cli.md and of docs/serve.md, and
 * those tables say what the code does: each row against the constant of src/limits.ts
 * (or of the module that enforces it). Issue 13 found the docs saying 16 MB where the code said
 * 4,194,304 characters.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

const n = (x: number) => x.toLocaleString('en-US');
const bytes = (x: number) => `${n(x)} bytes (${x / 2 ** 20} MiB)`;
const chars = (x: number) => `${n(x)} characters`;

function limitsSection(markdown: string): { section: string; rest: string; rows: string[][] } {
  const start = markdown.indexOf('\n## Limits\n');
  expect(start, 'a "## Limits" section').toBeGreaterThan(0);
  const next = markdown.indexOf('\n## ', start + 1);
  const end = next === -1 ? markdown.length : next;
  const section = markdown.slice(start, end);
  const rows = section
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| what |'))
    .map((l) => l.slice(2, -2).split(' | '));
  return { section, rest: markdown.slice(0, start) + markdown.slice(end), rows };
}

/** Every row matched by exactly one expectation, and every expectation by one row. */
function checkRows(rows: string[][], expected: [RegExp, string][]): void {
  for (const row of rows) {
    const matches = expected.filter(([what]) => what.test(row[0]!));
    expect(matches.length, `row "${row[0]}" matches one expectation`).toBe(1);
    expect(row[1], row[0]).toContain(matches[0]![1]);
  }
  for (const [what] of expected) expect(rows.filter((r) => what.test(r[0]!)).length, String(what)).toBe(1);
}

/** The figures of the limits must not appear outside their section: stated once, so never stale twice. */
function checkStatedOnce(rest: string, figures: number[]): void {
  for (const x of figures) {
    if (x >= 1000) expect(rest, `${n(x)} outside the limits section`).not.toContain(n(x));
    if (x >= 2 ** 20) expect(rest, `${x / 2 ** 20} MiB outside the limits section`).not.toMatch(new RegExp(`\\b${x / 2 ** 20} ?Mi?B\\b`));
  }
  expect(rest).not.toMatch(/\b16 ?MB\b/);
}

describe('limits: one number each, in the code', () => {
  it('the parser, the server and the event check use the constants of src/limits.ts', () => {
    expect(MAX_SOURCE_BYTES).toBe(MAX_PLAYBOOK_BYTES);
    expect(DEFAULT_MAX_BODY_BYTES).toBe(MAX_EVENTS_BODY_BYTES);
    expect(MAX_ID_LENGTH).toBe(MAX_ID_CHARS);
  });

  it('the help of simulate and serve names the limits from the same constants', () => {
    expect(simulateCommand.help).toContain(`${MAX_EVENT_LINE_BYTES} bytes`);
    for (const x of [MAX_EVENTS_BODY_BYTES, MAX_EVENT_LINE_BYTES, MAX_PLAYBOOK_BYTES]) expect(serveCommand.help).toContain(`${x} bytes`);
  });
});

describe('docs/cli.md#limits', () => {
  const { section, rest, rows } = limitsSection(read('docs/cli.md'));

  it('states each limit of the commands as the code has it', () => {
    checkRows(rows, [
      [/^a playbook file/, bytes(MAX_PLAYBOOK_BYTES)],
      [/^one line of an events file/, bytes(MAX_EVENT_LINE_BYTES)],
      [/^an event's `id`/, chars(MAX_ID_CHARS)],
      [
        /^an event's `at`/,
        `from ${new Date(EARLIEST_EVENT_MS).toISOString().replace('.000', '')} up to but not including ${new Date(END_OF_EVENT_RANGE_MS).toISOString().replace('.000', '')} (years ${FIRST_EVENT_YEAR} to ${LAST_EVENT_YEAR})`,
      ],
      [/`community` and `member`/, chars(MAX_REF_CHARS)],
      [/^any other text field/, chars(MAX_TEXT_CHARS)],
      [/^the items of a list field/, `${n(MAX_LIST_ITEMS)} items`],
      [/^notes about input lines/, String(MAX_LINE_NOTES)],
    ]);
    const refRow = rows.find((r) => /`community` and `member`/.test(r[0]!))![0]!;
    for (const field of REF_FIELDS) expect(refRow).toContain(`\`${field}\``);
    expect(section).toContain('UTF-16 code units');
  });

  it('states them nowhere else', () => {
    checkStatedOnce(rest, [MAX_PLAYBOOK_BYTES, MAX_EVENT_LINE_BYTES, MAX_TEXT_CHARS, MAX_EVENTS_BODY_BYTES]);
  });
});

describe('docs/serve.md#limits', () => {
  const { section, rest, rows } = limitsSection(read('docs/serve.md'));

  it('states each limit of the server as the code has it, and refers to cli.md for the event fields', () => {
    checkRows(rows, [
      [/^a `POST \/events` body/, bytes(MAX_EVENTS_BODY_BYTES)],
      [/^one event/, bytes(MAX_EVENT_LINE_BYTES)],
      [/^a `POST \/playbook` body/, bytes(MAX_PLAYBOOK_BYTES)],
      [/^problems listed/, String(MAX_EVENT_PROBLEMS)],
      [/^diagnostics returned/, String(MAX_RELOAD_DIAGNOSTICS)],
      [/^unsent data buffered/, bytes(MAX_BUFFERED_BYTES)],
      [/^events committed in one group commit/, n(MAX_GROUP_COMMIT_EVENTS)],
      [/^request bodies committed in one group commit/, bytes(MAX_EVENTS_BODY_BYTES)],
    ]);
    expect(section).toContain('(cli.md#limits)');
  });

  it('states them nowhere else', () => {
    checkStatedOnce(rest, [MAX_PLAYBOOK_BYTES, MAX_EVENT_LINE_BYTES, MAX_EVENTS_BODY_BYTES, MAX_BUFFERED_BYTES, MAX_TEXT_CHARS]);
    expect(rest).not.toMatch(/at most \d+ problems/);
  });
});
