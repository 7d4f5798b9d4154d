import middy from '@middy/core';
import { injectLambdaContext, logger } from '../log';

/** The stack every WebSocket route function shares: the logger with the Lambda context. */
export const socketRoute = <Event, Result>() => middy<Event, Result>().use(injectLambdaContext(logger));
