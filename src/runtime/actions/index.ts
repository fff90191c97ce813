import type { Action } from '../../ir/schema.js';
import type { Core } from '../core.js';
import type { Ctx } from '../context.js';
import { award } from './award.js';
import { awardBadge } from './award-badge.js';
import { ban } from './ban.js';
import { deleteMessage } from './delete-message.js';
import { draw } from './draw.js';
import { forgive } from './forgive.js';
import { join } from './join.js';
import { mute } from './mute.js';
import { notify } from './notify.js';
import { pin } from './pin.js';
import { removeMembers } from './remove-members.js';
import { remove } from './remove.js';
import { reply } from './reply.js';
import { role } from './role.js';
import { say } from './say.js';
import { tag } from './tag.js';
import { tagMembers } from './tag-members.js';
import { unmute } from './unmute.js';
import { untag } from './untag.js';
import { warn } from './warn.js';
import { webhook } from './webhook.js';

/**
 * One handler per action kind of the IR (`do`), one file each (docs/language.md, "Actions";
 * the output actions are docs/embedding.md, section 8). `Core.runActions` looks the handler up here; a
 * new kind is a new file and a line in this table, which the type below keeps complete.
 */

export type ActionHandler<A extends Action> = (core: Core, ctx: Ctx, a: A) => void;

export const ACTIONS: { readonly [K in Action['do']]: ActionHandler<Extract<Action, { do: K }>> } = Object.freeze({
  say,
  notify,
  deleteMessage,
  warn,
  forgive,
  mute,
  remove,
  removeMembers,
  tag,
  untag,
  tagMembers,
  award,
  awardBadge,
  draw,
  role,
  unmute,
  ban,
  pin,
  reply,
  join,
  webhook,
});
