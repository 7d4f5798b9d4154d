/** `npm run --silent openapi > openapi.json`: the OpenAPI document, generated from the zod schemas. */
import { openApiDocument } from '../lib/openapi/document';

console.log(JSON.stringify(openApiDocument(), null, 2));
