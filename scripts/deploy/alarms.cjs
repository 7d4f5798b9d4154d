'use strict';
/**
 * CloudWatch alarms for every function, declared once here instead of per function in
 * serverless.yml (settings under `custom.alarms`). Each alarm notifies the SNS topic
 * `custom.alarms.topicArn` (a stage parameter); with none configured the alarms still exist and
 * show in the console, without notifications.
 *   - <Function>Http5xxAlarm: a function answering with 5xx (the `Http5xx` metric the HTTP stack
 *     publishes, per function), for every function behind the HTTP API.
 *   - <Function>ErrorsAlarm: failed invocations of the other request functions (WebSocket routes
 *     and their authorizer), which answer API Gateway without the HTTP stack.
 *   - <Function>ThrottlesAlarm: Lambda throttled invocations (concurrency exhausted), every function.
 *   - CleanupFailedTenantsAlarm / CleanupPassIncompleteAlarm: the cleanup pass's own metrics.
 *   - CleanupFailuresAlarm: a cleanup invocation that failed for good lands on its failure queue.
 *   - <Function>EventsUndeliveredAlarm: a request function acknowledged a write whose event did not
 *     reach every open connection (the `EventsUndelivered` metric), for every HTTP function.
 */
const capitalize = (name) => name.charAt(0).toUpperCase() + name.slice(1);

const FIVE_MINUTES = 300;
const ONE_HOUR = 3600;

/** A metric of our own (lib/metrics.ts): namespace ChatRooms, dimensions service and function_name. */
const appMetric = (serviceName, name, functionName) => ({
  Namespace: 'ChatRooms',
  MetricName: name,
  Dimensions: [
    { Name: 'service', Value: serviceName },
    { Name: 'function_name', Value: functionName },
  ],
});

/** One of Lambda's own metrics for a function of this service. */
const lambdaMetric = (name, logicalId) => ({
  Namespace: 'AWS/Lambda',
  MetricName: name,
  Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${logicalId}LambdaFunction` } }],
});

/**
 * `alarm(id, description, properties)`: an alarm resource named after the service and stage that
 * notifies the topic when one is configured (the AlarmTopicConfigured condition, added here).
 */
const alarmWriter = ({ template, serviceName, stage, topicArn }) => {
  template.Conditions ??= {};
  template.Conditions.AlarmTopicConfigured = { 'Fn::Not': [{ 'Fn::Equals': [topicArn ?? '', ''] }] };
  const actions = { 'Fn::If': ['AlarmTopicConfigured', [topicArn], { Ref: 'AWS::NoValue' }] };
  return (id, description, properties) => {
    template.Resources[id] = {
      Type: 'AWS::CloudWatch::Alarm',
      Properties: {
        AlarmName: `${serviceName}-${stage}-${id.replace(/Alarm$/, '')}`,
        AlarmDescription: description,
        AlarmActions: actions,
        OKActions: actions,
        TreatMissingData: 'notBreaching',
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        Statistic: 'Sum',
        ...properties,
      },
    };
  };
};

/** 5xx answers (HTTP functions) or failed invocations (the other request functions), and throttles, per function. */
const addFunctionAlarms = (alarm, service, settings) => {
  const threshold = settings.http5xxThreshold;
  for (const name of service.getAllFunctions()) {
    const fn = service.getFunction(name);
    const logicalId = capitalize(name);
    const servesHttp = (fn.events ?? []).some((event) => event.httpApi);
    if (servesHttp) {
      alarm(`${logicalId}Http5xxAlarm`, `${name} answered ${threshold}+ requests with a 5xx in 5 minutes`, {
        ...appMetric(service.service, 'Http5xx', fn.name),
        Period: FIVE_MINUTES,
        EvaluationPeriods: 1,
        Threshold: threshold,
      });
      alarm(`${logicalId}EventsUndeliveredAlarm`, `${name} acknowledged writes whose events did not reach every open connection`, {
        ...appMetric(service.service, 'EventsUndelivered', fn.name),
        Period: FIVE_MINUTES,
        EvaluationPeriods: 1,
        Threshold: 1,
      });
    } else if (name !== settings.cleanupFunction) {
      alarm(`${logicalId}ErrorsAlarm`, `${name} failed ${threshold}+ invocations in 5 minutes`, {
        ...lambdaMetric('Errors', logicalId),
        Period: FIVE_MINUTES,
        EvaluationPeriods: 1,
        Threshold: threshold,
      });
    }
    alarm(`${logicalId}ThrottlesAlarm`, `${name} was throttled (concurrency exhausted) in the last 5 minutes`, {
      ...lambdaMetric('Throttles', logicalId),
      Period: FIVE_MINUTES,
      EvaluationPeriods: 1,
      Threshold: 1,
    });
  }
};

/** The cleanup pass's own metrics and its failure queue. */
const addCleanupAlarms = (alarm, service, settings) => {
  const cleanup = service.getFunction(settings.cleanupFunction);
  alarm('CleanupFailedTenantsAlarm', 'A cleanup pass could not clean one or more tenants (see its log)', {
    ...appMetric(service.service, 'FailedTenants', cleanup.name),
    Period: ONE_HOUR,
    EvaluationPeriods: 1,
    Threshold: 1,
  });
  alarm('CleanupPassIncompleteAlarm', 'Three cleanup passes in a row ran out of time: expired rooms pile up faster than they go', {
    ...appMetric(service.service, 'PassIncomplete', cleanup.name),
    Period: ONE_HOUR,
    EvaluationPeriods: 3,
    DatapointsToAlarm: 3,
    Threshold: 1,
  });
  alarm('CleanupFailuresAlarm', 'A scheduled cleanup invocation failed after its retries (message on the failure queue)', {
    Namespace: 'AWS/SQS',
    MetricName: 'ApproximateNumberOfMessagesVisible',
    Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [settings.failureQueue, 'QueueName'] } }],
    Statistic: 'Maximum',
    Period: FIVE_MINUTES,
    EvaluationPeriods: 1,
    Threshold: 1,
  });
};

class Alarms {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'package:compileEvents': () => this.addAlarms() };
  }

  addAlarms() {
    const service = this.serverless.service;
    const settings = service.custom.alarms;
    const alarm = alarmWriter({
      template: service.provider.compiledCloudFormationTemplate,
      serviceName: service.service,
      stage: this.serverless.getProvider('aws').getStage(),
      topicArn: settings.topicArn,
    });
    addFunctionAlarms(alarm, service, settings);
    addCleanupAlarms(alarm, service, settings);
  }
}

module.exports = Alarms;
