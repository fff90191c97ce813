import { escapeHtml as h } from './escape.js';
import { chartCanvas, fmt, memberCell, stat, table, type RenderContext } from './render-parts.js';

/**
 * The sections of the page on what members and campaigns became: points, levels and badges;
 * the lifecycle funnel and flows; ritual outcomes; campaign stages and goals.
 */

export function pointsSection(ctx: RenderContext): string {
  const p = ctx.data.points;
  const parts = [
    '<div class="stats">',
    stat(p.awarded, 'points awarded'),
    stat(p.deducted, 'points deducted'),
    stat(p.members, 'members with points'),
    '</div>',
  ];
  if (p.leaderboard.length === 0) parts.push('<p class="empty">No member has points.</p>');
  else {
    const rows = p.leaderboard.map((r) => [
      fmt(r.rank),
      memberCell(ctx, r.community, r.member, r.name),
      fmt(r.points),
      r.level !== undefined ? `<span class="pill ok">${h(r.level)}</span>` : '',
      r.badges.map((b) => `<span class="pill">${h(b)}</span>`).join(' '),
      r.status === 'present' ? '' : `<span class="pill ${r.status}">${h(r.status)}</span>`,
    ]);
    const chart = chartCanvas(
      ctx,
      'leaderboard',
      {
        labels: p.leaderboard.slice(0, 10).map((r) => r.name ?? r.member),
        datasets: [{ label: 'points', data: p.leaderboard.slice(0, 10).map((r) => r.points) }],
        horizontal: true,
      },
      'Top members by points',
    );
    parts.push(
      `<div class="grid2"><div><h3>Leaderboard (balance at the end)</h3>${table(['#', 'member', 'points', 'level', 'badges', ''], rows, [0, 2])}</div>`,
      `<div><h3>Top ${fmt(Math.min(10, p.leaderboard.length))}</h3>${chart}</div></div>`,
    );
  }
  if (p.levels.length > 0)
    parts.push(
      '<h3>Levels reached</h3>',
      table(
        ['level', 'from points', 'members who reached it'],
        p.levels.map((l) => [`<span class="pill ok">${h(l.name)}</span>`, fmt(l.at), fmt(l.members)]),
        [1, 2],
      ),
    );
  if (p.badges.length > 0)
    parts.push(
      '<h3>Badges</h3>',
      table(
        ['badge', 'members', 'holders'],
        p.badges.map((b) => [
          `<span class="pill">${h(b.name)}</span>`,
          fmt(b.members),
          `<span class="text">${b.holders.map(h).join(', ')}${b.members > b.holders.length ? ', …' : ''}</span>`,
        ]),
        [1],
      ),
    );
  return parts.join('\n');
}

export function lifecycleSection(ctx: RenderContext): string {
  return ctx.data.lifecycles
    .map((lc, i) => {
      const total = lc.states.reduce((n, s) => n + s.members, 0);
      const funnel = table(
        ['state', 'members', 'share'],
        lc.states.map((s) => [
          `${h(s.state)}${s.state === lc.initial ? ' <span class="id">(initial)</span>' : ''}`,
          fmt(s.members),
          total ? `${((100 * s.members) / total).toFixed(1)}%` : '–',
        ]),
        [1, 2],
      );
      const flows = table(
        ['from', 'to', 'times'],
        lc.flows.map((f) => [h(f.from), `${h(f.to)}${f.declared ? '' : ' <span class="id">(undeclared)</span>'}`, fmt(f.count)]),
        [2],
      );
      const fired = lc.flows.filter((f) => f.count > 0);
      const funnelChart =
        total > 0
          ? chartCanvas(
              ctx,
              `lifecycle-${i}-funnel`,
              { labels: lc.states.map((s) => s.state), datasets: [{ label: 'members', data: lc.states.map((s) => s.members) }], colorEach: true },
              `Members per ${lc.name} state`,
              true,
            )
          : '<p class="empty">No member in the group at the end.</p>';
      const flowChart =
        fired.length > 0
          ? chartCanvas(
              ctx,
              `lifecycle-${i}-flow`,
              { labels: fired.map((f) => `${f.from} → ${f.to}`), datasets: [{ label: 'transitions', data: fired.map((f) => f.count) }], horizontal: true },
              `${lc.name} transitions`,
              true,
            )
          : '<p class="empty">No transition happened.</p>';
      return [
        `<h3>lifecycle ${h(lc.name)}</h3>`,
        `<p class="note">Members in the group at the end, per state${lc.gone ? `; ${fmt(lc.gone)} members who left or were removed are not counted` : ''}. Transitions count every <code>lifecycle.changed</code> action.</p>`,
        `<div class="grid2"><div>${funnel}${funnelChart}</div><div>${flows}${flowChart}</div></div>`,
      ].join('\n');
    })
    .join('\n');
}

export function ritualSection(ctx: RenderContext): string {
  const rituals = ctx.data.rituals;
  if (rituals.some((r) => !r.outcome)) return '<p class="empty">The final state was not given to the report, so ritual outcomes are unknown.</p>';
  const rows = rituals.map((r) => {
    const o = r.outcome!;
    return [h(r.name), fmt(o.started), fmt(o.completed), fmt(o.expired), fmt(o.cancelled), fmt(o.inProgress)];
  });
  const parts = [
    '<p class="note">Per member, the outcome of their latest attempt at the end of the run (a member who rejoined counts once).</p>',
    table(['ritual', 'started', 'completed', 'expired (deadline)', 'cancelled', 'in progress'], rows, [1, 2, 3, 4, 5]),
  ];
  if (rituals.some((r) => r.outcome!.started > 0)) {
    const labels = ['completed', 'expired', 'cancelled', 'in progress'];
    parts.push(
      chartCanvas(
        ctx,
        'rituals',
        {
          labels: rituals.map((r) => r.name),
          datasets: labels.map((label) => ({
            label,
            data: rituals.map((r) => {
              const o = r.outcome!;
              return label === 'completed' ? o.completed : label === 'expired' ? o.expired : label === 'cancelled' ? o.cancelled : o.inProgress;
            }),
          })),
          stacked: true,
          horizontal: true,
          colors: ['#23a26d', '#d64545', '#9aa5b1', '#2f6fdb'],
        },
        'Ritual outcomes',
        true,
      ),
    );
  }
  for (const r of rituals) {
    if (r.outcome!.inProgress === 0 || r.steps.length === 0) continue;
    parts.push(
      `<h3>${h(r.name)}: steps done by the ${r.outcome!.inProgress === 1 ? 'member' : `${fmt(r.outcome!.inProgress)} members`} still in it</h3>`,
      table(
        ['step', 'done'],
        r.steps.map((s) => [`${h(s.label)} <span class="id">${h(s.name)}</span>`, fmt(s.doneInProgress)]),
        [1],
      ),
    );
  }
  return parts.join('\n');
}

export function campaignSection(ctx: RenderContext): string {
  const when = (list: { at: string; community: string }[]) =>
    list.length === 0
      ? '<span class="id">—</span>'
      : list.map((x) => `${h(x.at)}${ctx.multi ? ` <span class="id">${h(x.community)}</span>` : ''}`).join('<br>');
  return ctx.data.campaigns
    .map((c) => {
      const current =
        c.current.length === 0
          ? ''
          : `<p class="note">Stage at the end: ${c.current.map((x) => `${ctx.multi ? `${h(x.community)}: ` : ''}<strong>${x.stage === null ? 'none (outside every stage)' : h(x.stage)}</strong>`).join(', ')}.</p>`;
      const stages = table(
        ['stage', 'dates', 'multiplier', 'entered', 'exited'],
        c.stages.map((s) => [
          h(s.name),
          `${h(s.from)} → ${s.to ? h(s.to) : 'open'}`,
          s.multiplier !== undefined ? `×${h(s.multiplier)}` : '',
          when(s.entered),
          when(s.exited),
        ]),
        [2],
      );
      const goals =
        c.goals.length === 0
          ? ''
          : `<h3>Goals</h3>${table(
              ['goal', 'reached'],
              c.goals.map((g) => [
                h(g.name),
                g.reached.length ? `<span class="pill ok">reached</span> ${when(g.reached)}` : '<span class="pill left">not reached</span>',
              ]),
            )}`;
      return `<h3>campaign ${h(c.name)}</h3>${current}${stages}${goals}`;
    })
    .join('\n');
}
