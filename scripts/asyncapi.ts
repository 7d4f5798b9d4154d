/** `npm run --silent asyncapi > asyncapi.json`: the WebSocket API's AsyncAPI document, generated from the zod schemas. */
import { asyncApiDocument } from '../lib/openapi/asyncApiDocument';

console.log(JSON.stringify(asyncApiDocument({ websocketEndpoint: process.env.WEBSOCKET_ENDPOINT }), null, 2));
