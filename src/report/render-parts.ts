import { escapeHtml as h } from './escape.js';
import type { ReportData, Series } from './model.js';

/** The pieces every section of the page is made of: stat tiles, tables, member cells, chart slots. */

/** What the page script needs to draw one chart (always bars: counts per label). */
export interface ChartSpec {
  labels: string[];
  datasets: Series[];
  stacked?: boolean;
  horizontal?: boolean;
  /** One colour per bar (single-series charts whose labels are categories, e.g. states). */
  colorEach?: boolean;
  /** Colours per dataset where they carry meaning (completed green, expired red...). */
  colors?: string[];
}

/** What a section renders from: the data, the charts drawn so far, whether to show communities. */
export interface RenderContext {
  data: ReportData;
  charts: Record<string, ChartSpec>;
  multi: boolean;
}

export const fmt = (n: number) => n.toLocaleString('en-US');

export function chartCanvas(ctx: RenderContext, id: string, spec: ChartSpec, label: string, small = false): string {
  ctx.charts[id] = spec;
  return `<div class="chart${small ? ' small' : ''}"><canvas data-chart="${h(id)}" role="img" aria-label="${h(label)}"></canvas></div>`;
}

export function stat(value: number | string, label: string, tone = ''): string {
  return `<div class="stat${tone ? ` ${tone}` : ''}"><span class="value">${typeof value === 'number' ? fmt(value) : h(value)}</span><span class="label">${h(label)}</span></div>`;
}

export function memberCell(ctx: RenderContext, community: string, id: string, name?: string): string {
  const idText = ctx.multi ? `${community}/${id}` : id;
  return name !== undefined && name !== id ? `${h(name)} <span class="id">${h(idText)}</span>` : `<span class="id">${h(idText)}</span>`;
}

export function table(head: string[], rows: string[][], numeric: number[] = []): string {
  const cls = (i: number) => (numeric.includes(i) ? ' class="num"' : '');
  return `<table><thead><tr>${head.map((c, i) => `<th${cls(i)}>${h(c)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${c}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}
