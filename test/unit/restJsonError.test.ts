import { isRetryableFault } from '../../lib/aws/retries';
import { restJsonError } from '../../lib/aws/signedRequest';

const lambdaCodes = (statusCode: number) => (statusCode === 429 ? 'TooManyRequestsException' : undefined);

describe('restJsonError', () => {
  it('takes the code from x-amzn-errortype, before its colon, and the message from the JSON body', () => {
    const error = restJsonError(
      'Lambda Invoke',
      { statusCode: 404, headers: { 'x-amzn-errortype': 'ResourceNotFoundException:http://internal.amazon.com/' }, body: '{"Message":"Function not found"}' },
      lambdaCodes,
    );
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe('Lambda Invoke answered 404 ResourceNotFoundException: Function not found');
    expect((error as Error & { $metadata: { httpStatusCode: number } }).$metadata.httpStatusCode).toBe(404);
    expect(isRetryableFault(error)).toBe(false);
  });

  it('without the header, names the code the service gives the status, else Http<status>, and keeps a body that is not JSON', () => {
    const throttled = restJsonError('Lambda Invoke', { statusCode: 429, headers: {}, body: '{"message":"Rate exceeded"}' }, lambdaCodes);
    expect(throttled.name).toBe('TooManyRequestsException');
    expect(throttled.message).toBe('Lambda Invoke answered 429 TooManyRequestsException: Rate exceeded');
    expect(isRetryableFault(throttled)).toBe(true);

    const proxyPage = restJsonError('Lambda Invoke', { statusCode: 502, headers: {}, body: '<html>Bad Gateway</html>' }, lambdaCodes);
    expect(proxyPage.name).toBe('Http502');
    expect(proxyPage.message).toBe('Lambda Invoke answered 502 Http502: <html>Bad Gateway</html>');
    expect(isRetryableFault(proxyPage)).toBe(true);

    expect(restJsonError('API Gateway PostToConnection', { statusCode: 400, headers: {}, body: '' }, lambdaCodes).message).toBe(
      'API Gateway PostToConnection answered 400 Http400',
    );
  });
});
