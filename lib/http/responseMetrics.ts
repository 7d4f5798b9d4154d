import type middy from '@middy/core';
import { MetricUnit, type Metrics } from '../metrics';

export interface ResponseMetricsOptions {
  metrics: Metrics;
}

/**
 * middy middleware: one count per response by status class (`Http2xx`, `Http4xx`, `Http5xx`), the
 * numbers an alarm on client or server errors needs. Runs after errors became responses.
 */
export const responseMetrics = ({ metrics }: ResponseMetricsOptions): middy.MiddlewareObj => {
  const count = async (request: middy.Request) => {
    const status = (request.response as { statusCode?: number } | undefined)?.statusCode ?? 500;
    metrics.addMetric(`Http${Math.floor(status / 100)}xx`, MetricUnit.Count, 1);
  };
  return { after: count, onError: count };
};
