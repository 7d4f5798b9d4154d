import { deleteConnection, postToConnection, type ManagementApi } from '../../lib/aws/apiGatewayManagement';
import { config } from '../../lib/config';
import { functionTransport } from '../../lib/store/client';
import { loopbackAws, resignedAuthorization, type LoopbackAnswer } from '../support/loopbackAws';

/** API Gateway's management API on a loopback port, answering each call in turn with `answers`. */
const managementApi = (...answers: LoopbackAnswer[]) => loopbackAws((_, index) => answers[Math.min(index, answers.length - 1)]!);

const at = (endpoint: string): ManagementApi => ({ transport: functionTransport(), endpoint });

describe('pushing a frame to a connection', () => {
  it('posts the data to @connections/{id} under the API stage, signed for execute-api with the function\'s credentials', async () => {
    const api = await managementApi({ status: 200 });
    try {
      await expect(postToConnection(at(`${api.url}/prod`), 'L0SM9cOFvHcCIhw=', '{"event":"message"}')).resolves.toBe('sent');
    } finally {
      await api.close();
    }
    const [sent] = api.received;
    expect(sent).toMatchObject({ method: 'POST', url: '/prod/@connections/L0SM9cOFvHcCIhw%3D', body: '{"event":"message"}' });
    expect(await resignedAuthorization(sent!, api.port, 'execute-api')).toBe(sent!.headers.authorization);
    expect(sent!.headers.authorization).toContain(`/${config.region}/execute-api/aws4_request`);
  });

  it('takes any 2xx as sent (serverless-offline answers 204), once', async () => {
    for (const status of [200, 202, 204]) {
      const api = await managementApi({ status });
      try {
        await expect(postToConnection(at(api.url), 'c1', 'x')).resolves.toBe('sent');
        expect(api.received).toHaveLength(1);
      } finally {
        await api.close();
      }
    }
  });

  it('reports a closed connection (410, as API Gateway and serverless-offline answer it) as gone, once', async () => {
    const api = await managementApi({ status: 410 });
    try {
      await expect(postToConnection(at(api.url), 'gone-connection', 'x')).resolves.toBe('gone');
      expect(api.received.map((request) => request.url)).toEqual(['/@connections/gone-connection']);
    } finally {
      await api.close();
    }
  });

  it('tries throttling and server errors again, three attempts in all; a refusal is thrown at once', async () => {
    const throttledOnce = await managementApi({ status: 429, body: '{"message":"Too Many Requests"}' }, { status: 200 });
    const failing = await managementApi({ status: 500, body: '{"message":"Internal server error"}' });
    const forbidden = await managementApi({ status: 403, headers: { 'x-amzn-errortype': 'ForbiddenException' }, body: '{"message":"Forbidden"}' });
    try {
      await expect(postToConnection(at(throttledOnce.url), 'c1', 'x')).resolves.toBe('sent');
      expect(throttledOnce.received).toHaveLength(2);
      await expect(postToConnection(at(failing.url), 'c1', 'x')).rejects.toMatchObject({ name: 'Http500', $metadata: { httpStatusCode: 500 } });
      expect(failing.received).toHaveLength(3);
      await expect(postToConnection(at(forbidden.url), 'c1', 'x')).rejects.toMatchObject({
        name: 'ForbiddenException',
        message: 'API Gateway PostToConnection answered 403 ForbiddenException: Forbidden',
      });
      expect(forbidden.received).toHaveLength(1);
    } finally {
      await Promise.all([throttledOnce.close(), failing.close(), forbidden.close()]);
    }
  });
});

describe('closing a connection', () => {
  it('sends a signed DELETE to @connections/{id} without a body; 204 is closed', async () => {
    const api = await managementApi({ status: 204 });
    try {
      await expect(deleteConnection(at(`${api.url}/prod`), 'L0SM9cOFvHcCIhw=')).resolves.toBe('closed');
    } finally {
      await api.close();
    }
    const [sent] = api.received;
    expect(sent).toMatchObject({ method: 'DELETE', url: '/prod/@connections/L0SM9cOFvHcCIhw%3D', body: '' });
    expect(await resignedAuthorization(sent!, api.port, 'execute-api')).toBe(sent!.headers.authorization);
  });

  it('reports a connection closed already (410) as gone, tries a throttled delete again, throws a refusal', async () => {
    const gone = await managementApi({ status: 410 });
    const throttledOnce = await managementApi({ status: 429 }, { status: 204 });
    const forbidden = await managementApi({ status: 403, body: '{"message":"Forbidden"}' });
    try {
      await expect(deleteConnection(at(gone.url), 'c1')).resolves.toBe('gone');
      await expect(deleteConnection(at(throttledOnce.url), 'c1')).resolves.toBe('closed');
      expect(throttledOnce.received.map((request) => request.method)).toEqual(['DELETE', 'DELETE']);
      await expect(deleteConnection(at(forbidden.url), 'c1')).rejects.toMatchObject({
        name: 'ForbiddenException',
        message: 'API Gateway DeleteConnection answered 403 ForbiddenException: Forbidden',
      });
      expect(forbidden.received).toHaveLength(1);
    } finally {
      await Promise.all([gone.close(), throttledOnce.close(), forbidden.close()]);
    }
  });
});
