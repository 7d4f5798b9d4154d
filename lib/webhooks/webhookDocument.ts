import { toJsonSchemas } from '../openapi/jsonSchema';
import { WEBHOOK_HEADERS, WEBHOOK_PAYLOADS } from './webhookSchemas';

/** `message.created` → `MessageCreatedWebhook`: the body's name among the document's schemas. */
const schemaName = (type: string): string => `${type.replace(/(^|\.)(\w)/g, (_, _dot, letter: string) => letter.toUpperCase())}Webhook`;

/** The webhook bodies, for the OpenAPI document's components. */
export const webhookSchemas = () =>
  toJsonSchemas(Object.fromEntries(Object.entries(WEBHOOK_PAYLOADS).map(([type, schema]) => [schemaName(type), schema])), 'output');

/**
 * The OpenAPI 3.1 `webhooks` section: what the service POSTs to a tenant's registered endpoints,
 * one operation per event type, with the Standard Webhooks headers.
 */
export const webhookOperations = () =>
  Object.fromEntries(
    Object.keys(WEBHOOK_PAYLOADS).map((type) => [
      type,
      {
        post: {
          operationId: schemaName(type).replace(/^\w/, (letter) => letter.toLowerCase()),
          summary: `${type}, to the tenant's endpoint`,
          description:
            'Sent to every enabled endpoint of the tenant subscribed to it (`npm run tenant -- webhook add`), signed as the Standard Webhooks specification says. At least once: anything but a 2xx within 5 s is retried with the same webhook-id for about 27.6 hours, so drop the ids you have processed.',
          security: [],
          parameters: WEBHOOK_HEADERS,
          requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${schemaName(type)}` } } } },
          responses: {
            '2XX': { description: 'Received: the delivery is done' },
            '4XX': { description: 'Refused: tried again later, like any answer but a 2xx' },
          },
        },
      },
    ]),
  );
