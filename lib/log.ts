import { Logger } from '@aws-lambda-powertools/logger';

/** The one logger, created at module load so it stays warm with the container. Never log message text. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'chat-rooms' });
