/** Injection tokens of the api's providers that are not classes. */
export const TOKENS = {
  config: Symbol('config'),
  messaging: Symbol('messaging'),
  redis: Symbol('redis'),
  registry: Symbol('registry'),
  logger: Symbol('logger'),
  verifier: Symbol('verifier'),
  rateLimits: Symbol('rateLimits'),
} as const;
