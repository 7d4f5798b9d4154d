/**
 * Every DynamoDB request a stretch of code sends, recorded, and sent again bare through the same
 * clients: the handler-overhead bench's baseline (bench/overhead.ts).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Client = { send: (command: unknown, ...rest: unknown[]) => Promise<unknown> };
type Command = { input: unknown; constructor: new (input: unknown) => unknown };

export interface SentRequest {
  client: Client;
  command: Command;
}

/**
 * Records every DynamoDB request any client sends while `recording` is set. It wraps the SDK's
 * shared `send`, so clients made later (one per tenant, say) are seen as well.
 */
export class RequestRecorder {
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

/** Sends `requests` again, each through the client that sent it; answers how many failed their condition. */
export const replay = async (requests: readonly SentRequest[]): Promise<number> => {
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
