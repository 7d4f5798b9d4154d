import type { APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { answerClientMessage } from '../../lib/realtime/clientMessages';
import { connectionKey } from '../../lib/store/keys';
import { allow, deny, socketToken } from '../../lib/websocket/authorizerResponse';
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

  it('hands the identity on in the allow policy, and reads it back on later routes', () => {
    const result = allow('arn:x', { clientId: '7', subDomain: 's', dbName: 'd', name: 'n', status: 'active', retentionDays: 30 }, { role: 'user', userId: '42' });
    expect(result.policyDocument.Statement).toEqual([{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: 'arn:x' }]);
    expect(result.context).toEqual({ client_id: '7', role: 'user', user_id: '42' });
    const event = { requestContext: { connectionId: 'c', authorizer: { principalId: result.principalId, ...result.context } } } as unknown as SocketEvent;
    expect(identityOf(event)).toEqual({ tenant: { clientId: '7' }, actor: { role: 'user', userId: '42' } });
    expect(deny('arn:x').policyDocument.Statement[0]).toMatchObject({ Effect: 'Deny' });
  });

  it('refuses to act on a connection without an authorizer identity', () => {
    expect(() => identityOf({ requestContext: { connectionId: 'c' } } as unknown as SocketEvent)).toThrow();
    expect(() => identityOf({ requestContext: { authorizer: { client_id: '0', role: 'user', user_id: '1' } } } as unknown as SocketEvent)).toThrow();
  });

  it('keys connections under the tenant and the person', () => {
    expect(connectionKey({ clientId: '3' }, 'vendor', '9', 'abc=')).toEqual({ pk: 'T#3#CONN#VENDOR#9', sk: 'CONN#abc=' });
    expect(() => connectionKey({ clientId: '' }, 'vendor', '9', 'abc=')).toThrow();
  });

  it('answers ping with pong, anything else with an error naming the field', () => {
    expect(answerClientMessage('{"action":"ping"}')).toEqual({ event: 'pong' });
    expect(answerClientMessage('{"action":"pong"}')).toMatchObject({ event: 'error', code: 'VALIDATION_ERROR', errors: [{ path: 'action' }] });
    expect(answerClientMessage('nope')).toMatchObject({ event: 'error', code: 'INVALID_JSON' });
    expect(answerClientMessage(undefined)).toMatchObject({ event: 'error', code: 'INVALID_JSON' });
  });
});
