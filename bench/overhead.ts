/**
 * Handler overhead: each handler invoked in-process, warm, with its full middy stack, against the
 * very DynamoDB requests it made issued bare through the same client. Every DynamoDB `send` of an
 * invocation is recorded (command and input) and replayed as the bare side; rounds interleave the
 * operations in a new random order and flip which side of a pair runs first.
 *
 * Expects a running local store with the tables and the local tenants (bench/run.ts starts one).
 */
import { randomInt } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { SEED_BODY } from '../scripts/local/seedRequest';
import { signLocalToken } from '../scripts/local/tokens';
import { replay, RequestRecorder, type SentRequest } from './requestReplay';
import { msSince, round, shuffled, spread, type Spread } from './stats';

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

/** The handlers, imported after the bench has set the environment they read as they load. */
const loadHandlers = async () => ({
  startChat: (await import('../functions/startChat/handler')).handler as Handler,
  sendMessage: (await import('../functions/sendMessage/handler')).handler as Handler,
  listMessages: (await import('../functions/listMessages/handler')).handler as Handler,
  listRooms: (await import('../functions/listRooms/handler')).handler as Handler,
  getRoom: (await import('../functions/getRoom/handler')).handler as Handler,
  fetchRoomByUserAgent: (await import('../functions/fetchRoomByUserAgent/handler')).handler as Handler,
});

type Handlers = Awaited<ReturnType<typeof loadHandlers>>;

/** An agent with a room of their own, signed in. */
interface Sender {
  token: string;
  roomId: string;
}

const ROOM_PAGE = 50;

const startChatCall = (agent: string, token: string, order_id: number): HttpCall => ({
  method: 'POST', path: '/api/v1/chat/startChat', token, body: { ...SEED_BODY, user_id: agent, order_id },
});

const sendCall = (sender: Sender, text: string): HttpCall => ({
  method: 'POST',
  path: `/api/v1/chat/rooms/${sender.roomId}/messages`,
  token: sender.token,
  pathParameters: { _id: sender.roomId },
  body: { text, client_message_id: `bench-${randomInt(2 ** 40)}` },
});

/** What the measured operations work on, made before the rounds. */
interface Scene {
  base: number;
  busyAgent: string;
  busyToken: string;
  senders: Sender[];
  /** The room with a full page of history (the first sender's). */
  history: Sender;
}

/**
 * A busy agent with a full page of rooms; rooms whose own agents send (one sender each, so no
 * sender's rate allowance runs out); a room with a full page of history.
 */
const setScene = async (handlers: Handlers): Promise<Scene> => {
  const base = randomInt(1, 2 ** 30) * 1000;
  const busyAgent = String(base);
  const busyToken = await signLocalToken(1, busyAgent, 'agent');
  const startChat = (agent: string, token: string, order_id: number) => invoke(handlers.startChat, startChatCall(agent, token, order_id), 200);
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
  for (let i = 0; i < 60; i++) {
    const admin = await signLocalToken(1, base + 900 + i, 'admin');
    await invoke(handlers.sendMessage, sendCall({ token: admin, roomId: history.roomId }, `history ${i}: on my way, about ten minutes`), 201);
  }
  return { base, busyAgent, busyToken, senders, history };
};

const operationsIn = (handlers: Handlers, { base, busyAgent, busyToken, senders, history }: Scene): Operation[] => {
  const touchOrder = base + 1;
  let created = 0;
  return [
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
};

/** What the measured rounds gather for one operation. */
interface Samples {
  handlerWall: number[];
  bareWall: number[];
  pairRatios: number[];
  handlerCpu: number[];
  bareCpu: number[];
  /** The requests of the operation's latest handler run: what the bare side replays. */
  lastRequests?: SentRequest[];
  conditionFailures: number;
}

const noSamples = (): Samples => ({ handlerWall: [], bareWall: [], pairRatios: [], handlerCpu: [], bareCpu: [], conditionFailures: 0 });

/** The handler side of a pair; the requests it sends become the bare side. */
const timeHandler = async (recorder: RequestRecorder, op: Operation, round: number, samples: Samples): Promise<Timing> => {
  let timing: Timing = { wall: 0, cpu: 0 };
  // The event is built and the answer checked outside the span, as API Gateway and the client do
  // that outside the function: the span is the handler's own work.
  const call = op.call(round);
  const event = eventFor(call);
  let response: HttpResult | undefined;
  samples.lastRequests = await recorder.during(async () => {
    timing = await timed(async () => {
      response = (await op.handler(event as never, context)) as HttpResult;
    });
  });
  expectAnswer(call, response!, op.expectStatus);
  return timing;
};

const timeBare = async (samples: Samples, counted: boolean): Promise<Timing> => {
  let failures = 0;
  const timing = await timed(async () => {
    failures = await replay(samples.lastRequests ?? []);
  });
  if (counted) samples.conditionFailures += failures;
  return timing;
};

/**
 * One operation's pair in round `i` (negative while warming up, and then nothing is kept): the
 * handler and its requests bare, in a random order.
 */
const runPair = async (recorder: RequestRecorder, op: Operation, samples: Samples, i: number, warmup: number): Promise<void> => {
  const handlerSide = () => timeHandler(recorder, op, i + warmup, samples);
  const bareSide = () => timeBare(samples, i >= 0);
  if (!samples.lastRequests) await handlerSide();
  const handlerFirst = Math.random() < 0.5;
  const first = handlerFirst ? await handlerSide() : await bareSide();
  const second = handlerFirst ? await bareSide() : await handlerSide();
  const [handler, bare] = handlerFirst ? [first, second] : [second, first];
  if (i < 0) return;
  samples.handlerWall.push(handler.wall);
  samples.bareWall.push(bare.wall);
  samples.pairRatios.push(handler.wall / bare.wall);
  samples.handlerCpu.push(handler.cpu);
  samples.bareCpu.push(bare.cpu);
};

/** The warm-up rounds, then the measured ones, each running every operation's pair in a new random order. */
const runRounds = async (
  recorder: RequestRecorder,
  operations: Operation[],
  { rounds, warmup, log }: { rounds: number; warmup: number; log: (line: string) => void },
): Promise<Map<Operation, Samples>> => {
  const samples = new Map(operations.map((op) => [op, noSamples()]));
  for (let i = -warmup; i < rounds; i++) {
    for (const op of shuffled(operations)) await runPair(recorder, op, samples.get(op)!, i, warmup);
    if (i >= 0 && (i + 1) % 50 === 0) log(`handler overhead: round ${i + 1}/${rounds}`);
  }
  return samples;
};

const summarise = (op: Operation, samples: Samples): OverheadRow => {
  const handlerMs = spread(samples.handlerWall);
  const bareMs = spread(samples.bareWall);
  const handlerCpuMs = spread(samples.handlerCpu);
  const bareCpuMs = spread(samples.bareCpu);
  const pairRatio = spread(samples.pairRatios);
  return {
    operation: op.name,
    requests: samples.lastRequests?.length ?? 0,
    handlerMs: ms(handlerMs),
    bareMs: ms(bareMs),
    ratio: round(handlerMs.median / bareMs.median),
    pairRatio: { median: round(pairRatio.median), p25: round(pairRatio.p25), p75: round(pairRatio.p75), n: pairRatio.n },
    overheadMs: round(handlerMs.median - bareMs.median, 3),
    handlerCpuMs: ms(handlerCpuMs),
    bareCpuMs: ms(bareCpuMs),
    cpuRatio: round(handlerCpuMs.median / bareCpuMs.median),
    overheadCpuMs: round(handlerCpuMs.median - bareCpuMs.median, 3),
    replayConditionFailures: samples.conditionFailures,
  };
};

export const measureOverhead = async ({
  rounds = 300,
  warmup = 30,
  log = console.error,
}: { rounds?: number; warmup?: number; log?: (line: string) => void } = {}): Promise<OverheadResult> => {
  const handlers = await loadHandlers();
  const recorder = new RequestRecorder();
  try {
    return await withQuietStdout(async () => {
      const operations = operationsIn(handlers, await setScene(handlers));
      const samples = await runRounds(recorder, operations, { rounds, warmup, log });
      return { rounds, warmup, operations: operations.map((op) => summarise(op, samples.get(op)!)) };
    });
  } finally {
    recorder.restore();
  }
};
