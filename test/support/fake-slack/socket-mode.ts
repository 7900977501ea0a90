// Slack's side of Socket Mode: `apps.connections.open` hands out a one-use ws:// URL, the server
// greets with `hello`, pushes envelopes and expects each acked within 3 s, and can ask the
// client to reconnect with a `disconnect` frame.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface SendOptions {
  /** Slack's rule is 3 s; the promise rejects if no ack arrives in time. */
  ackTimeoutMs?: number;
  retryAttempt?: number;
  retryReason?: string;
  acceptsResponsePayload?: boolean;
  /**
   * Which open connection gets the envelope: its place among the open ones in the order they were
   * opened (0: the oldest). Slack hands each envelope to any one of an app's connections; tests
   * with several agents pick one. The newest by default.
   */
  connection?: number;
}

export interface SocketModeControl {
  /** Connections the fake has accepted so far (a reconnect makes it grow). */
  readonly connectionsOpened: number;
  readonly openConnections: number;
  /** Every frame the client sent that was not a ping, parsed. */
  readonly received: readonly Record<string, unknown>[];
  waitForConnection(count?: number, timeoutMs?: number): Promise<void>;
  /** Sends an envelope to the newest connection (or `opts.connection`) and resolves with the client's ack. */
  send(type: EnvelopeType, payload: Record<string, unknown>, opts?: SendOptions): Promise<SocketAck>;
  disconnect(reason?: 'refresh_requested' | 'warning' | 'link_disabled'): void;
}

export class FakeSocketMode implements SocketModeControl {
  readonly #wss = new WebSocketServer({ noServer: true });
  readonly #tickets = new Set<string>();
  readonly #sockets: WebSocket[] = [];
  readonly #pending = new Map<string, (ack: SocketAck) => void>();
  readonly #waiters: Array<() => void> = [];
  readonly #appId: string;
  readonly #received: Record<string, unknown>[] = [];
  #opened = 0;
  #pinger: NodeJS.Timeout | undefined;

  constructor(appId: string) {
    this.#appId = appId;
    // The SDK client drops a connection that hears no server ping for 30 s.
    this.#pinger = setInterval(() => this.#sockets.forEach((s) => s.readyState === WebSocket.OPEN && s.ping()), 10_000);
    this.#pinger.unref();
  }

  get connectionsOpened(): number {
    return this.#opened;
  }

  get openConnections(): number {
    return this.#sockets.filter((s) => s.readyState === WebSocket.OPEN).length;
  }

  get received(): readonly Record<string, unknown>[] {
    return this.#received;
  }

  /** A fresh one-use URL, as apps.connections.open returns. */
  newUrl(baseWsUrl: string): string {
    const ticket = randomUUID();
    this.#tickets.add(ticket);
    return `${baseWsUrl}/socket-mode/link/?ticket=${ticket}&app_id=${this.#appId}`;
  }

  /** Handles an HTTP upgrade; false when the path is not ours. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (url.pathname !== '/socket-mode/link/') return false;
    const ticket = url.searchParams.get('ticket') ?? '';
    if (!this.#tickets.delete(ticket)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return true;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
    return true;
  }

  #accept(ws: WebSocket): void {
    this.#sockets.push(ws);
    ws.on('message', (data) => {
      let frame: Record<string, unknown>;
      try {
        frame = JSON.parse(String(data)) as Record<string, unknown>;
      } catch {
        return;
      }
      this.#received.push(frame);
      const id = typeof frame.envelope_id === 'string' ? frame.envelope_id : undefined;
      if (id) this.#pending.get(id)?.(frame as unknown as SocketAck);
    });
    ws.on('close', () => {
      const i = this.#sockets.indexOf(ws);
      if (i !== -1) this.#sockets.splice(i, 1);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.#sockets.length,
        connection_info: { app_id: this.#appId },
        debug_info: { host: 'fake-slack', build_number: 1, approximate_connection_time: 3600 },
      }),
    );
    this.#opened++;
    this.#waiters.splice(0).forEach((w) => w());
  }

  async waitForConnection(count = 1, timeoutMs = 15_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.#opened < count || this.openConnections === 0) {
      const left = deadline - performance.now();
      if (left <= 0) throw new Error(`fake Slack: no Socket Mode connection #${count} within ${timeoutMs} ms (opened ${this.#opened})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  send(type: EnvelopeType, payload: Record<string, unknown>, opts: SendOptions = {}): Promise<SocketAck> {
    const open = this.#sockets.filter((s) => s.readyState === WebSocket.OPEN);
    const ws = opts.connection === undefined ? open.at(-1) : open[opts.connection];
    if (!ws) return Promise.reject(new Error(opts.connection === undefined ? 'fake Slack: no open Socket Mode connection' : `fake Slack: no open Socket Mode connection #${opts.connection} (${open.length} open)`));
    const envelopeId = randomUUID();
    const timeoutMs = opts.ackTimeoutMs ?? 3000;
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(envelopeId);
        reject(new Error(`fake Slack: envelope ${type} ${envelopeId} was not acked within ${timeoutMs} ms (Slack would show the user an error)`));
      }, timeoutMs);
      this.#pending.set(envelopeId, (ack) => {
        clearTimeout(timer);
        this.#pending.delete(envelopeId);
        resolve(ack);
      });
      ws.send(
        JSON.stringify({
          envelope_id: envelopeId,
          type,
          payload,
          accepts_response_payload: opts.acceptsResponsePayload ?? type !== 'events_api',
          retry_attempt: opts.retryAttempt ?? 0,
          retry_reason: opts.retryReason ?? '',
        }),
      );
    });
  }

  disconnect(reason: 'refresh_requested' | 'warning' | 'link_disabled' = 'refresh_requested'): void {
    for (const ws of this.#sockets) {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#pinger);
    // Close politely first so a client that is itself closing does not see a torn connection.
    await Promise.all(
      [...this.#sockets].map(
        (ws) =>
          new Promise<void>((resolve) => {
            if (ws.readyState === WebSocket.CLOSED) return resolve();
            const t = setTimeout(() => {
              ws.terminate();
              resolve();
            }, 1000);
            ws.once('close', () => {
              clearTimeout(t);
              resolve();
            });
            if (ws.readyState === WebSocket.OPEN) ws.close(1001, 'fake Slack closing');
          }),
      ),
    );
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}
