/**
 * Handler overhead: each handler invoked in-process, warm, with its full middy stack, against the
 * very DynamoDB requests it made issued bare through the same client. Every DynamoDB `send` of an
 * invocation is recorded (command and input) and replayed as the bare side; rounds interleave the
 * operations in a new random order and flip which side of a pair runs first.
 *
 * Expects a running local store with the tables and the local tenants (bench/run.ts starts one).
 */
import { randomInt } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { SEED_BODY } from '../scripts/local/seedRequest';
import { signLocalToken } from '../scripts/local/tokens';
import { msSince, round, shuffled, spread, type Spread } from './stats';

type Client = { send: (command: unknown, ...rest: unknown[]) => Promise<unknown> };
type Command = { input: unknown; constructor: new (input: unknown) => unknown };

interface SentRequest {
  client: Client;
  command: Command;
}

/**
 * Records every DynamoDB request any client sends while `recording` is set. It wraps the SDK's
 * shared `send`, so clients made later (one per tenant, say) are seen as well.
 */
class RequestRecorder {
  private recording: SentRequest[] | undefined;
  private readonly original: Client['send'];
  private readonly base: Client;

  constructor() {
    this.base = Object.getPrototypeOf(DynamoDBClient.prototype) as Client;
    this.original = this.base.send;
    const recorder = this;
    this.base.send = function (this: Client, command: unknown, ...rest: unknown[]) {
      if (recorder.recording && (this instanceof DynamoDBClient || this instanceof DynamoDBDocumentClient)) {
        recorder.recording.push({ client: this, command: command as Command });
      }
      return recorder.original.call(this, command, ...rest);
    };
  }

  async during(body: () => Promise<void>): Promise<SentRequest[]> {
    const sent: SentRequest[] = [];
    this.recording = sent;
    try {
      await body();
    } finally {
      this.recording = undefined;
    }
    return sent;
  }

  restore(): void {
    this.base.send = this.original;
  }
}

/** A replayed conditional create finds its item already there: the store did the same work. */
const EXPECTED_ON_REPLAY = new Set(['ConditionalCheckFailedException', 'TransactionCanceledException']);

const replay = async (requests: readonly SentRequest[]): Promise<number> => {
  let conditionFailures = 0;
  for (const { client, command } of requests) {
    const Constructor = command.constructor;
    try {
      await client.send(new Constructor(structuredClone(command.input)));
    } catch (error) {
      if (!EXPECTED_ON_REPLAY.has((error as Error).name)) throw error;
      conditionFailures++;
    }
  }
  return conditionFailures;
};

const context = {
  functionName: 'bench',
  awsRequestId: 'bench',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:bench',
  memoryLimitInMB: '512',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

type Handler = (event: never, context: Context) => Promise<unknown>;

interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  token: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/** The API Gateway (HTTP API, payload 2.0) event of one call, as API Gateway hands it to the function. */
const eventFor = (call: HttpCall) => ({
  version: '2.0',
  routeKey: `${call.method} ${call.path}`,
  rawPath: call.path,
  rawQueryString: new URLSearchParams(call.query).toString(),
  isBase64Encoded: false,
  headers: { 'content-type': 'application/json', authorization: `Bearer ${call.token}` },
  requestContext: { http: { method: call.method, path: call.path } },
  ...(call.pathParameters && { pathParameters: call.pathParameters }),
  ...(call.query && { queryStringParameters: call.query }),
  ...(call.body !== undefined && { body: JSON.stringify(call.body) }),
});

type HttpResult = { statusCode: number; body: string };

const expectAnswer = (call: HttpCall, response: HttpResult, expectStatus: number): void => {
  if (response.statusCode !== expectStatus) {
    throw new Error(`${call.method} ${call.path} answered ${response.statusCode}: ${response.body}`);
  }
};

/** One call outside the measured rounds (setting the scene): its parsed answer. */
const invoke = async (handler: Handler, call: HttpCall, expectStatus: number): Promise<any> => {
  const response = (await handler(eventFor(call) as never, context)) as HttpResult;
  expectAnswer(call, response, expectStatus);
  return JSON.parse(response.body);
};

interface Operation {
  name: string;
  handler: Handler;
  /** One invocation's call; `round` lets each use fresh ids where it must. */
  call: (round: number) => HttpCall;
  expectStatus: number;
}

export interface OverheadRow {
  operation: string;
  requests: number;
  handlerMs: Spread;
  bareMs: Spread;
  /** Median handler time over median bare time. */
  ratio: number;
  /** Per-pair ratios (each handler run over the bare run beside it). */
  pairRatio: Spread;
  /** Median handler time minus median bare time: what the stack adds per request. */
  overheadMs: number;
  /**
   * CPU time of this process (user + system) over the same spans: the steadier figure on a shared
   * machine. It includes the local store's work, which runs in this process, on both sides.
   */
  handlerCpuMs: Spread;
  bareCpuMs: Spread;
  cpuRatio: number;
  /** Median handler CPU minus median bare CPU: what the stack's own work costs. */
  overheadCpuMs: number;
  /** Replayed conditional writes that failed their condition (a create replayed finds its item). */
  replayConditionFailures: number;
}

export interface OverheadResult {
  rounds: number;
  warmup: number;
  operations: OverheadRow[];
}

interface Timing {
  wall: number;
  cpu: number;
}

/** Wall and CPU milliseconds of `body`. */
const timed = async (body: () => Promise<unknown>): Promise<Timing> => {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await body();
  const used = process.cpuUsage(cpu);
  return { wall: msSince(start), cpu: (used.user + used.system) / 1000 };
};

const ms = (s: Spread): Spread => ({ median: round(s.median, 3), p25: round(s.p25, 3), p75: round(s.p75, 3), n: s.n });

/**
 * Silences the log output while the handlers run: with metrics on (as deployed) each invocation
 * writes its metrics as a log line, and that serialisation is part of what is measured; printing
 * is not.
 */
const withQuietStdout = async <T>(body: () => Promise<T>): Promise<T> => {
  // Imported here, after the bench has set the environment the logger and metrics read as they load.
  const { logOutput } = await import('../lib/log');
  const write = logOutput.write;
  logOutput.write = () => undefined;
  try {
    return await body();
  } finally {
    logOutput.write = write;
  }
};

export const measureOverhead = async ({
  rounds = 300,
  warmup = 30,
  log = console.error,
}: { rounds?: number; warmup?: number; log?: (line: string) => void } = {}): Promise<OverheadResult> => {
  const handlers = {
    startChat: (await import('../functions/startChat/handler')).handler as Handler,
    sendMessage: (await import('../functions/sendMessage/handler')).handler as Handler,
    listMessages: (await import('../functions/listMessages/handler')).handler as Handler,
    listRooms: (await import('../functions/listRooms/handler')).handler as Handler,
    getRoom: (await import('../functions/getRoom/handler')).handler as Handler,
    fetchRoomByUserAgent: (await import('../functions/fetchRoomByUserAgent/handler')).handler as Handler,
  };
  const recorder = new RequestRecorder();
  try {
    return await withQuietStdout(async () => {
      const base = randomInt(1, 2 ** 30) * 1000;
      const busyAgent = String(base);
      const busyToken = await signLocalToken(1, busyAgent, 'agent');
      const startChatCall = (agent: string, token: string, order_id: number): HttpCall => ({
        method: 'POST', path: '/api/v1/chat/startChat', token, body: { ...SEED_BODY, user_id: agent, order_id },
      });
      const startChat = (agent: string, token: string, order_id: number) => invoke(handlers.startChat, startChatCall(agent, token, order_id), 200);

      // A busy agent with a full page of rooms; rooms whose own agents send (one sender each, so no
      // sender's rate allowance runs out); a room with a full page of history.
      const ROOM_PAGE = 50;
      for (let i = 1; i <= ROOM_PAGE + 5; i++) await startChat(busyAgent, busyToken, base + i);
      const senders = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const agent = String(base + 500 + i);
          const token = await signLocalToken(1, agent, 'agent');
          const room = await startChat(agent, token, base + 500 + i);
          return { token, roomId: room.roomData._id as string };
        }),
      );
      const history = senders[0]!;
      const sendCall = (sender: { token: string; roomId: string }, text: string): HttpCall => ({
        method: 'POST',
        path: `/api/v1/chat/rooms/${sender.roomId}/messages`,
        token: sender.token,
        pathParameters: { _id: sender.roomId },
        body: { text, client_message_id: `bench-${randomInt(2 ** 40)}` },
      });
      for (let i = 0; i < 60; i++) {
        const admin = await signLocalToken(1, base + 900 + i, 'admin');
        await invoke(handlers.sendMessage, sendCall({ token: admin, roomId: history.roomId }, `history ${i}: on my way, about ten minutes`), 201);
      }
      const touchOrder = base + 1;
      let created = 0;

      const operations: Operation[] = [
        { name: 'startChat touch', handler: handlers.startChat, expectStatus: 200, call: () => startChatCall(busyAgent, busyToken, touchOrder) },
        {
          name: 'startChat create',
          handler: handlers.startChat,
          expectStatus: 200,
          call: () => startChatCall(busyAgent, busyToken, base + 100_000 + ++created),
        },
        {
          name: 'sendMessage',
          handler: handlers.sendMessage,
          expectStatus: 201,
          call: (i) => sendCall(senders[(i % (senders.length - 1)) + 1]!, 'On my way, ten minutes'),
        },
        {
          name: 'listMessages (page of 50)',
          handler: handlers.listMessages,
          expectStatus: 200,
          call: () => ({
            method: 'GET', path: `/api/v1/chat/rooms/${history.roomId}/messages`, token: history.token,
            pathParameters: { _id: history.roomId }, query: { limit: '50' },
          }),
        },
        {
          name: `listRooms (page of ${ROOM_PAGE})`,
          handler: handlers.listRooms,
          expectStatus: 200,
          call: () => ({ method: 'GET', path: '/api/v1/chat/rooms', token: busyToken, query: { limit: String(ROOM_PAGE) } }),
        },
        {
          name: 'getRoom',
          handler: handlers.getRoom,
          expectStatus: 200,
          call: () => ({ method: 'GET', path: `/api/v1/chat/rooms/${history.roomId}`, token: history.token, pathParameters: { _id: history.roomId } }),
        },
        {
          name: `fetchRoomByUserAgent (${ROOM_PAGE})`,
          handler: handlers.fetchRoomByUserAgent,
          expectStatus: 200,
          call: () => ({
            method: 'POST', path: '/api/room/fetchRoomByUserAgent', token: busyToken,
            body: { sub_domain: SEED_BODY.sub_domain, client_id: SEED_BODY.client_id, agent_id: busyAgent, type: 'agent-to-user', limit: ROOM_PAGE },
          }),
        },
      ];

      const handlerSamples = new Map(operations.map((op) => [op, [] as number[]]));
      const bareSamples = new Map(operations.map((op) => [op, [] as number[]]));
      const pairRatios = new Map(operations.map((op) => [op, [] as number[]]));
      const handlerCpu = new Map(operations.map((op) => [op, [] as number[]]));
      const bareCpu = new Map(operations.map((op) => [op, [] as number[]]));
      const lastRequests = new Map<Operation, SentRequest[]>();
      const requestCounts = new Map<Operation, number>();
      const conditionFailures = new Map(operations.map((op) => [op, 0]));

      for (let i = -warmup; i < rounds; i++) {
        for (const op of shuffled(operations)) {
          const timeHandler = async (): Promise<Timing> => {
            let timing: Timing = { wall: 0, cpu: 0 };
            // The event is built and the answer checked outside the span, as API Gateway and the
            // client do that outside the function: the span is the handler's own work.
            const call = op.call(i + warmup);
            const event = eventFor(call);
            let response: HttpResult | undefined;
            const sent = await recorder.during(async () => {
              timing = await timed(async () => {
                response = (await op.handler(event as never, context)) as HttpResult;
              });
            });
            expectAnswer(call, response!, op.expectStatus);
            lastRequests.set(op, sent);
            requestCounts.set(op, sent.length);
            return timing;
          };
          const timeBare = async (): Promise<Timing> => {
            let failures = 0;
            const timing = await timed(async () => {
              failures = await replay(lastRequests.get(op) ?? []);
            });
            if (i >= 0) conditionFailures.set(op, conditionFailures.get(op)! + failures);
            return timing;
          };
          if (!lastRequests.has(op)) await timeHandler();
          const handlerFirst = Math.random() < 0.5;
          const first = handlerFirst ? await timeHandler() : await timeBare();
          const second = handlerFirst ? await timeBare() : await timeHandler();
          const [handler, bare] = handlerFirst ? [first, second] : [second, first];
          if (i < 0) continue;
          handlerSamples.get(op)!.push(handler.wall);
          bareSamples.get(op)!.push(bare.wall);
          pairRatios.get(op)!.push(handler.wall / bare.wall);
          handlerCpu.get(op)!.push(handler.cpu);
          bareCpu.get(op)!.push(bare.cpu);
        }
        if (i >= 0 && (i + 1) % 50 === 0) log(`handler overhead: round ${i + 1}/${rounds}`);
      }

      return {
        rounds,
        warmup,
        operations: operations.map((op) => {
          const handlerMs = spread(handlerSamples.get(op)!);
          const bareMs = spread(bareSamples.get(op)!);
          const handlerCpuMs = spread(handlerCpu.get(op)!);
          const bareCpuMs = spread(bareCpu.get(op)!);
          return {
            operation: op.name,
            requests: requestCounts.get(op) ?? 0,
            handlerMs: ms(handlerMs),
            bareMs: ms(bareMs),
            ratio: round(handlerMs.median / bareMs.median),
            pairRatio: ((s) => ({ median: round(s.median), p25: round(s.p25), p75: round(s.p75), n: s.n }))(spread(pairRatios.get(op)!)),
            overheadMs: round(handlerMs.median - bareMs.median, 3),
            handlerCpuMs: ms(handlerCpuMs),
            bareCpuMs: ms(bareCpuMs),
            cpuRatio: round(handlerCpuMs.median / bareCpuMs.median),
            overheadCpuMs: round(handlerCpuMs.median - bareCpuMs.median, 3),
            replayConditionFailures: conditionFailures.get(op)!,
          };
        }),
      };
    });
  } finally {
    recorder.restore();
  }
};
