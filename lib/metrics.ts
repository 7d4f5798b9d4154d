import type middy from '@middy/core';
import { logOutput } from './log';

/**
 * Metrics in CloudWatch's embedded metric format (EMF): a JSON log line CloudWatch turns into
 * metrics, so no API calls and no IAM. The same lines Powertools' Metrics writes (namespace,
 * one dimension set of `service` and the defaults, each metric's unit and value at the top level);
 * why this module instead: lib/log.ts.
 */

export const MetricUnit = { Count: 'Count', Milliseconds: 'Milliseconds' } as const;
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

export interface MetricsOptions {
  namespace: string;
  serviceName: string;
  defaultDimensions?: Record<string, string>;
  /** Nothing is written; by default when `METRICS_DISABLED` is `true` (the local stack and tests). */
  disabled?: boolean;
}

/** One EMF document: the `_aws` metadata, then the dimensions' and the metrics' values. */
export type EmfDocument = { _aws: { Timestamp: number; CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: MetricUnit }> }> } } & Record<string, unknown>;

export class Metrics {
  readonly #namespace: string;
  readonly #dimensions: Record<string, string>;
  readonly #disabled: boolean;
  #stored = new Map<string, { unit: MetricUnit; values: number[] }>();
  #coldStart = true;

  constructor({ namespace, serviceName, defaultDimensions = {}, disabled = process.env.METRICS_DISABLED === 'true' }: MetricsOptions) {
    this.#namespace = namespace;
    this.#dimensions = { service: serviceName, ...defaultDimensions };
    this.#disabled = disabled;
  }

  /** Add a value; a metric added more than once in an invocation carries all its values. */
  addMetric(name: string, unit: MetricUnit, value: number): void {
    const stored = this.#stored.get(name);
    if (stored) stored.values.push(value);
    else this.#stored.set(name, { unit, values: [value] });
  }

  /** The stored metrics as one EMF document. */
  serializeMetrics(): EmfDocument {
    return emf(this.#namespace, this.#dimensions, this.#stored);
  }

  /** Write the stored metrics, if any, and start again. */
  publishStoredMetrics(): void {
    const stored = this.#stored;
    this.#stored = new Map();
    if (stored.size > 0 && !this.#disabled) writeDocument(emf(this.#namespace, this.#dimensions, stored));
  }

  /** `ColdStart` = 1 on its own line, once per container: the first invocation's. */
  captureColdStartMetric(): void {
    if (!this.#coldStart) return;
    this.#coldStart = false;
    if (this.#disabled) return;
    const coldStart = new Map([['ColdStart', { unit: MetricUnit.Count as MetricUnit, values: [1] }]]);
    writeDocument(emf(this.#namespace, this.#dimensions, coldStart));
  }
}

/**
 * One EMF line. Metrics run in the middleware's `after` and `onError`, where a throw would replace
 * the response: a value JSON cannot hold (a BigInt slipped in as a number) loses the line instead.
 */
const writeDocument = (document: EmfDocument): void => {
  let line: string;
  try {
    line = JSON.stringify(document);
  } catch {
    return;
  }
  logOutput.write('stdout', `${line}\n`);
};

const emf = (namespace: string, dimensions: Record<string, string>, stored: Map<string, { unit: MetricUnit; values: number[] }>): EmfDocument => {
  const values: Record<string, number | number[]> = {};
  const definitions: Array<{ Name: string; Unit: MetricUnit }> = [];
  for (const [name, { unit, values: all }] of stored) {
    definitions.push({ Name: name, Unit: unit });
    values[name] = all.length === 1 ? all[0]! : all;
  }
  return {
    _aws: { Timestamp: Date.now(), CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [Object.keys(dimensions)], Metrics: definitions }] },
    ...dimensions,
    ...values,
  };
};

/**
 * The one metrics instance, created at module load so it stays warm with the container. Each
 * function's own dimension, so each function's 5xx has its own alarm (scripts/deploy/alarms.cjs).
 */
export const metrics = new Metrics({
  namespace: 'ChatRooms',
  serviceName: process.env.SERVICE_NAME ?? 'chat-rooms',
  ...(process.env.AWS_LAMBDA_FUNCTION_NAME && { defaultDimensions: { function_name: process.env.AWS_LAMBDA_FUNCTION_NAME } }),
});

export interface LogMetricsOptions {
  captureColdStartMetric?: boolean;
}

/** middy middleware: the invocation's metrics written when it ends, errors included; a cold-start count first. */
export const logMetrics = (target: Metrics = metrics, { captureColdStartMetric = false }: LogMetricsOptions = {}): middy.MiddlewareObj => {
  const publish = () => {
    target.publishStoredMetrics();
  };
  return {
    before: () => {
      if (captureColdStartMetric) target.captureColdStartMetric();
    },
    after: publish,
    onError: publish,
  };
};
