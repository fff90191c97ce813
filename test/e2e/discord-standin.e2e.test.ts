/**
 * The Discord stand-in refuses what Discord's documentation does not allow, so an adapter that
 * sends a wrong request fails its tests instead of passing against a lenient fake: raw HTTP
 * and WebSocket clients here, no discord.js.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { DiscordStandIn } from './servers/discord-standin.js';

const TOKEN = 'refusals.token';

describe('the Discord stand-in', () => {
  let server: DiscordStandIn;
  let member: string;
  beforeAll(async () => {
    server = new DiscordStandIn({ token: TOKEN, heartbeatIntervalMs: 200 });
    await server.start();
    member = server.user('ann');
    server.join(member);
  });
  afterAll(async () => {
    await server?.stop();
  });

  const call = async (method: string, path: string, body?: unknown, token = TOKEN) => {
    const res = await fetch(`${server.api}/v10${path}`, {
      method,
      headers: { authorization: `Bot ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
  };

  it('answers REST requests the documentation does not allow with Discord errors', async () => {
    const g = server.state.guildId;
    const ch = server.state.channelByName('general').id;
    expect(await call('GET', '/gateway/bot', undefined, 'wrong')).toMatchObject({ status: 401, json: { code: 0, message: '401: Unauthorized' } });
    expect(await call('GET', '/no/such/route')).toMatchObject({ status: 404, json: { code: 0, message: '404: Not Found' } });
    expect(await call('POST', `/guilds/${g}/members/${member}`, {})).toMatchObject({ status: 405 });
    expect(await call('POST', '/users/@me/channels', {})).toMatchObject({
      status: 400,
      json: { code: 50035, errors: { recipient_id: { _errors: [{ code: 'BASE_TYPE_REQUIRED' }] } } },
    });
    expect(await call('POST', `/channels/${ch}/messages`, {})).toMatchObject({ status: 400, json: { code: 50006 } });
    const tooLong = new Date(Date.now() + 29 * 86_400_000).toISOString();
    expect(await call('PATCH', `/guilds/${g}/members/${member}`, { communication_disabled_until: tooLong })).toMatchObject({
      status: 400,
      json: { code: 50035 },
    });
    expect(await call('PUT', `/guilds/${g}/bans/${member}`, { delete_message_seconds: 604_801 })).toMatchObject({ status: 400, json: { code: 50035 } });
    expect(await call('DELETE', `/channels/${ch}/messages/123`)).toMatchObject({ status: 404, json: { code: 10008 } });
    expect(await call('DELETE', `/guilds/${g}/members/999`)).toMatchObject({ status: 404, json: { code: 10007 } });
    expect(server.state.members.has(member)).toBe(true);
    expect(server.state.bans.size).toBe(0);
  });

  it('answers 429 with retry_after and the rate-limit headers when asked, then serves the retry', async () => {
    server.rateLimitNext(/^GET \/gateway\/bot$/, 2);
    const limited = await call('GET', '/gateway/bot');
    expect(limited).toMatchObject({ status: 429, json: { retry_after: 2, global: false } });
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-bucket')).toBeTruthy();
    expect(await call('GET', '/gateway/bot')).toMatchObject({ status: 200, json: { url: server.gatewayUrl, shards: 1 } });
  });

  const gateway = (query = '?v=10&encoding=json') => {
    const ws = new WebSocket(`${server.gatewayUrl}${query}`);
    const frames: { op: number; t?: string }[] = [];
    ws.on('message', (raw) => frames.push(JSON.parse(String(raw)) as { op: number; t?: string }));
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    return { ws, frames, closed };
  };
  const identify = (token: string, intents: number) => ({
    op: 2,
    d: { token, intents, properties: { os: 'linux', browser: 'test', device: 'test' } },
  });

  it('closes the gateway on a wrong version (4012) and a wrong token (4004), and ACKs heartbeats', async () => {
    expect(await gateway('?v=9&encoding=json').closed).toBe(4012);
    const bad = gateway();
    bad.ws.on('open', () => bad.ws.send(JSON.stringify(identify('wrong', 1))));
    expect(await bad.closed).toBe(4004);
    expect(bad.frames[0]).toMatchObject({ op: 10, d: { heartbeat_interval: 200 } });

    const good = gateway();
    good.ws.on('open', () => {
      good.ws.send(JSON.stringify({ op: 1, d: null }));
      good.ws.send(JSON.stringify(identify(TOKEN, 1)));
    });
    await new Promise<void>((resolve) => {
      const check = () => (good.frames.some((f) => f.t === 'GUILD_CREATE') ? resolve() : setTimeout(check, 20));
      check();
    });
    expect(good.frames.map((f) => f.t ?? f.op)).toEqual([10, 11, 'READY', 'GUILD_CREATE']);
    good.ws.close(1000);
    await good.closed;
  });

  it('closes with 4014 when the privileged intents are not enabled for the application', async () => {
    const strict = new DiscordStandIn({ token: TOKEN, privilegedIntents: false });
    await strict.start();
    try {
      const ws = new WebSocket(`${strict.gatewayUrl}?v=10&encoding=json`);
      const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
      ws.on('open', () => ws.send(JSON.stringify(identify(TOKEN, 1 | 2))));
      expect(await closed).toBe(4014);
    } finally {
      await strict.stop();
    }
  });
});
