import { pushToConnection } from '../../lib/realtime/gateway';
import { config } from '../../lib/config';
import { loopbackAws, resignedAuthorization, type LoopbackAnswer } from '../support/loopbackAws';

/** API Gateway's management API on a loopback port, answering each push in turn with `answers`. */
const managementApi = (...answers: LoopbackAnswer[]) => loopbackAws((_, index) => answers[Math.min(index, answers.length - 1)]!);

describe('pushing a frame to a connection', () => {
  it('posts the data to @connections/{id} under the API stage, signed for execute-api with the function\'s credentials', async () => {
    const api = await managementApi({ status: 200 });
    try {
      await expect(pushToConnection(`${api.url}/prod`, 'L0SM9cOFvHcCIhw=', '{"event":"message"}')).resolves.toBe('sent');
    } finally {
      await api.close();
    }
    const [sent] = api.received;
    expect(sent).toMatchObject({ method: 'POST', url: '/prod/@connections/L0SM9cOFvHcCIhw%3D', body: '{"event":"message"}' });
    expect(await resignedAuthorization(sent!, api.port, 'execute-api')).toBe(sent!.headers.authorization);
    expect(sent!.headers.authorization).toContain(`/${config.region}/execute-api/aws4_request`);
  });

  it('reports a closed connection (410, as API Gateway and serverless-offline answer it) as gone, once', async () => {
    const api = await managementApi({ status: 410 });
    try {
      await expect(pushToConnection(api.url, 'gone-connection', 'x')).resolves.toBe('gone');
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
      await expect(pushToConnection(throttledOnce.url, 'c1', 'x')).resolves.toBe('sent');
      expect(throttledOnce.received).toHaveLength(2);
      await expect(pushToConnection(failing.url, 'c1', 'x')).rejects.toMatchObject({ name: 'Http500', $metadata: { httpStatusCode: 500 } });
      expect(failing.received).toHaveLength(3);
      await expect(pushToConnection(forbidden.url, 'c1', 'x')).rejects.toMatchObject({
        name: 'ForbiddenException',
        message: 'API Gateway PostToConnection answered 403 ForbiddenException: Forbidden',
      });
      expect(forbidden.received).toHaveLength(1);
    } finally {
      await Promise.all([throttledOnce.close(), failing.close(), forbidden.close()]);
    }
  });
});
