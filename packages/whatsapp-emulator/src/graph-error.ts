import { fbtraceId } from './ids';

/**
 * A Graph API error: answered as `{error: {message, type, code, error_subcode?, error_data?, fbtrace_id}}`
 * with `status`. WhatsApp codes (13xxxx) carry `error_data: {messaging_product, details}` as Meta's do; Graph
 * codes (100, 190, 2500) carry `error_subcode` where Meta sets one.
 */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly type = 'OAuthException',
    readonly subcode?: number,
    readonly details?: string,
  ) {
    super(message);
    this.name = 'GraphError';
  }

  toBody(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { message: this.message, type: this.type, code: this.code };
    if (this.subcode !== undefined) error.error_subcode = this.subcode;
    if (this.details !== undefined)
      error.error_data = { messaging_product: 'whatsapp', details: this.details };
    error.fbtrace_id = fbtraceId();
    return { error };
  }
}

/** 190: the token is not one the emulator issued (or it was revoked). */
export const invalidToken = (): GraphError =>
  new GraphError(401, 190, 'Invalid OAuth access token - Cannot parse access token');

/** 2500: no token at all. */
export const noToken = (): GraphError =>
  new GraphError(
    400,
    2500,
    'An active access token must be used to query information about the current user.',
  );

/** 100/33: an object the token cannot see (unknown id, or another number's token). */
export const unsupported = (method: string, id: string): GraphError =>
  new GraphError(
    400,
    100,
    `Unsupported ${method} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
    'GraphMethodException',
    33,
  );

/** 100: a parameter is missing or not valid. */
export const invalidParameter = (details: string): GraphError =>
  new GraphError(400, 100, '(#100) Invalid parameter', 'OAuthException', undefined, details);

/** 2500: a path the emulator does not serve. */
export const unknownPath = (path: string): GraphError =>
  new GraphError(400, 2500, `Unknown path components: ${path}`);

/** 130429: the number's throughput (messages per second) is used up. */
export const rateLimitHit = (): GraphError =>
  new GraphError(
    429,
    130429,
    '(#130429) Rate limit hit',
    'OAuthException',
    undefined,
    'Cloud API message throughput has been reached.',
  );

/** 131056: too many messages from this number to one recipient in a short time. */
export const pairRateLimitHit = (): GraphError =>
  new GraphError(
    400,
    131056,
    '(#131056) (Business Account, Consumer Account) pair rate limit hit',
    'OAuthException',
    undefined,
    'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
  );

/** 132001: no approved template by that name in that language. */
export const templateDoesNotExist = (name: string, language: string): GraphError =>
  new GraphError(
    404,
    132001,
    '(#132001) Template name does not exist in the translation',
    'OAuthException',
    undefined,
    `template name (${name}) does not exist in ${language}`,
  );

/** 132000: the body parameters do not match the template's placeholders. */
export const templateParamCount = (expected: number, got: number): GraphError =>
  new GraphError(
    400,
    132000,
    '(#132000) Number of parameters does not match the expected number of params',
    'OAuthException',
    undefined,
    `body: number of localizable_params (${got}) does not match the expected number of params (${expected})`,
  );
