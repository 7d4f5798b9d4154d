// Renders the API's served OpenAPI document with the locally served Swagger UI.
/* global SwaggerUIBundle */
const OPENAPI_URL = '/api/v1/openapi.json';

SwaggerUIBundle({
  url: OPENAPI_URL,
  dom_id: '#docs',
  deepLinking: true,
  // The page is offline-first: no call to the public validator badge service.
  validatorUrl: null,
});
