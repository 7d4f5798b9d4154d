import { recordPassMetrics } from '../../lib/cleanup/passMetrics';
import { responseMetrics } from '../../lib/http/responseMetrics';
import { logMetrics, Metrics, MetricUnit } from '../../lib/metrics';
import { written } from '../support/logLines';

const emitted = (metrics: Metrics) => {
  const blob = metrics.serializeMetrics();
  const names = blob._aws.CloudWatchMetrics[0]!.Metrics.map((metric) => metric.Name);
  return Object.fromEntries(names.map((name) => [name, blob[name]]));
};

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

  it('never throw into the response: a value JSON cannot hold loses its line, and the next invocation starts clean', async () => {
    const metrics = new Metrics({ namespace: 'ChatRooms', serviceName: 'chat-rooms', disabled: false });
    const middleware = logMetrics(metrics);
    const lines = await written(async () => {
      metrics.addMetric('Broken', MetricUnit.Count, 1n as unknown as number);
      await middleware.onError!({} as never);
      metrics.addMetric('Http2xx', MetricUnit.Count, 1);
      await middleware.after!({} as never);
    });
    expect(lines.map(([, line]) => Object.keys(line).filter((key) => key.startsWith('Http') || key === 'Broken'))).toEqual([['Http2xx']]);
  });
});
