import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { SignJWT } from 'jose';
import { answerClientMessage } from '../../lib/realtime/clientMessages';
import { connectionKey } from '../../lib/store/keys';
import { allow, deny, socketToken, verifiedTokenExpiry } from '../../lib/websocket/authorizerResponse';
import { identityOf, type SocketEvent } from '../../lib/websocket/socketEvent';

const authorizerEvent = (parts: Partial<APIGatewayRequestAuthorizerEvent>) =>
  ({ methodArn: 'arn:aws:execute-api:us-east-1:1:api/local/$connect', headers: {}, ...parts }) as APIGatewayRequestAuthorizerEvent;

describe('WebSocket edge', () => {
  it('takes the token from ?token= first, else from an Authorization header of any case', () => {
    expect(socketToken(authorizerEvent({ queryStringParameters: { token: ' q ' }, headers: { Authorization: 'Bearer h' } }))).toBe('q');
    expect(socketToken(authorizerEvent({ headers: { authorization: 'Bearer h' } }))).toBe('h');
    expect(socketToken(authorizerEvent({ headers: { AUTHORIZATION: 'h2' } }))).toBe('h2');
    expect(socketToken(authorizerEvent({ queryStringParameters: { token: '' } }))).toBeUndefined();
  });

  it('hands the identity and the token\'s expiry on in the allow policy, and reads them back on later routes', () => {
    const result = allow('arn:x', { clientId: '7', subDomain: 's', dbName: 'd', name: 'n', status: 'active', retentionDays: 30 }, { role: 'user', userId: '42' }, 1_900_000_000);
    expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:x' }]);
    expect(result.context).toEqual({ client_id: '7', role: 'user', user_id: '42', exp: 1_900_000_000 });
    // API Gateway (and serverless-offline) hand every context value on as a string.
    const stringified = Object.fromEntries(Object.entries(result.context!).map(([key, value]) => [key, String(value)]));
    for (const authorizer of [result.context, stringified]) {
      const event = { requestContext: { connectionId: 'c', authorizer: { principalId: result.principalId, ...authorizer } } } as unknown as SocketEvent;
      expect(identityOf(event)).toEqual({ tenant: { clientId: '7' }, actor: { role: 'user', userId: '42' }, tokenExpiresAt: 1_900_000_000 });
    }
    expect(deny('arn:x').policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
  });

  it('refuses to act on a connection without an authorizer identity or its token\'s expiry', () => {
    const identity = { client_id: '7', role: 'user', user_id: '1' };
    const withAuthorizer = (authorizer: unknown) => ({ requestContext: { connectionId: 'c', authorizer } }) as unknown as SocketEvent;
    expect(() => identityOf({ requestContext: { connectionId: 'c' } } as unknown as SocketEvent)).toThrow();
    expect(() => identityOf(withAuthorizer({ ...identity, client_id: '0', exp: '1900000000' }))).toThrow();
    for (const exp of [undefined, '', 'soon', '1.5', '-1']) expect(() => identityOf(withAuthorizer({ ...identity, exp }))).toThrow();
  });

  it('reads the expiry of a verified token from its exp claim', async () => {
    const token = await new SignJWT({ role: 'user' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(1_900_000_000).sign(new Uint8Array(32));
    expect(verifiedTokenExpiry(token)).toBe(1_900_000_000);
    const endless = await new SignJWT({ role: 'user' }).setProtectedHeader({ alg: 'HS256' }).sign(new Uint8Array(32));
    expect(() => verifiedTokenExpiry(endless)).toThrow(expect.objectContaining({ code: 'TOKEN_INVALID' }));
  });

  it('keys connections under the tenant and the person', () => {
    expect(connectionKey({ clientId: '3' }, 'vendor', '9', 'abc=')).toEqual({ pk: 'T#3#CONN#VENDOR#9', sk: 'CONN#abc=' });
    expect(() => connectionKey({ clientId: '' }, 'vendor', '9', 'abc=')).toThrow();
  });

  it('answers ping with pong, anything else with an error naming the field', () => {
    const later = Math.floor(Date.now() / 1000) + 60;
    expect(answerClientMessage('{"action":"ping"}', later)).toEqual({ event: 'pong' });
    expect(answerClientMessage('{"action":"pong"}', later)).toMatchObject({ event: 'error', code: 'VALIDATION_ERROR', errors: [{ path: 'action' }] });
    expect(answerClientMessage('nope', later)).toMatchObject({ event: 'error', code: 'INVALID_JSON' });
    expect(answerClientMessage(undefined, later)).toMatchObject({ event: 'error', code: 'INVALID_JSON' });
  });

  it('answers every frame TOKEN_EXPIRED from the second the token expires', () => {
    const now = new Date('2026-06-01T00:00:00.500Z');
    const nowSeconds = Math.floor(now.getTime() / 1000);
    expect(answerClientMessage('{"action":"ping"}', nowSeconds + 1, now)).toEqual({ event: 'pong' });
    for (const exp of [nowSeconds, nowSeconds - 3600]) {
      expect(answerClientMessage('{"action":"ping"}', exp, now)).toMatchObject({ event: 'error', code: 'TOKEN_EXPIRED' });
    }
  });
});
