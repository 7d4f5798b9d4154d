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
 * `Console` over newly created `process.stdout` and `process.stderr` streams) cost every function
 * 0.1–0.16 of its cold start over the DynamoDB-only bundle, the largest part left above the 1.3×
 * budget (BENCHMARKS.md, cold start). What this service uses of them, leveled JSON lines with the
 * Lambda context and EMF metrics (lib/metrics.ts), is this module and that one.
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

/** An error as a log attribute: its name, message, where it was thrown, and its stack. */
const serializeError = (error: Error): Attributes => ({
  name: error.name,
  location: /\((.*)\)/.exec(error.stack?.split('\n')[1] ?? '')?.[1] ?? '',
  message: error.message,
  stack: error.stack,
  ...(error.cause !== undefined && { cause: error.cause instanceof Error ? serializeError(error.cause) : error.cause }),
});

const replacer = (_key: string, value: unknown): unknown => {
  if (value instanceof Error) return serializeError(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
};

export interface LoggerOptions {
  serviceName: string;
  /** The lowest level written; by default `LOG_LEVEL` (or Lambda's `AWS_LAMBDA_LOG_LEVEL`), else INFO. */
  level?: LogLevel;
}

export class Logger {
  readonly #service: string;
  readonly #threshold: number;
  #context: Attributes = {};
  #coldStart = true;

  constructor({ serviceName, level }: LoggerOptions) {
    this.#service = serviceName;
    const configured = (level ?? process.env.LOG_LEVEL ?? process.env.AWS_LAMBDA_LOG_LEVEL ?? 'INFO').toUpperCase();
    this.#threshold = LOG_LEVELS[isLogLevel(configured) ? configured : 'INFO'];
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
    const entry = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.#service,
      ...this.#context,
      ...(traceId && { xray_trace_id: traceId }),
      ...attributes,
    };
    logOutput.write(LOG_LEVELS[level] >= LOG_LEVELS.WARN ? 'stderr' : 'stdout', `${JSON.stringify(entry, replacer)}\n`);
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
