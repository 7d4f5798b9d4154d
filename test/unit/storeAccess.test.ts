import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../scripts/local/serverlessConfig';

/**
 * The tenant guard sits on the clients lib/store/client.ts makes; code that made a DynamoDB client
 * of its own would pass around it. These checks keep every path to the chat table on a guarded,
 * tenant-scoped client, for code that exists now and code added later.
 */
const sourcesUnder = (folder: string): { file: string; text: string }[] =>
  readdirSync(path.join(REPO_ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => {
      const file = path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name));
      return { file, text: readFileSync(path.join(REPO_ROOT, file), 'utf8') };
    });

const appSources = [...sourcesUnder('lib'), ...sourcesUnder('functions')];

describe('access to the store', () => {
  it('only lib/store/client.ts makes DynamoDB clients', () => {
    const makers = appSources
      .filter(({ text }) => /new DynamoDBClient\(|DynamoDBDocumentClient\.from\(|createDocumentClient\(/.test(text))
      .map(({ file }) => file);
    expect(makers).toEqual([path.join('lib', 'store', 'client.ts')]);
  });

  it('the unguarded registry client never addresses the chat table', () => {
    const mixed = appSources
      .filter(({ file }) => !file.endsWith(path.join('store', 'client.ts')))
      .filter(({ text }) => text.includes('registryClient(') && text.includes('chatTable'))
      .map(({ file }) => file);
    expect(mixed).toEqual([]);
  });

  it('every module that addresses the chat table does so through documentClient(tenant)', () => {
    const chatModules = appSources.filter(({ text }) => /config\.chatTable/.test(text) && /\.send\(/.test(text));
    expect(chatModules.length).toBeGreaterThan(5);
    for (const { file, text } of chatModules) {
      expect({ file, guarded: /documentClient\(\s*\w/.test(text) }).toEqual({ file, guarded: true });
    }
  });
});
