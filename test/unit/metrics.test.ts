import type { Context } from 'aws-lambda';
import { recordPassMetrics } from '../../lib/cleanup/passMetrics';
import { responseMetrics } from '../../lib/http/responseMetrics';
import { injectLambdaContext, Logger, logOutput } from '../../lib/log';
import { logMetrics, Metrics, MetricUnit } from '../../lib/metrics';
import { withEnv } from '../support/env';

const emitted = (metrics: Metrics) => {
  const blob = metrics.serializeMetrics();
  const names = blob._aws.CloudWatchMetrics[0]!.Metrics.map((metric) => metric.Name);
  return Object.fromEntries(names.map((name) => [name, blob[name]]));
};

/** What the modules write while `work` runs, as [stream, parsed line] pairs, instead of printing it. */
const written = async (work: () => unknown): Promise<Array<[string, Record<string, unknown>]>> => {
  const lines: Array<[string, Record<string, unknown>]> = [];
  const write = logOutput.write;
  logOutput.write = (stream, line) => {
    expect(line.endsWith('\n') && !line.slice(0, -1).includes('\n')).toBe(true);
    lines.push([stream, JSON.parse(line) as Record<string, unknown>]);
  };
  try {
    await work();
  } finally {
    logOutput.write = write;
  }
  return lines;
};

const context = (requestId: string) =>
  ({
    functionName: 'chat-rooms-prod-startChat',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:chat-rooms-prod-startChat',
    memoryLimitInMB: '512',
    awsRequestId: requestId,
  }) as Context;

describe('metrics', () => {
  it('counts responses by status class, errors included', async () => {
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
    const middleware = responseMetrics({ metrics });
    await middleware.after!({ response: { statusCode: 200 } } as never);
    await middleware.onError!({ response: { statusCode: 404 } } as never);
    await middleware.onError!({ response: undefined } as never);
    expect(emitted(metrics)).toEqual({ Http2xx: 1, Http4xx: 1, Http5xx: 1 });
  });

  it('records a cleanup pass', () => {
    const metrics = new Metrics({ namespace: 'Test', serviceName: 'test' });
    recordPassMetrics(metrics, {
      scanned: 5, deleted: 3, skipped: 2, resumed: 0, children: 40, retries: 1, tenants: 2,
      failedTenants: [], complete: true, durationMs: 1234,
    });
    expect(emitted(metrics)).toEqual({
      RoomsDeleted: 3, RoomsSkipped: 2, ChildrenDeleted: 40, FailedTenants: 0, PassIncomplete: 0, PassDuration: 1234,
    });
  });

  it('are written as one EMF line per invocation, with a ColdStart line before the first only', async () => {
    const metrics = new Metrics({ namespace: 'ChatRooms', serviceName: 'chat-rooms', defaultDimensions: { function_name: 'fn' }, disabled: false });
    const middleware = logMetrics(metrics, { captureColdStartMetric: true });
    const lines = await written(async () => {
      for (const status of [200, 503]) {
        await middleware.before!({} as never);
        metrics.addMetric(`Http${Math.floor(status / 100)}xx`, MetricUnit.Count, 1);
        metrics.addMetric('PassDuration', MetricUnit.Milliseconds, 5);
        metrics.addMetric('PassDuration', MetricUnit.Milliseconds, 7);
        await (status === 200 ? middleware.after! : middleware.onError!)({} as never);
      }
      await middleware.after!({} as never); // nothing stored: nothing written
    });
    const dimensions = [['service', 'function_name']];
    expect(lines).toEqual([
      ['stdout', { _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'ChatRooms', Dimensions: dimensions, Metrics: [{ Name: 'ColdStart', Unit: 'Count' }] }] }, service: 'chat-rooms', function_name: 'fn', ColdStart: 1 }],
      ...['Http2xx', 'Http5xx'].map((name) => [
        'stdout',
        {
          _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: 'ChatRooms', Dimensions: dimensions, Metrics: [{ Name: name, Unit: 'Count' }, { Name: 'PassDuration', Unit: 'Milliseconds' }] }] },
          service: 'chat-rooms',
          function_name: 'fn',
          [name]: 1,
          PassDuration: [5, 7],
        },
      ]),
    ]);
    expect(Math.abs((lines[0]![1]._aws as { Timestamp: number }).Timestamp - Date.now())).toBeLessThan(60_000);
  });

  it('write nothing where disabled (the local stack and the tests)', async () => {
    const metrics = new Metrics({ namespace: 'ChatRooms', serviceName: 'chat-rooms', disabled: true });
    const lines = await written(() => {
      metrics.captureColdStartMetric();
      metrics.addMetric('Http2xx', MetricUnit.Count, 1);
      metrics.publishStoredMetrics();
    });
    expect(lines).toEqual([]);
    expect(emitted(metrics)).toEqual({});
  });
});

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
            location: expect.stringContaining('metrics.test.ts'),
            message: 'store unavailable',
            stack: expect.stringContaining('Error: store unavailable'),
            cause: { name: 'Error', location: expect.any(String), message: 'throttled', stack: expect.any(String) },
          },
        },
      ],
      ['stderr', { level: 'ERROR', message: 'Unhandled error', ...common, ...invocation('req-2', false), count: '10' }],
    ]);
  });

  it('take their level from LOG_LEVEL, then Lambda\'s AWS_LAMBDA_LOG_LEVEL, else INFO', async () => {
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
    expect(await levels({ LOG_LEVEL: 'SILENT', AWS_LAMBDA_LOG_LEVEL: 'DEBUG' })).toEqual([]);
    expect(await levels({ LOG_LEVEL: 'loud' })).toEqual(['INFO', 'WARN', 'ERROR']);
  });
});
