import type { Context } from 'aws-lambda';
import { httpErrors } from '../../lib/http/httpErrors';
import { configuredLogLevel, injectLambdaContext, Logger } from '../../lib/log';
import { withEnv } from '../support/env';
import { written } from '../support/logLines';

const context = (requestId: string) =>
  ({
    functionName: 'chat-rooms-prod-startChat',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:chat-rooms-prod-startChat',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
  }) as Context;

describe('logs', () => {
  it('are JSON lines with level, service, the invocation context and the trace id; warnings and errors on stderr', async () => {
    const logger = new Logger({ serviceName: 'chat-rooms', level: 'INFO' });
    const middleware = injectLambdaContext(logger);
    const failure = new Error('store unavailable', { cause: new Error('throttled') });
    const traceId = { _X_AMZN_TRACE_ID: 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1' };
    const lines = await withEnv(traceId, () => written(async () => {
      logger.info('before any invocation');
      await middleware.before!({ context: context('req-1') } as never);
      logger.debug('below the level');
      logger.info('Request rejected', { code: 'FORBIDDEN', status: 403 });
      await middleware.before!({ context: context('req-2') } as never);
      logger.warn('Store unavailable', { error: failure });
      logger.error('Unhandled error', { count: 10n });
    }));

    const invocation = (requestId: string, coldStart: boolean) => ({
      cold_start: coldStart,
      function_arn: 'arn:aws:lambda:us-east-1:123456789012:function:chat-rooms-prod-startChat',
      function_memory_size: 512,
      function_name: 'chat-rooms-prod-startChat',
      function_request_id: requestId,
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
    });
    const common = { timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), service: 'chat-rooms' };
    expect(lines).toEqual([
      ['stdout', { level: 'INFO', message: 'before any invocation', ...common, xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793' }],
      ['stdout', { level: 'INFO', message: 'Request rejected', ...common, ...invocation('req-1', true), code: 'FORBIDDEN', status: 403 }],
      [
        'stderr',
        {
          level: 'WARN',
          message: 'Store unavailable',
          ...common,
          ...invocation('req-2', false),
          error: {
            name: 'Error',
            location: expect.stringContaining('log.test.ts'),
            message: 'store unavailable',
            stack: expect.stringContaining('Error: store unavailable'),
            cause: { name: 'Error', location: expect.any(String), message: 'throttled', stack: expect.any(String) },
          },
        },
      ],
      ['stderr', { level: 'ERROR', message: 'Unhandled error', ...common, ...invocation('req-2', false), count: '10' }],
    ]);
  });

  it("take Lambda's AWS_LAMBDA_LOG_LEVEL first, as Lambda documents, then LOG_LEVEL, else INFO", async () => {
    const levels = (environment: { LOG_LEVEL?: string; AWS_LAMBDA_LOG_LEVEL?: string }) =>
      withEnv({ LOG_LEVEL: undefined, AWS_LAMBDA_LOG_LEVEL: undefined, ...environment }, async () => {
        const logger = new Logger({ serviceName: 's' });
        const lines = await written(() => {
          logger.debug('d');
          logger.info('i');
          logger.warn('w');
          logger.error('e');
        });
        return lines.map(([, line]) => line.level);
      });
    expect(await levels({})).toEqual(['INFO', 'WARN', 'ERROR']);
    expect(await levels({ LOG_LEVEL: 'warn' })).toEqual(['WARN', 'ERROR']);
    expect(await levels({ AWS_LAMBDA_LOG_LEVEL: 'DEBUG' })).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
    // serverless.yml sets LOG_LEVEL on every function; the console's setting still wins.
    expect(await levels({ LOG_LEVEL: 'INFO', AWS_LAMBDA_LOG_LEVEL: 'ERROR' })).toEqual(['ERROR']);
    expect(await levels({ LOG_LEVEL: 'SILENT', AWS_LAMBDA_LOG_LEVEL: 'DEBUG' })).toEqual(['DEBUG', 'INFO', 'WARN', 'ERROR']);
    expect(await levels({ LOG_LEVEL: 'loud' })).toEqual(['INFO', 'WARN', 'ERROR']);
  });

  it("read Lambda's own names: TRACE logs everything, FATAL nothing of ours", () => {
    expect(configuredLogLevel(undefined, { AWS_LAMBDA_LOG_LEVEL: 'TRACE' })).toBe('DEBUG');
    expect(configuredLogLevel(undefined, { AWS_LAMBDA_LOG_LEVEL: 'FATAL', LOG_LEVEL: 'DEBUG' })).toBe('CRITICAL');
    expect(configuredLogLevel('WARN', { AWS_LAMBDA_LOG_LEVEL: 'INFO' })).toBe('INFO');
    expect(configuredLogLevel('WARN', { LOG_LEVEL: 'DEBUG' })).toBe('WARN');
    expect(configuredLogLevel(undefined, { AWS_LAMBDA_LOG_LEVEL: 'nonsense', LOG_LEVEL: 'ERROR' })).toBe('ERROR');
  });
});

describe('logging never throws', () => {
  const logger = new Logger({ serviceName: 's', level: 'DEBUG' });
  const one = async (attributes: Record<string, unknown>) => {
    const lines = await written(() => logger.error('m', attributes));
    expect(lines).toHaveLength(1);
    return lines[0]![1];
  };

  it('writes an attribute that refers to itself as [Circular], and a shared one twice', async () => {
    const room: Record<string, unknown> = { id: 'r1' };
    room.self = room;
    const shared = { n: 1 };
    expect(await one({ room, pair: [shared, shared] })).toMatchObject({ room: { id: 'r1', self: '[Circular]' }, pair: [{ n: 1 }, { n: 1 }] });
  });

  it('writes an error whose cause is itself, or a chain of causes that loops', async () => {
    const looped = new Error('outer');
    looped.cause = looped;
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    first.cause = second;
    const line = await one({ looped, first });
    expect(line.looped).toMatchObject({ name: 'Error', message: 'outer', cause: '[Circular]' });
    expect(line.first).toMatchObject({ message: 'first', cause: { message: 'second', cause: '[Circular]' } });
  });

  it('writes BigInts as decimal strings, dates as ISO strings', async () => {
    expect(await one({ count: 2n ** 70n, nested: { at: new Date(0) } })).toMatchObject({ count: '1180591620717411303424', nested: { at: '1970-01-01T00:00:00.000Z' } });
  });

  it('writes a property whose getter throws as [Unreadable], at the top and nested, and keeps the rest', async () => {
    const hostile = { ok: 1, get bad(): never { throw new Error('no'); } };
    const error = Object.defineProperty(new Error('e'), 'message', { get: () => { throw new Error('no'); } });
    const line = await one({ hostile, get top(): never { throw new Error('no'); }, error });
    expect(line).toMatchObject({ hostile: { ok: 1, bad: '[Unreadable]' }, top: '[Unreadable]', error: { message: '[Unreadable]' } });
  });

  it('writes a proxy whose traps throw, a toJSON that throws, and very deep values, without throwing', async () => {
    const trap = () => { throw new Error('trap'); };
    const proxy = new Proxy({}, { ownKeys: trap, get: trap, getPrototypeOf: trap });
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let i = 0; i < 100; i++) deep = (deep.next = {}) as Record<string, unknown>;
    const line = await one({ proxy, json: { toJSON: trap }, root });
    expect(line).toMatchObject({ proxy: '[Unserializable]', json: '[Unserializable]' });
    expect(JSON.stringify(line.root)).toContain('[Too deep]');
  });

  it('still answers with the JSON error when the logger itself throws', async () => {
    const throwing = new Logger({ serviceName: 's' });
    throwing.error = () => { throw new Error('logger down'); };
    throwing.warn = throwing.error;
    const request = { error: new TypeError('boom'), response: undefined as unknown } as { error: unknown; response: any };
    await httpErrors({ logger: throwing }).onError!(request as never);
    expect(request.response.statusCode).toBe(500);
    expect(JSON.parse(request.response.body)).toEqual({ message: 'Internal server error', status: 500, code: 'INTERNAL_ERROR' });
  });

  it('answers with the JSON error for an error that refers to itself, logging it', async () => {
    const error = new Error('loop') as Error & { self?: unknown };
    error.cause = error;
    const request = { error, response: undefined as unknown } as { error: unknown; response: any };
    const lines = await written(() => httpErrors({ logger }).onError!(request as never));
    expect(request.response.statusCode).toBe(500);
    expect(lines[0]![1]).toMatchObject({ message: 'Unhandled error', error: { message: 'loop', cause: '[Circular]' } });
  });
});
