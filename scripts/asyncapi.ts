/** `npm run --silent asyncapi > asyncapi.json`: the WebSocket API's AsyncAPI document, generated from the zod schemas. */
import { asyncApiDocument } from '../lib/openapi/asyncApiDocument';
import { runningStack } from './local/stackRecord';

console.log(JSON.stringify(asyncApiDocument({ websocketEndpoint: process.env.WEBSOCKET_ENDPOINT || runningStack()?.wsUrl }), null, 2));
