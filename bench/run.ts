/**
 * `npm run bench`: units per operation, handler overhead, cold start and cost per million, as one
 * table on stdout and bench/results.json. Progress goes to stderr.
 *   npx tsx bench/run.ts [--rounds 300] [--cold-rounds 41] [--out bench/results.json]
 * (the cold start alone: npx tsx bench/coldStart.ts [--rounds 21])
 * Times are ratios against a baseline measured in the same run, interleaved with it; the local
 * store (dynalite, in this process) is slower than DynamoDB, so its absolute times mean little.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalDynamo } from '../scripts/local/dynalite';
import { createTables, LOCAL_STAGE, tableNames } from '../scripts/local/tables';
import { coldStartTable, measureColdStart, type ColdStartResult } from './coldStart';
import { ASSUMPTIONS, costPerMillion, PRICES, type CostRow } from './cost';
import type { OperationReport, OperationUnits } from './operationUnits';
import { measureOverhead, type OverheadResult } from './overhead';

const log = (line: string) => process.stderr.write(`${line}\n`);

const table = (headers: string[], rows: Array<Array<string | number>>): string => {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  return [line(cells[0]!), `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`, ...cells.slice(1).map(line)].join('\n');
};

const machine = () => ({
  cpu: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  memoryGb: Math.round(os.totalmem() / 2 ** 30),
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  node: process.version,
  loadAverage: os.loadavg().map((load) => Number(load.toFixed(2))),
});

/** What an operation asks of AWS besides the store, where it was counted. */
const otherRequests = (u: OperationUnits): string =>
  [
    ...(u.lambdaInvokes === undefined ? [] : [`${u.lambdaInvokes} Lambda invoke`]),
    ...(u.s3Requests === undefined ? [] : [`${u.s3Requests} S3`]),
  ].join(', ');

/** The cost rows: which measured operation and which handler each request type is made of. */
const COSTED = [
  { name: 'startChat (touch)', functionName: 'startChat', units: 'touch', handler: 'startChat touch' },
  { name: 'startChat (new room)', functionName: 'startChat', units: 'create', handler: 'startChat create' },
  { name: 'message sent', functionName: 'sendMessage', units: 'send', handler: 'sendMessage' },
  { name: 'messages page (50)', functionName: 'listMessages', units: 'messages page of 50', handler: 'listMessages (page of 50)' },
  { name: 'room-list page (50)', functionName: 'listRooms', units: 'room list of 50', handler: 'listRooms (page of 50)' },
] as const;
const options = () => {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '300' },
      'cold-rounds': { type: 'string', default: '41' },
      out: { type: 'string', default: path.join(__dirname, 'results.json') },
    },
  });
  const coldRounds = Number(values['cold-rounds']);
  if (!(coldRounds >= 15)) throw new Error('--cold-rounds must be at least 15');
  return { rounds: Number(values.rounds), coldRounds, out: values.out };
};

/** Units per operation and handler overhead, both against one local store started for them. */
const measureAgainstLocalStore = async (rounds: number): Promise<{ report: OperationReport; overhead: OverheadResult }> => {
  const store = await startLocalDynamo();
  try {
    const names = tableNames(LOCAL_STAGE);
    await createTables({ endpoint: store.endpoint, stage: LOCAL_STAGE });
    // As deployed: INFO logs, metrics on (their output is measured, then discarded).
    Object.assign(process.env, {
      DYNAMODB_ENDPOINT: store.endpoint,
      CHAT_TABLE: names.chat,
      TENANTS_TABLE: names.tenants,
      LOG_LEVEL: 'INFO',
      METRICS_DISABLED: 'false',
      SERVICE_NAME: 'chat-rooms',
    });
    const { seedTenants, LOCAL_TENANTS } = await import('../scripts/local/seed');
    await seedTenants({ endpoint: store.endpoint, tenantsTable: names.tenants });
    const { toTenant } = await import('../lib/tenancy/tenant');
    const { measureOperationUnits } = await import('./operationUnits');
    log('units per operation …');
    const report = await measureOperationUnits({ tenant: toTenant(LOCAL_TENANTS[0]!), endpoint: store.endpoint });
    log('handler overhead …');
    const overhead = await measureOverhead({ rounds, log });
    return { report, overhead };
  } finally {
    await store.stop();
  }
};

const costRows = (units: OperationUnits[], overhead: OverheadResult): CostRow[] =>
  COSTED.map((row) => {
    const measured = units.find((figure) => figure.operation === row.units);
    const handler = overhead.operations.find((operation) => operation.operation === row.handler);
    if (!measured || !handler) throw new Error(`no measurement for ${row.name}`);
    return costPerMillion({
      name: row.name,
      functionName: row.functionName,
      writeUnits: measured.writeUnits,
      readUnits: measured.readUnits,
      requests: handler.requests,
      overheadMs: handler.overheadCpuMs,
    });
  });

const spread = (s: { median: number; p25: number; p75: number }, digits = 2) =>
  `${s.median.toFixed(digits)} (${s.p25.toFixed(digits)}–${s.p75.toFixed(digits)})`;

const printTables = (report: OperationReport, overhead: OverheadResult, coldStart: ColdStartResult, costs: CostRow[]): void => {
  console.log(`\nDynamoDB units per operation (DynamoDB's billing rules, from the items before and after; room item ${report.roomItemBytes} B)`);
  console.log(
    table(
      ['operation', 'WU', 'RU', 'requests', 'round trips', 'WU by index', 'other requests'],
      report.figures.map((u) => [u.operation, u.writeUnits, u.readUnits, u.requests, u.roundTrips, JSON.stringify(u.indexes), otherRequests(u)]),
    ),
  );
  console.log(`\nHandler overhead: full middy stack vs the same DynamoDB requests bare, ${overhead.rounds} interleaved rounds; median (p25–p75) ms`);
  console.log(
    table(
      ['operation', 'requests', 'handler ms', 'bare ms', 'ratio', 'pair ratio', '+ms', 'CPU ratio', '+CPU ms'],
      overhead.operations.map((o) => [
        o.operation,
        o.requests,
        spread(o.handlerMs),
        spread(o.bareMs),
        o.ratio.toFixed(2),
        spread(o.pairRatio),
        o.overheadMs.toFixed(2),
        o.cpuRatio.toFixed(2),
        o.overheadCpuMs.toFixed(2),
      ]),
    ),
  );
  console.log(`\n${coldStartTable(coldStart)}`);
  console.log(`\nCost per million (${PRICES.region} prices as of ${PRICES.asOf}; DynamoDB latency ${ASSUMPTIONS.dynamodbLatencyMs} ms per request)`);
  console.log(
    table(
      ['request', 'WU', 'RU', 'memory MB', 'billed ms', 'DynamoDB $', 'Lambda $', 'HTTP API $', 'total $'],
      costs.map((c) => [c.name, c.writeUnits, c.readUnits, c.memoryMb, c.billedMs, c.perMillion.dynamodb, c.perMillion.lambda, c.perMillion.httpApi, c.perMillion.total]),
    ),
  );
};

const main = async () => {
  const { rounds, coldRounds, out } = options();
  const startedAt = new Date().toISOString();
  const machineAtStart = machine();
  const { report, overhead } = await measureAgainstLocalStore(rounds);
  const coldStart: ColdStartResult = await measureColdStart({ rounds: coldRounds, log });
  const costs = costRows(report.figures, overhead);

  const results = {
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { ...machineAtStart, loadAverageAtEnd: machine().loadAverage },
    units: { roomItemBytes: report.roomItemBytes, operations: report.figures },
    overhead,
    coldStart,
    cost: { prices: PRICES, assumptions: ASSUMPTIONS, rows: costs },
  };
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  printTables(report, overhead, coldStart, costs);
  log(`\nwrote ${path.relative(process.cwd(), out)}`);
};

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
