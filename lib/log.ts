import { writeSync } from 'node:fs';
import type middy from '@middy/core';
import type { Context } from 'aws-lambda';

/**
 * Structured logs: one JSON object per line, in the shape Powertools for AWS Lambda writes them
 * (`level`, `message`, `timestamp`, `service`, the invocation's `cold_start`, `function_name`,
 * `function_request_id`, … and `xray_trace_id`), so CloudWatch Logs Insights queries and metric
 * filters read them alike. Never log message text.
 *
 * Why not Powertools' Logger and Metrics themselves: loading and constructing them (each builds a
 * `Console` over newly created `process.stdout` and `process.stderr` streams) was the largest part
 * of the cold start left above the DynamoDB-only bundle (BENCHMARKS.md, cold start). What this
 * service uses of them, leveled JSON lines with the Lambda context and EMF metrics
 * (lib/metrics.ts), is this module and that one. Neither ever throws into the request.
 */

export const LOG_LEVELS = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
export type LogLevel = keyof typeof LOG_LEVELS;

const isLogLevel = (value: string): value is LogLevel => Object.hasOwn(LOG_LEVELS, value);

/**
 * Where lines go: standard output and standard error, written synchronously to their file
 * descriptors as Lambda's runtime writes its own, so no stream object is created at load. The
 * bench swaps `write` to measure the formatting without printing.
 */
export const logOutput = {
  write(stream: 'stdout' | 'stderr', line: string): void {
    let bytes = Buffer.from(line);
    while (bytes.length > 0) {
      try {
        bytes = bytes.subarray(writeSync(stream === 'stdout' ? 1 : 2, bytes));
      } catch (error) {
        // A non-blocking pipe that is full: try again. Anything else (a closed pipe) loses the
        // line rather than fail the request that logged it.
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') return;
      }
    }
  },
};

type Attributes = Record<string, unknown>;

/** How deep an attribute is followed; deeper values are summarised rather than walked. */
const MAX_DEPTH = 12;

/**
 * A value as plain JSON data, without ever throwing: a log line must not fail the request that
 * writes it (inside the error handler, a throw would lose the JSON error response). A value that
 * contains itself (an object, an error whose `cause` is itself) becomes `[Circular]`, a BigInt its
 * decimal string, a property whose getter throws `[Unreadable]`, an error its name, message,
 * location, stack and cause.
 */
const loggable = (value: unknown, ancestors: object[] = []): unknown => {
  if (typeof value === 'bigint') return value.toString();
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.includes(value)) return '[Circular]';
  if (ancestors.length >= MAX_DEPTH) return '[Too deep]';
  ancestors.push(value);
  try {
    if (value instanceof Error) return errorAttributes(value, ancestors);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return loggable(toJSON.call(value), ancestors);
    if (Array.isArray(value)) return value.map((item) => loggable(item, ancestors));
    const plain: Attributes = {};
    for (const key of Object.keys(value)) plain[key] = readable(value, key, ancestors);
    return plain;
  } catch {
    // A proxy whose traps throw, a toJSON that throws: nothing of it can be read.
    return '[Unserializable]';
  } finally {
    ancestors.pop();
  }
};

const readable = (owner: object, key: string, ancestors: object[]): unknown => {
  try {
    return loggable((owner as Attributes)[key], ancestors);
  } catch {
    return '[Unreadable]';
  }
};

/** An error as a log attribute: its name, message, where it was thrown, its stack and its cause. */
const errorAttributes = (error: Error, ancestors: object[]): Attributes => {
  const stack = readable(error, 'stack', ancestors);
  const attributes: Attributes = {
    name: readable(error, 'name', ancestors),
    location: typeof stack === 'string' ? (/\((.*)\)/.exec(stack.split('\n')[1] ?? '')?.[1] ?? '') : '',
    message: readable(error, 'message', ancestors),
    stack,
  };
  const cause = readable(error, 'cause', ancestors);
  if (cause !== undefined) attributes.cause = cause;
  return attributes;
};

/** The line for an entry of plain data; should it still not serialise, a line that says so. */
const serialize = (entry: Attributes): string => {
  try {
    return JSON.stringify(entry);
  } catch {
    return JSON.stringify({ level: entry.level, message: 'Log entry could not be serialized', timestamp: entry.timestamp });
  }
};

/**
 * Lambda's own setting first, as Lambda documents: with the JSON log format, the function's
 * application log level (console or template) arrives as `AWS_LAMBDA_LOG_LEVEL` and overrides the
 * function's `LOG_LEVEL`. Lambda's TRACE and FATAL have no line of their own here.
 */
const LAMBDA_LEVELS: Record<string, LogLevel> = { TRACE: 'DEBUG', FATAL: 'CRITICAL' };

export const configuredLogLevel = (level?: LogLevel, env: NodeJS.ProcessEnv = process.env): LogLevel => {
  for (const candidate of [env.AWS_LAMBDA_LOG_LEVEL, level, env.LOG_LEVEL]) {
    const name = candidate?.toUpperCase();
    if (!name) continue;
    const mapped = LAMBDA_LEVELS[name] ?? name;
    if (isLogLevel(mapped)) return mapped;
  }
  return 'INFO';
};

export interface LoggerOptions {
  serviceName: string;
  /** The lowest level written; Lambda's `AWS_LAMBDA_LOG_LEVEL` overrides it, `LOG_LEVEL` is the fallback, then INFO. */
  level?: LogLevel;
}

export class Logger {
  readonly #service: string;
  readonly #threshold: number;
  #context: Attributes = {};
  #coldStart = true;

  constructor({ serviceName, level }: LoggerOptions) {
    this.#service = serviceName;
    this.#threshold = LOG_LEVELS[configuredLogLevel(level)];
  }

  debug(message: string, attributes?: Attributes): void {
    this.#write('DEBUG', message, attributes);
  }

  info(message: string, attributes?: Attributes): void {
    this.#write('INFO', message, attributes);
  }

  warn(message: string, attributes?: Attributes): void {
    this.#write('WARN', message, attributes);
  }

  error(message: string, attributes?: Attributes): void {
    this.#write('ERROR', message, attributes);
  }

  /** The invocation's context on every line until the next: the first invocation of a container is the cold start. */
  addContext(context: Context): void {
    this.#context = {
      cold_start: this.#coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: Number(context.memoryLimitInMB),
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.#coldStart = false;
  }

  #write(level: LogLevel, message: string, attributes: Attributes = {}): void {
    if (LOG_LEVELS[level] < this.#threshold) return;
    const traceId = process.env._X_AMZN_TRACE_ID?.split(';')[0]?.replace('Root=', '');
    // The attributes are copied through loggable, never spread: spreading runs their getters.
    const extra = loggable(attributes);
    const entry = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.#service,
      ...this.#context,
      ...(traceId && { xray_trace_id: traceId }),
      ...(extra !== null && typeof extra === 'object' && extra),
    };
    logOutput.write(LOG_LEVELS[level] >= LOG_LEVELS.WARN ? 'stderr' : 'stdout', `${serialize(entry)}\n`);
  }
}

/** The one logger, created at module load so it stays warm with the container. */
export const logger = new Logger({ serviceName: process.env.SERVICE_NAME ?? 'chat-rooms' });

/** middy middleware: the Lambda context on every line the invocation logs. */
export const injectLambdaContext = (target: Logger = logger): middy.MiddlewareObj => ({
  before: (request) => {
    target.addContext(request.context);
  },
});
