/**
 * The report page's own style sheet and script, inlined into every report. The script only reads
 * the embedded JSON and the table rows; it never builds HTML from strings, so the user text the
 * JSON carries (member names in chart labels) reaches the page as text or canvas pixels only.
 */

export const REPORT_CSS = `
:root {
  --fg: #1f2933; --muted: #616e7c; --bg: #f3f5f8; --card: #ffffff; --border: #e1e5eb;
  --accent: #2f6fdb; --accent-soft: #e8f0fd; --danger: #c0392b; --danger-soft: #fdecea;
  --warn: #a86b00; --warn-soft: #fff4de; --ok: #23804a; --ok-soft: #e5f5ec;
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; background: var(--bg); color: var(--fg); line-height: 1.5; font-size: 15px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
    "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC",
    "Noto Sans CJK JP", "Noto Sans CJK KR", sans-serif;
}
header.top { background: #1d2b44; color: #fff; padding: 28px 32px 20px; }
header.top h1 { margin: 0 0 6px; font-size: 26px; font-weight: 650; overflow-wrap: anywhere; }
header.top .meta { margin: 0; color: #c9d3e3; font-size: 14px; }
header.top .meta span + span::before { content: "·"; margin: 0 8px; color: #7f8ea8; }
nav.toc { position: sticky; top: 0; z-index: 2; background: #ffffffee; border-bottom: 1px solid var(--border);
  padding: 8px 32px; display: flex; flex-wrap: wrap; gap: 4px 18px; font-size: 14px; backdrop-filter: blur(4px); }
nav.toc a { color: var(--accent); text-decoration: none; }
nav.toc a:hover { text-decoration: underline; }
main { max-width: 1240px; margin: 0 auto; padding: 20px 24px 40px; }
section.card { background: var(--card); border: 1px solid var(--border); border-radius: 12px; padding: 18px 22px 20px;
  margin: 0 0 20px; box-shadow: 0 1px 2px rgba(16, 24, 40, 0.04); }
section.card > h2 { margin: 0 0 12px; font-size: 19px; font-weight: 650; }
h3 { font-size: 16px; margin: 18px 0 8px; font-weight: 600; }
p.note { color: var(--muted); font-size: 13.5px; margin: 6px 0 10px; }
p.empty { color: var(--muted); font-style: italic; margin: 4px 0; }
.stats { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 10px; }
.stat { border: 1px solid var(--border); border-radius: 10px; padding: 10px 12px; background: #fafbfc; }
.stat .value { display: block; font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.stat .label { display: block; color: var(--muted); font-size: 13px; }
.stat.danger .value { color: var(--danger); }
.stat.warn .value { color: var(--warn); }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px; }
.chart { position: relative; height: 300px; margin: 6px 0 4px; }
.chart.small { height: 240px; }
table { width: 100%; border-collapse: collapse; font-size: 14px; margin: 4px 0 8px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--border); vertical-align: top; }
th { background: #f7f8fa; color: #3e4c59; font-weight: 600; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.text { overflow-wrap: anywhere; word-break: normal; line-break: strict; }
td.when { white-space: nowrap; font-variant-numeric: tabular-nums; color: #3e4c59; }
.id { color: var(--muted); font-size: 12.5px; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.pill { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 12.5px; line-height: 20px; white-space: nowrap;
  background: var(--accent-soft); color: #1f4fa3; margin: 1px 2px 1px 0; }
.pill.removed, .pill.member-remove { background: var(--danger-soft); color: var(--danger); }
.pill.warn, .pill.member-warn, .pill.member-mute { background: var(--warn-soft); color: var(--warn); }
.pill.ok { background: var(--ok-soft); color: var(--ok); }
.pill.left { background: #eef0f3; color: var(--muted); }
ul.story { margin: 0; padding-left: 18px; }
ul.story li { margin: 2px 0; }
details > summary { cursor: pointer; color: var(--accent); font-size: 13.5px; }
details[open] > summary { margin-bottom: 4px; }
.cause { color: var(--muted); font-size: 13px; }
.cause q { color: var(--fg); quotes: "“" "”"; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: center; margin: 6px 0 10px; font-size: 14px; }
.filters label { display: inline-flex; gap: 6px; align-items: center; }
.filters select, .filters input { font: inherit; padding: 4px 8px; border: 1px solid #c5ccd6; border-radius: 6px; background: #fff; }
.pager { display: flex; gap: 10px; align-items: center; font-size: 14px; margin-top: 6px; }
.pager button { font: inherit; padding: 3px 12px; border: 1px solid #c5ccd6; border-radius: 6px; background: #fff; cursor: pointer; }
.pager button:disabled { opacity: 0.45; cursor: default; }
tr.gap td { text-align: center; color: var(--muted); background: #f3f5f8 !important; font-style: italic; }
footer { color: var(--muted); font-size: 13px; text-align: center; padding: 10px 0 30px; }
@media (max-width: 700px) { main { padding: 12px; } .grid2 { grid-template-columns: 1fr; } header.top, nav.toc { padding-left: 14px; padding-right: 14px; } }
@media print { nav.toc, .filters, .pager { display: none; } section.card { break-inside: avoid; box-shadow: none; } }
`;

/** Draws the charts from the embedded data and makes the timeline filterable. */
export const REPORT_SCRIPT = `
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var palette = ['#2f6fdb', '#e8833a', '#23a26d', '#d64545', '#8a5cd1', '#c9a227', '#2ab0c5', '#d45fa6', '#6b7a8f', '#9bbb3f'];

  function drawCharts() {
    var canvases = document.querySelectorAll('canvas[data-chart]');
    if (typeof Chart === 'undefined') {
      for (var i = 0; i < canvases.length; i++) canvases[i].parentNode.textContent = 'Chart.js did not load; the tables hold the same numbers.';
      return;
    }
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = '#3e4c59';
    for (var j = 0; j < canvases.length; j++) {
      var canvas = canvases[j];
      var spec = data.charts[canvas.getAttribute('data-chart')];
      if (!spec) continue;
      var single = spec.datasets.length === 1;
      var datasets = spec.datasets.map(function (d, k) {
        var colors = single && spec.colorEach ? d.data.map(function (_, n) { return palette[n % palette.length]; }) : (spec.colors && spec.colors[k]) || palette[k % palette.length];
        return { label: d.label, data: d.data, backgroundColor: colors, borderColor: colors, borderWidth: 0, maxBarThickness: 48 };
      });
      new Chart(canvas, {
        type: 'bar',
        data: { labels: spec.labels, datasets: datasets },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          indexAxis: spec.horizontal ? 'y' : 'x',
          interaction: { mode: single ? 'nearest' : 'index', intersect: single },
          plugins: { legend: { display: !single, position: 'bottom', labels: { boxWidth: 12 } } },
          scales: {
            x: { stacked: !!spec.stacked, beginAtZero: true, ticks: { autoSkip: true, maxRotation: 0, precision: 0 }, grid: { display: !!spec.horizontal } },
            y: { stacked: !!spec.stacked, beginAtZero: true, ticks: { precision: 0 }, grid: { display: !spec.horizontal } }
          }
        }
      });
    }
  }

  function timeline() {
    var body = document.getElementById('timeline-rows');
    if (!body) return;
    var rows = Array.prototype.filter.call(body.rows, function (r) { return r.hasAttribute('data-type'); });
    var gap = document.getElementById('timeline-gap');
    var typeSelect = document.getElementById('tl-type');
    var memberInput = document.getElementById('tl-member');
    var prev = document.getElementById('tl-prev');
    var next = document.getElementById('tl-next');
    var status = document.getElementById('tl-status');
    var pageSize = 50;
    var page = 0;
    function apply() {
      var type = typeSelect.value;
      var query = memberInput.value.trim().toLowerCase();
      var matches = rows.filter(function (r) {
        return (!type || r.getAttribute('data-type') === type) && (!query || r.getAttribute('data-member').indexOf(query) >= 0);
      });
      var pages = Math.max(1, Math.ceil(matches.length / pageSize));
      if (page >= pages) page = pages - 1;
      var shown = matches.slice(page * pageSize, (page + 1) * pageSize);
      rows.forEach(function (r) { r.hidden = true; });
      shown.forEach(function (r) { r.hidden = false; });
      if (gap) {
        // The gap row sits between the kept first and last actions; show it only when the page spans it.
        var head = Number(gap.getAttribute('data-head'));
        var before = false, after = false;
        shown.forEach(function (r) { if (Number(r.getAttribute('data-i')) < head) before = true; else after = true; });
        gap.hidden = !(before && after);
      }
      status.textContent = matches.length === 0 ? 'no matching actions' :
        (page * pageSize + 1).toLocaleString('en-US') + '–' + (page * pageSize + shown.length).toLocaleString('en-US') + ' of ' + matches.length.toLocaleString('en-US') + ' listed actions';
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }
    typeSelect.addEventListener('change', function () { page = 0; apply(); });
    memberInput.addEventListener('input', function () { page = 0; apply(); });
    prev.addEventListener('click', function () { page--; apply(); });
    next.addEventListener('click', function () { page++; apply(); });
    apply();
  }

  drawCharts();
  timeline();
})();
`;
