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
