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
 */
const capitalize = (name) => name.charAt(0).toUpperCase() + name.slice(1);

class Alarms {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'package:compileEvents': () => this.addAlarms() };
  }

  addAlarms() {
    const service = this.serverless.service;
    const settings = service.custom.alarms;
    const resources = service.provider.compiledCloudFormationTemplate.Resources;
    const conditions = (service.provider.compiledCloudFormationTemplate.Conditions ??= {});
    conditions.AlarmTopicConfigured = { 'Fn::Not': [{ 'Fn::Equals': [settings.topicArn ?? '', ''] }] };
    const actions = { 'Fn::If': ['AlarmTopicConfigured', [settings.topicArn], { Ref: 'AWS::NoValue' }] };
    const alarm = (id, description, properties) => {
      resources[id] = {
        Type: 'AWS::CloudWatch::Alarm',
        Properties: {
          AlarmName: `${service.service}-${this.serverless.getProvider('aws').getStage()}-${id.replace(/Alarm$/, '')}`,
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
    const appMetric = (name, functionName) => ({
      Namespace: 'ChatRooms',
      MetricName: name,
      Dimensions: [
        { Name: 'service', Value: service.service },
        { Name: 'function_name', Value: functionName },
      ],
    });

    for (const name of service.getAllFunctions()) {
      const fn = service.getFunction(name);
      const logicalId = capitalize(name);
      const servesHttp = (fn.events ?? []).some((event) => event.httpApi);
      if (name !== settings.cleanupFunction && !servesHttp) {
        alarm(`${logicalId}ErrorsAlarm`, `${name} failed ${settings.http5xxThreshold}+ invocations in 5 minutes`, {
          Namespace: 'AWS/Lambda',
          MetricName: 'Errors',
          Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${logicalId}LambdaFunction` } }],
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: settings.http5xxThreshold,
        });
      }
      if (servesHttp) {
        alarm(`${logicalId}Http5xxAlarm`, `${name} answered ${settings.http5xxThreshold}+ requests with a 5xx in 5 minutes`, {
          ...appMetric('Http5xx', fn.name),
          Period: 300,
          EvaluationPeriods: 1,
          Threshold: settings.http5xxThreshold,
        });
      }
      alarm(`${logicalId}ThrottlesAlarm`, `${name} was throttled (concurrency exhausted) in the last 5 minutes`, {
        Namespace: 'AWS/Lambda',
        MetricName: 'Throttles',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: `${logicalId}LambdaFunction` } }],
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
      });
    }

    const cleanup = service.getFunction(settings.cleanupFunction);
    alarm('CleanupFailedTenantsAlarm', 'A cleanup pass could not clean one or more tenants (see its log)', {
      ...appMetric('FailedTenants', cleanup.name),
      Period: 3600,
      EvaluationPeriods: 1,
      Threshold: 1,
    });
    alarm('CleanupPassIncompleteAlarm', 'Three cleanup passes in a row ran out of time: expired rooms pile up faster than they go', {
      ...appMetric('PassIncomplete', cleanup.name),
      Period: 3600,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 3,
      Threshold: 1,
    });
    alarm('CleanupFailuresAlarm', 'A scheduled cleanup invocation failed after its retries (message on the failure queue)', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [settings.failureQueue, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
    });
  }
}

module.exports = Alarms;
