/**
 * Cost per million requests from the measured units, the configured Lambda memory, a stated
 * DynamoDB latency and the handler's measured overhead. Prices are stated here, with their date,
 * and copied into bench/results.json beside every figure computed from them.
 */
import { loadServerlessConfig } from '../scripts/local/serverlessConfig';

/** us-east-1 list prices, on-demand, unchanged since DynamoDB's on-demand price cut of 2024-11-01. */
export const PRICES = {
  region: 'us-east-1',
  asOf: '2024-11-01',
  sources: [
    'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    'https://aws.amazon.com/lambda/pricing/',
    'https://aws.amazon.com/api-gateway/pricing/',
  ],
  dynamodbPerMillionWriteUnits: 0.625,
  dynamodbPerMillionReadUnits: 0.125,
  /** Arm (Graviton), as deployed (`architecture: arm64`). */
  lambdaPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** HTTP API, first 300 million requests a month, each up to 512 KB. */
  httpApiPerMillionRequests: 1.0,
} as const;

/**
 * Assumptions for Lambda's billed duration: each DynamoDB request waits this long (single-digit
 * milliseconds in-region, SDK work included), and the handler's own CPU time runs slower in
 * proportion to the vCPU share its memory buys (a full vCPU at 1769 MB).
 */
export const ASSUMPTIONS = {
  dynamodbLatencyMs: 5,
  fullVcpuAtMb: 1769,
} as const;

/** The memory a function is configured with: its own `memorySize`, else the provider's. */
export const configuredMemoryMb = (functionName: string): number => {
  const config = loadServerlessConfig() as {
    provider?: { memorySize?: number };
    functions?: Record<string, { memorySize?: number }>;
  };
  return config.functions?.[functionName]?.memorySize ?? config.provider?.memorySize ?? 1024;
};

export interface CostInput {
  name: string;
  functionName: string;
  writeUnits: number;
  readUnits: number;
  /** DynamoDB requests per invocation. */
  requests: number;
  /** The handler's own work per invocation on this machine (median handler CPU − median bare CPU). */
  overheadMs: number;
}

export interface CostRow extends CostInput {
  memoryMb: number;
  billedMs: number;
  perMillion: { dynamodb: number; lambda: number; httpApi: number; total: number };
}

const dollars = (value: number) => Number(value.toFixed(3));

export const costPerMillion = (input: CostInput): CostRow => {
  const memoryMb = configuredMemoryMb(input.functionName);
  const cpuScale = Math.max(1, ASSUMPTIONS.fullVcpuAtMb / memoryMb);
  // Lambda bills whole milliseconds.
  const billedMs = Math.ceil(Math.max(0, input.overheadMs) * cpuScale + input.requests * ASSUMPTIONS.dynamodbLatencyMs);
  const dynamodb = input.writeUnits * PRICES.dynamodbPerMillionWriteUnits + input.readUnits * PRICES.dynamodbPerMillionReadUnits;
  const lambda = PRICES.lambdaPerMillionRequests + 1e6 * (memoryMb / 1024) * (billedMs / 1000) * PRICES.lambdaPerGbSecond;
  const httpApi = PRICES.httpApiPerMillionRequests;
  return {
    ...input,
    memoryMb,
    billedMs,
    perMillion: { dynamodb: dollars(dynamodb), lambda: dollars(lambda), httpApi: dollars(httpApi), total: dollars(dynamodb + lambda + httpApi) },
  };
};
