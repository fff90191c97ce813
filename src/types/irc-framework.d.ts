/**
 * The part of irc-framework 4.14 (CommonJS, no types of its own) the IRC adapter and its
 * tests use. Only what is declared here may be called.
 */
declare module 'irc-framework' {
  /** A parsed line. `tags` values are unescaped; a tag without a value is ''. */
  export interface IrcMessage {
    tags: Record<string, string>;
    prefix: string;
    nick: string;
    ident: string;
    hostname: string;
    command: string;
    params: string[];
  }

  export function ircLineParser(line: string): IrcMessage | undefined;

  export interface ClientOptions {
    host: string;
    port: number;
    tls?: boolean;
    rejectUnauthorized?: boolean;
    nick: string;
    username?: string;
    gecos?: string;
    /** Server password (PASS). Without `account`, irc-framework also tries it as SASL. */
    password?: string;
    /** SASL PLAIN credentials; an empty object turns SASL off. */
    account?: { account?: string; password?: string };
    /** Reply to CTCP VERSION with this text; null for no reply. */
    version?: string | null;
    enable_chghost?: boolean;
    enable_echomessage?: boolean;
    auto_reconnect?: boolean;
    auto_reconnect_max_retries?: number;
    auto_reconnect_max_wait?: number;
    ping_interval?: number;
    ping_timeout?: number;
    outgoing_addr?: string;
  }

  export interface Connection {
    connected: boolean;
    write(data: string, callback?: () => void): boolean;
    end(data?: string, hadError?: boolean): void;
    on(event: 'message', listener: (message: IrcMessage, rawLine: string) => void): this;
    on(event: 'connecting' | 'socket connected' | 'socket close' | 'close', listener: (...args: unknown[]) => void): this;
    removeAllListeners(event?: string): this;
  }

  export class Client {
    constructor(options?: Partial<ClientOptions>);
    readonly connected: boolean;
    connection: Connection;
    user: { nick: string };
    network: { cap: { isEnabled(cap: string): boolean; enabled: string[] } };
    connect(options?: ClientOptions): void;
    requestCap(cap: string | string[]): void;
    quit(message?: string): void;
    on(event: 'reconnecting', listener: (info: { attempt: number; max_retries: number; wait: number }) => void): this;
    on(event: 'close' | 'socket close' | 'registered' | 'connecting', listener: (...args: unknown[]) => void): this;
    removeAllListeners(event?: string): this;
  }
}
