import { readFile } from 'node:fs/promises';
import path from 'node:path';

export interface Asset {
  body: string;
  contentType: string;
}

interface AssetSource {
  /** Absolute path of the file. */
  file: string;
  contentType: string;
}

const HTML = 'text/html; charset=utf-8';
const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/**
 * The service directory. serverless-offline runs handlers from it (and jest runs from it);
 * `__dirname` would not do: the handler runs from an esbuild bundle under `.esbuild/`.
 */
const serviceDirectory = (): string => process.cwd();

/** The page's own files (plain HTML, CSS and ES modules; no build step). */
const publicDirectory = (): string => path.join(serviceDirectory(), 'playground', 'public');

const swaggerUiDirectory = (): string =>
  path.dirname(require.resolve('swagger-ui-dist/package.json', { paths: [serviceDirectory()] }));

/**
 * Every file the route serves, by the name after `/playground/` (`''` is the page itself).
 * A closed list: a request names an entry, never a path, so nothing else on disk is reachable.
 */
const assetSources = (): Record<string, AssetSource> => {
  const own = (file: string, contentType: string): AssetSource => ({ file: path.join(publicDirectory(), file), contentType });
  const swaggerUi = (file: string, contentType: string): AssetSource => ({ file: path.join(swaggerUiDirectory(), file), contentType });
  return {
    '': own('index.html', HTML),
    docs: own('docs.html', HTML),
    'style.css': own('style.css', CSS),
    'app.js': own('app.js', JAVASCRIPT),
    'api.js': own('api.js', JAVASCRIPT),
    'pane.js': own('pane.js', JAVASCRIPT),
    'socket.js': own('socket.js', JAVASCRIPT),
    'exchange.js': own('exchange.js', JAVASCRIPT),
    'dom.js': own('dom.js', JAVASCRIPT),
    'pageState.js': own('pageState.js', JAVASCRIPT),
    'participants.js': own('participants.js', JAVASCRIPT),
    'webhooks.js': own('webhooks.js', JAVASCRIPT),
    'attachments.js': own('attachments.js', JAVASCRIPT),
    'docs.js': own('docs.js', JAVASCRIPT),
    'asyncapi.js': own('asyncapi.js', JAVASCRIPT),
    // The docs renderer, from the installed package: it works offline, no CDN.
    'swagger-ui.css': swaggerUi('swagger-ui.css', CSS),
    'swagger-ui-bundle.js': swaggerUi('swagger-ui-bundle.js', JAVASCRIPT),
  };
};

/** The page's own files (Swagger UI's are not), for the test that weighs the page. */
export const ownAssetFiles = (): string[] =>
  Object.values(assetSources())
    .map((source) => source.file)
    .filter((file) => file.startsWith(publicDirectory()));

export const isHtml = (asset: Asset): boolean => asset.contentType === HTML;

/** The asset of that name, or undefined when there is none. Read on each request: edits show on reload. */
export const readAsset = async (name: string): Promise<Asset | undefined> => {
  const sources = assetSources();
  const source = Object.hasOwn(sources, name) ? sources[name] : undefined;
  if (!source) return undefined;
  return { body: await readFile(source.file, 'utf8'), contentType: source.contentType };
};
