import { ConditionalCheckFailedException, DynamoDBServiceException, ProvisionedThroughputExceededException } from '@aws-sdk/client-dynamodb';
import { createError } from '@middy/util';
import { AppError } from '../../lib/errors';
import { errorResponse } from '../../lib/http/responses';
import { toAppError } from '../../lib/http/httpErrors';

describe('toAppError', () => {
  it('keeps our own errors', () => {
    const error = new AppError('TENANT_MISMATCH', 'nope');
    expect(toAppError(error)).toBe(error);
  });

  it("maps the JSON parser's malformed-body error to 400 INVALID_JSON", () => {
    const parserError = createError(415, 'Invalid or malformed JSON was provided', {
      cause: { package: '@middy/http-json-body-parser', data: '{' },
    });
    expect(toAppError(parserError)).toMatchObject({ code: 'INVALID_JSON', status: 400 });
  });

  it('maps a wrong content type to 415', () => {
    const parserError = createError(415, 'Unsupported Media Type', { cause: { package: '@middy/http-json-body-parser' } });
    expect(toAppError(parserError)).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
  });

  it('hides anything unexpected behind a 500 without details', () => {
    const mapped = toAppError(new TypeError('secret internals at /var/task/x.js:1'));
    expect(mapped).toMatchObject({ code: 'INTERNAL_ERROR', status: 500, message: 'Internal server error' });
  });

  it.each([
    ['ProvisionedThroughputExceededException', 400],
    ['ThrottlingException', 400],
    ['RequestLimitExceeded', 400],
    ['InternalServerError', 500],
    ['ServiceUnavailable', 503],
  ])('maps a store fault (%s, HTTP %i) to 503 SERVICE_UNAVAILABLE with a Retry-After', (name, httpStatusCode) => {
    const fault = new DynamoDBServiceException({ name, $fault: httpStatusCode >= 500 ? 'server' : 'client', $metadata: { httpStatusCode } });
    const mapped = toAppError(fault);
    expect(mapped).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503, retryAfterSeconds: 1 });
    expect(errorResponse(mapped).headers['Retry-After']).toBe('1');
  });

  it('maps a timed-out or refused connection to 503', () => {
    expect(toAppError(Object.assign(new Error('timed out'), { name: 'TimeoutError' }))).toMatchObject({ status: 503 });
    expect(toAppError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ status: 503 });
    expect(toAppError(new ProvisionedThroughputExceededException({ message: 'slow down', $metadata: {} }))).toMatchObject({ status: 503 });
  });

  it('keeps store errors that are our bug a 500: a bad request, an uncaught condition failure', () => {
    const validation = new DynamoDBServiceException({ name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
    expect(toAppError(validation)).toMatchObject({ code: 'INTERNAL_ERROR', status: 500 });
    expect(toAppError(new ConditionalCheckFailedException({ message: 'no', $metadata: { httpStatusCode: 400 } }))).toMatchObject({ status: 500 });
  });

  it('does not trust 5xx middy errors to be shown', () => {
    expect(toAppError(createError(502, 'upstream said something'))).toMatchObject({ code: 'INTERNAL_ERROR' });
  });
});

describe('errorResponse', () => {
  it('is the shared JSON error body, no-store', () => {
    const response = errorResponse(new AppError('VALIDATION_ERROR', 'Request body is invalid', [{ path: 'order_id', message: 'bad' }]));
    expect(response.statusCode).toBe(400);
    expect(response.headers['Cache-Control']).toBe('no-store');
    expect(JSON.parse(response.body)).toEqual({
      message: 'Request body is invalid',
      status: 400,
      code: 'VALIDATION_ERROR',
      errors: [{ path: 'order_id', message: 'bad' }],
    });
  });
});
