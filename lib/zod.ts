/**
 * The zod of everything a Lambda handler loads: zod/mini, whose schemas are built with functions
 * (`z.optional(z.string().check(z.maxLength(40)))`) instead of methods. Classic zod is one object
 * graph a bundler cannot trim; mini loads in a fraction of its time (BENCHMARKS.md, cold start).
 * Messages are classic zod's English ones.
 */
import { en } from 'zod/locales';
import { config } from 'zod/mini';

config(en());

export * from 'zod/mini';
