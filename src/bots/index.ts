/**
 * `playbook/bots`: the bot behind `playbook bot` (docs/bots.md) and the contract a chat platform
 * implements to run under it. A subpath of its own, so `import … from 'playbook'` loads no store
 * and no chat client (issue 14, item 5). The XMPP and IRC adapters of the CLI are not exported.
 */
export { Bot, type BotOptions, type DeliveryReport } from './bot.js';
export {
  PLATFORM_ACTIONS,
  type ChatAdapter,
  type Capabilities,
  type ChatEvent,
  type ActionOutcome,
  type AdapterEvents,
  type RoomBinding,
  type UndoRecord,
  type RemoveMode,
} from './adapter.js';
