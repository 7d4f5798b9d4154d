import { targetRegistry } from '../../scripts/registryTarget';

describe('where npm run tenant and npm run token act', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['DYNAMODB_ENDPOINT', 'TENANTS_TABLE', 'CHAT_TABLE', 'AWS_REGION', 'LOCAL_DYNAMODB_PORT']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('a deployed stage: its tables from serverless.yml, the AWS endpoint (never a local one), the region given', () => {
    process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:8000';
    targetRegistry({ stage: 'prod', region: 'eu-west-1' });
    expect(process.env.DYNAMODB_ENDPOINT).toBeUndefined();
    expect(process.env.TENANTS_TABLE).toBe('chat-rooms-prod-tenants');
    expect(process.env.CHAT_TABLE).toBe('chat-rooms-prod-chat');
    expect(process.env.AWS_REGION).toBe('eu-west-1');
  });

  it('by default the store of npm start, or DYNAMODB_ENDPOINT when set', () => {
    delete process.env.DYNAMODB_ENDPOINT;
    delete process.env.TENANTS_TABLE;
    process.env.LOCAL_DYNAMODB_PORT = '8123';
    targetRegistry({});
    expect(process.env.DYNAMODB_ENDPOINT).toBe('http://127.0.0.1:8123');
    expect(process.env.TENANTS_TABLE).toBe('chat-rooms-local-tenants');
    process.env.DYNAMODB_ENDPOINT = 'http://127.0.0.1:9999';
    targetRegistry({});
    expect(process.env.DYNAMODB_ENDPOINT).toBe('http://127.0.0.1:9999');
  });

  it('refuses a stage name that is not one', () => {
    expect(() => targetRegistry({ stage: 'prod; rm -rf /' })).toThrow(/--stage must be a stage name/);
  });
});
