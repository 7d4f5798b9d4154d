/**
 * `npm run --silent openapi > openapi.json`: the OpenAPI document, generated from the zod schemas,
 * naming as its server PUBLIC_API_URL, else the running `npm start`'s address, else the default one.
 */
import { openApiDocument } from '../lib/openapi/document';
import { serverUrlOf } from '../lib/openapi/serverUrl';
import { runningStack } from './local/stackRecord';

const serverUrl = process.env.PUBLIC_API_URL || runningStack()?.apiUrl || `http://127.0.0.1:${process.env.PORT || '3000'}`;
console.log(JSON.stringify(openApiDocument({ serverUrl: serverUrlOf(serverUrl) }), null, 2));
