// The XState baselines: the workload as one XState v5 machine per member, written the way the
// XState docs recommend (setup + createMachine, named guards, immutable `assign` updates of the
// context: flood window, warnings, last award, daily cap, balance), its actions reported with
// `emit`. Two ways to drive it:
//  - pure: stored snapshots and `transition(machine, snapshot, event)`, the emitted actions
//    collected from what `transition` returns (the design brief's way of using XState);
//  - actors: `createActor(machine).start()` per member and `actor.send(event)`.
// The event front (validation, dedupe, clock, parsing `at`) and the time formatting are the
// hand-written loop's code.
import { assign, createActor, emit, enqueueActions, initialTransition, setup, transition } from 'xstate';
import { formatIso, Front, isAd, joinRoles, localDay, NO_ROLES } from './handwritten.mjs';

const FLOOD_WINDOW_MS = 10_000;
const WARNING_EXPIRY_MS = 30 * 86_400_000;
const COOLDOWN_MS = 60_000;
const DAILY_CAP = 20;

/** The member machine; `iso` formats the instant of an event's actions (cached per instant). */
export function memberMachine(iso) {
  const action = (build) => emit(({ context, event }) => ({ type: 'action', action: build(context, event, iso.at(event.now)) }));
  return setup({
    guards: {
      isAd: ({ context, event }) => !context.admin && isAd(event.text),
      isFlood: ({ context }) => context.window.length > 5,
      canAward: ({ context, event }) =>
        event.now - context.lastAward >= COOLDOWN_MS && (context.capDay !== localDay(event.now) || context.capCount < DAILY_CAP),
    },
    actions: {
      setRoles: assign(({ event }) => ({ admin: event.roles.includes('admin') })),
      recordWindow: assign(({ context, event }) => ({ window: [...context.window.filter((t) => t > event.now - FLOOD_WINDOW_MS), event.now] })),
      clearWindow: assign({ window: () => [] }),
      warn: assign(({ context, event }) => ({ warnings: [...context.warnings.filter((t) => t > event.now - WARNING_EXPIRY_MS - 1), event.now] })),
      award: assign(({ context, event }) => {
        const day = localDay(event.now);
        return { lastAward: event.now, capDay: day, capCount: context.capDay === day ? context.capCount + 1 : 1, points: context.points + 1 };
      }),
      emitDelete: action((c, e, at) => ({
        at,
        type: 'message.delete',
        community: e.community,
        member: c.id,
        messageId: e.messageId,
        cause: e.id,
        source: 'rule:no_ads',
      })),
      emitWarn: action((c, e, at) => ({
        at,
        type: 'member.warn',
        community: e.community,
        member: c.id,
        ladder: 'ads',
        count: c.warnings.length,
        reason: 'no ads',
        cause: e.id,
        source: 'rule:no_ads',
      })),
      emitLadderStep: action((c, e, at) =>
        c.warnings.length === 1
          ? { at, type: 'message.send', community: e.community, member: c.id, to: c.id, text: 'warning', cause: e.id, source: 'ladder:ads' }
          : {
              at,
              type: 'member.mute',
              community: e.community,
              member: c.id,
              duration: 'PT1H',
              until: formatIso(e.now + 3_600_000),
              cause: e.id,
              source: 'ladder:ads',
            },
      ),
      emitFloodMute: action((c, e, at) => ({
        at,
        type: 'member.mute',
        community: e.community,
        member: c.id,
        duration: 'PT10M',
        until: formatIso(e.now + 600_000),
        cause: e.id,
        source: 'rule:flood',
      })),
      emitAward: action((c, e, at) => ({
        at,
        type: 'points.award',
        community: e.community,
        member: c.id,
        amount: 1,
        balance: c.points,
        reason: 'message.posted',
        cause: e.id,
        source: 'points:message.posted',
      })),
    },
  }).createMachine({
    id: 'member',
    context: ({ input }) => ({
      id: input.id,
      admin: input.roles.includes('admin'),
      window: [],
      warnings: [],
      lastAward: -Infinity,
      capDay: -1,
      capCount: 0,
      points: 0,
    }),
    initial: 'present',
    states: {
      present: {
        on: {
          'member.joined': { actions: 'setRoles' },
          'message.posted': {
            actions: [
              'recordWindow',
              // Every rule is decided on the state before any of their effects, as in the runtime.
              enqueueActions(({ enqueue, check }) => {
                const ad = check('isAd');
                const flood = check('isFlood');
                const award = check('canAward');
                if (ad) {
                  enqueue('emitDelete');
                  enqueue('warn');
                  enqueue('emitWarn');
                  enqueue('emitLadderStep');
                }
                if (flood) {
                  enqueue('clearWindow');
                  enqueue('emitFloodMute');
                }
                if (award) {
                  enqueue('award');
                  enqueue('emitAward');
                }
              }),
            ],
          },
        },
      },
    },
  });
}

const NOTHING = [];

const messageEvent = (ev, now) => ({ type: 'message.posted', now, id: ev.id, community: ev.community, messageId: ev.messageId, text: ev.text });

/** XState through its pure functions, one stored snapshot per member. */
export function createXStatePure() {
  const front = new Front();
  const machine = memberMachine(front.iso);
  const snapshots = new Map();
  const start = (id, roles) => initialTransition(machine, { id, roles })[0];
  return {
    dispatch(ev) {
      const now = front.accept(ev);
      if (now !== now) return NOTHING;
      let snap = snapshots.get(ev.member);
      if (ev.type === 'member.joined') {
        const roles = joinRoles(ev);
        if (!snap) snapshots.set(ev.member, start(ev.member, roles ?? NO_ROLES));
        else if (roles) snapshots.set(ev.member, transition(machine, snap, { type: 'member.joined', roles })[0]);
        return NOTHING;
      }
      if (!snap) snap = start(ev.member, NO_ROLES);
      const [next, actions] = transition(machine, snap, messageEvent(ev, now));
      snapshots.set(ev.member, next);
      const out = [];
      for (const a of actions) if (a.type === 'xstate.emit') out.push(a.params.event.action);
      return out;
    },
  };
}

/** One live XState actor per member. */
export function createXStateActors() {
  const front = new Front();
  const machine = memberMachine(front.iso);
  const actors = new Map();
  let out = [];
  const collect = (e) => out.push(e.action);
  const start = (id, roles) => {
    const actor = createActor(machine, { input: { id, roles } });
    actor.on('action', collect);
    actor.start();
    actors.set(id, actor);
    return actor;
  };
  return {
    actors,
    start,
    dispatch(ev) {
      const now = front.accept(ev);
      if (now !== now) return NOTHING;
      const actor = actors.get(ev.member);
      if (ev.type === 'member.joined') {
        const roles = joinRoles(ev);
        if (!actor) start(ev.member, roles ?? NO_ROLES);
        else if (roles) actor.send({ type: 'member.joined', roles });
        return NOTHING;
      }
      out = [];
      (actor ?? start(ev.member, NO_ROLES)).send(messageEvent(ev, now));
      return out;
    },
  };
}
