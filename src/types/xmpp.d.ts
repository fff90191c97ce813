/**
 * The part of @xmpp/client 0.14 (ES module, no types of its own) the XMPP adapter and its tests
 * use. Elements are ltx elements; only what is declared here may be called.
 */
declare module '@xmpp/client' {
  export type XmlChild = XmlElement | string;

  export interface XmlElement {
    name: string;
    attrs: Record<string, string | undefined>;
    children: XmlChild[];
    parent: XmlElement | null;
    /** Same name and, when given, namespace (inherited from ancestors). */
    is(name: string, xmlns?: string): boolean;
    getNS(): string | undefined;
    getChild(name: string, xmlns?: string): XmlElement | undefined;
    getChildren(name: string, xmlns?: string): XmlElement[];
    getChildElements(): XmlElement[];
    /** Text of the first child with that name, or null when there is none. */
    getChildText(name: string, xmlns?: string): string | null;
    /** The concatenated text children. */
    text(): string;
    toString(): string;
  }

  /** `xml('iq', { type: 'set' }, child, 'text')`: null/undefined children are left out. */
  export function xml(
    name: string,
    attrs?: Record<string, string | number | undefined> | null,
    ...children: (XmlChild | null | undefined | false)[]
  ): XmlElement;

  export interface ClientOptions {
    /** `xmpp://host:port`, `xmpps://host:port` or a WebSocket URL. */
    service: string;
    domain?: string;
    resource?: string;
    username?: string;
    password?: string;
    /**
     * Called to authenticate instead of the built-in choice of mechanism: `authenticate`
     * runs SASL with the credentials and mechanism given; `mechanisms` are the ones offered.
     */
    credentials?: (
      authenticate: (credentials: { username: string; password: string }, mechanism: string, userAgent?: XmlElement) => Promise<void>,
      mechanisms: string[],
      fast: unknown,
      entity: Client,
    ) => Promise<void>;
    /** Stream open and close time limit (ms). */
    timeout?: number;
  }

  export interface Jid {
    local: string;
    domain: string;
    resource: string;
    bare(): Jid;
    toString(): string;
  }

  export interface XmppError extends Error {
    /** The defined condition, e.g. `forbidden`, `item-not-found`, `not-authorized`. */
    condition: string;
    text: string;
    type?: string;
  }

  export interface IqCaller {
    /** Sends the iq (an id is added when missing) and resolves with the result, rejects with a StanzaError or a timeout. */
    request(iq: XmlElement, timeoutMs?: number): Promise<XmlElement>;
  }

  export interface Reconnect {
    /** Wait before a reconnection attempt (ms). */
    delay: number;
    start(): void;
    stop(): void;
    on(event: 'reconnecting' | 'reconnected', listener: () => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
  }

  export type ClientStatus = 'offline' | 'connecting' | 'connect' | 'opening' | 'open' | 'online' | 'closing' | 'close' | 'disconnecting' | 'disconnect';

  export interface Client {
    jid: Jid | null;
    status: ClientStatus;
    iqCaller: IqCaller;
    reconnect: Reconnect;
    /** Connects, authenticates, binds; resolves with our full JID when online. */
    start(): Promise<Jid>;
    /** Closes the stream and the socket. */
    stop(): Promise<unknown>;
    send(element: XmlElement): Promise<void>;
    isSecure(): boolean;
    on(event: 'stanza', listener: (stanza: XmlElement) => void): this;
    on(event: 'online', listener: (jid: Jid) => void): this;
    on(event: 'offline' | 'disconnect' | 'connect', listener: (detail?: unknown) => void): this;
    on(event: 'status', listener: (status: ClientStatus, detail?: unknown) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    off(event: string, listener: (...args: never[]) => void): this;
    removeAllListeners(event?: string): this;
  }

  export function client(options: ClientOptions): Client;
}
