/**
 * The OneBot v11 frames the QQ adapter reads and writes, with the field names of the standard
 * (github.com/botuniverse/onebot-11: event/*.md, api/public.md, message/*.md, communication/ws.md).
 * There is no official type package for OneBot, so these are written here from the text of the
 * standard, and only for what the adapter uses; implementations (NapCat, Lagrange) add fields of
 * their own, which are left out. QQ numbers and group numbers are JSON numbers (int64 in the
 * standard, below 2^53 in practice); message ids are int32.
 */

/** A message segment (message/array.md): `type` is the CQ code's name, `data` its parameters. */
export type Segment =
  | { type: 'text'; data: { text: string } }
  /** `qq` is a QQ number as a string, or `all` (everybody). */
  | { type: 'at'; data: { qq: string; name?: string } }
  | { type: 'reply'; data: { id: string } }
  | { type: 'face'; data: { id: string } }
  | { type: string; data: Record<string, unknown> | null };

/** `message` in events and API calls: a segment array, one segment, or a string of CQ codes (message/string.md). */
export type Message = Segment[] | Segment | string;

/** event/message.md, `sender` of a group message: best effort, every field may be missing. */
export interface GroupSender {
  user_id?: number;
  nickname?: string;
  card?: string;
  role?: 'owner' | 'admin' | 'member';
  title?: string;
}

interface EventBase {
  time: number;
  self_id: number;
}

/** event/message.md, 群消息. */
export interface GroupMessageEvent extends EventBase {
  post_type: 'message';
  message_type: 'group';
  sub_type: 'normal' | 'anonymous' | 'notice';
  message_id: number;
  group_id: number;
  user_id: number;
  anonymous: { id: number; name: string; flag: string } | null;
  message: Message;
  raw_message: string;
  font: number;
  sender: GroupSender;
}

/** event/message.md, 私聊消息 (read only to be ignored: the bot takes no commands). */
export interface PrivateMessageEvent extends EventBase {
  post_type: 'message';
  message_type: 'private';
  sub_type: 'friend' | 'group' | 'other';
  message_id: number;
  user_id: number;
  message: Message;
  raw_message: string;
  font: number;
  sender: { user_id?: number; nickname?: string };
}

/** event/notice.md, 群成员增加. */
export interface GroupIncreaseNotice extends EventBase {
  post_type: 'notice';
  notice_type: 'group_increase';
  sub_type: 'approve' | 'invite';
  group_id: number;
  operator_id: number;
  user_id: number;
}

/** event/notice.md, 群成员减少 (`kick_me`: the bot itself was kicked). */
export interface GroupDecreaseNotice extends EventBase {
  post_type: 'notice';
  notice_type: 'group_decrease';
  sub_type: 'leave' | 'kick' | 'kick_me';
  group_id: number;
  operator_id: number;
  user_id: number;
}

/** event/notice.md, 群管理员变动. */
export interface GroupAdminNotice extends EventBase {
  post_type: 'notice';
  notice_type: 'group_admin';
  sub_type: 'set' | 'unset';
  group_id: number;
  user_id: number;
}

/** event/notice.md, 群禁言 (`duration` in seconds). */
export interface GroupBanNotice extends EventBase {
  post_type: 'notice';
  notice_type: 'group_ban';
  sub_type: 'ban' | 'lift_ban';
  group_id: number;
  operator_id: number;
  user_id: number;
  duration: number;
}

/** event/notice.md, 群消息撤回. */
export interface GroupRecallNotice extends EventBase {
  post_type: 'notice';
  notice_type: 'group_recall';
  group_id: number;
  user_id: number;
  operator_id: number;
  message_id: number;
}

/** event/request.md, 加群请求／邀请: `flag` is what set_group_add_request answers. */
export interface GroupRequest extends EventBase {
  post_type: 'request';
  request_type: 'group';
  sub_type: 'add' | 'invite';
  group_id: number;
  user_id: number;
  comment: string;
  flag: string;
}

/** event/meta.md, 生命周期 (`connect` over WebSocket). */
export interface LifecycleMeta extends EventBase {
  post_type: 'meta_event';
  meta_event_type: 'lifecycle';
  sub_type: 'enable' | 'disable' | 'connect';
}

/** event/meta.md, 心跳: `interval` ms until the next one. */
export interface HeartbeatMeta extends EventBase {
  post_type: 'meta_event';
  meta_event_type: 'heartbeat';
  status: { online?: boolean | null; good?: boolean };
  interval: number;
}

export type OneBotEvent =
  | GroupMessageEvent
  | PrivateMessageEvent
  | GroupIncreaseNotice
  | GroupDecreaseNotice
  | GroupAdminNotice
  | GroupBanNotice
  | GroupRecallNotice
  | GroupRequest
  | LifecycleMeta
  | HeartbeatMeta;

/** communication/ws.md: an API call. `echo` comes back unchanged in the response. */
export interface ApiCall<A extends keyof ApiParams = keyof ApiParams> {
  action: A;
  params: ApiParams[A];
  echo: string;
}

/**
 * api/README.md and communication/http.md: `ok` with retcode 0, `async` with retcode 1 (the
 * outcome is not known), `failed` with any other retcode (1400 bad request, 1404 no such action,
 * others the implementation's own). `msg` and `wording` are not in the standard but NapCat,
 * Lagrange and go-cqhttp all send them with a failure; they are read when present.
 */
export interface ApiResponse<D = unknown> {
  status: 'ok' | 'async' | 'failed';
  retcode: number;
  data: D | null;
  echo?: unknown;
  msg?: string;
  wording?: string;
}

/** api/public.md, the parameters of each action the adapter calls. */
export interface ApiParams {
  send_group_msg: { group_id: number; message: Message; auto_escape?: boolean };
  send_private_msg: { user_id: number; message: Message; auto_escape?: boolean };
  delete_msg: { message_id: number };
  set_group_ban: { group_id: number; user_id: number; duration?: number };
  set_group_kick: { group_id: number; user_id: number; reject_add_request?: boolean };
  set_group_admin: { group_id: number; user_id: number; enable?: boolean };
  set_group_add_request: { flag: string; sub_type: 'add' | 'invite'; approve?: boolean; reason?: string };
  get_login_info: Record<string, never>;
  get_group_info: { group_id: number; no_cache?: boolean };
  get_group_member_info: { group_id: number; user_id: number; no_cache?: boolean };
  get_group_member_list: { group_id: number };
}

/** api/public.md, what the actions above answer in `data`. */
export interface MessageIdData {
  message_id: number;
}
export interface LoginInfo {
  user_id: number;
  nickname: string;
}
export interface GroupInfo {
  group_id: number;
  group_name: string;
  member_count: number;
  max_member_count: number;
}
export interface GroupMemberInfo {
  group_id: number;
  user_id: number;
  nickname: string;
  card: string;
  role: 'owner' | 'admin' | 'member';
  join_time?: number;
  last_sent_time?: number;
}

/** The retcodes communication/ws.md names (the HTTP status codes moved into the frame). */
export const RETCODE = { ok: 0, async: 1, badRequest: 1400, unauthorized: 1401, forbidden: 1403, notFound: 1404 } as const;
