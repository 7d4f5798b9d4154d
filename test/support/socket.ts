/** A real WebSocket client (the `ws` package) against the serverless-offline that globalSetup started. */
import WebSocket from 'ws';
import { checkFrameContract } from './contract';

export interface SocketClient {
  /** Every JSON frame received so far, in order. */
  frames: any[];
  /** performance.now() at each frame's arrival, index for index with `frames`. */
  arrivals: number[];
  send(frame: unknown): void;
  /** Resolves with the first frame (from the start) matching, or rejects at the deadline. */
  waitFor(match: (frame: any) => boolean, timeoutMs?: number): Promise<any>;
  /** Resolves once `count` frames match, or rejects at the deadline. */
  waitForCount(match: (frame: any) => boolean, count: number, timeoutMs?: number): Promise<any[]>;
  close(): Promise<void>;
  /** Drop the TCP connection without a close handshake (as a phone losing its network would). */
  terminate(): void;
  /** Resolves with the close code once the socket has closed (from either side), or rejects at the deadline. */
  waitForClose(timeoutMs?: number): Promise<number>;
  socket: WebSocket;
}

export const wsUrl = (): string => {
  const url = process.env.WS_URL;
  if (!url) throw new Error('WS_URL is not set: run through jest, whose globalSetup starts serverless-offline');
  return url;
};

export type Refusal = { refused: true; status: number };

/** Open a socket; resolves once open, or with the upgrade's refusal status. */
export const connect = (options: { token?: string; header?: string; url?: string } = {}): Promise<SocketClient | Refusal> =>
  new Promise((resolve, reject) => {
    const url = options.url ?? (options.token === undefined ? wsUrl() : `${wsUrl()}/?token=${encodeURIComponent(options.token)}`);
    const socket = new WebSocket(url, options.header ? { headers: { Authorization: options.header } } : {});
    const frames: any[] = [];
    const arrivals: number[] = [];
    const listeners = new Set<() => void>();
    const closed = new Promise<number>((done) => socket.once('close', (code) => done(code)));
    socket.on('message', (data) => {
      arrivals.push(performance.now());
      const frame = JSON.parse(String(data));
      // Every frame any test receives must keep to the AsyncAPI document (test/support/contract.ts).
      checkFrameContract(frame);
      frames.push(frame);
      for (const listener of listeners) listener();
    });
    socket.once('unexpected-response', (_request, response) => {
      response.resume();
      resolve({ refused: true, status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('error', (error) => reject(error));
    socket.once('open', () => {
      const waitForCount = (match: (frame: any) => boolean, count: number, timeoutMs = 10_000) =>
        new Promise<any[]>((done, fail) => {
          const check = () => {
            const matching = frames.filter(match);
            if (matching.length < count) return false;
            listeners.delete(check);
            clearTimeout(timer);
            done(matching);
            return true;
          };
          const timer = setTimeout(() => {
            listeners.delete(check);
            fail(new Error(`expected ${count} matching frames within ${timeoutMs} ms, got ${frames.filter(match).length}: ${JSON.stringify(frames).slice(0, 500)}`));
          }, timeoutMs);
          if (!check()) listeners.add(check);
        });
      resolve({
        frames,
        arrivals,
        socket,
        send: (frame) => socket.send(JSON.stringify(frame)),
        waitFor: async (match, timeoutMs) => (await waitForCount(match, 1, timeoutMs))[0],
        waitForCount,
        close: () =>
          new Promise<void>((done) => {
            if (socket.readyState === WebSocket.CLOSED) return done();
            socket.once('close', () => done());
            socket.close();
          }),
        terminate: () => socket.terminate(),
        waitForClose: (timeoutMs = 10_000) => {
          let timer: NodeJS.Timeout | undefined;
          const deadline = new Promise<never>((_, fail) => {
            timer = setTimeout(() => fail(new Error(`socket still open after ${timeoutMs} ms`)), timeoutMs);
          });
          return Promise.race([closed, deadline]).finally(() => clearTimeout(timer));
        },
      });
    });
  });

export const isRefusal = (value: SocketClient | Refusal): value is Refusal => 'refused' in value;

/** Connect and insist on success. */
export const open = async (token: string): Promise<SocketClient> => {
  const client = await connect({ token });
  if (isRefusal(client)) throw new Error(`connection refused with ${client.status}`);
  return client;
};
