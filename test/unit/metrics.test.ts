import { Metrics } from '@aws-lambda-powertools/metrics';
import { recordPassMetrics } from '../../lib/cleanup/passMetrics';
import { responseMetrics } from '../../lib/http/responseMetrics';

const emitted = (metrics: Metrics) => {
  const blob = metrics.serializeMetrics() as unknown as Record<string, unknown>;
  const names = (blob._aws as any).CloudWatchMetrics[0].Metrics.map((metric: { Name: string }) => metric.Name);
  return Object.fromEntries(names.map((name: string) => [name, blob[name]]));
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
});
