/** A CloudEvents 1.0 envelope (structured JSON mode) with this system's extensions. */
export interface Envelope<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  time: string;
  subject?: string;
  datacontenttype: 'application/json';
  data: T;
  /** The platform user the message acts for (the token's `sub`). */
  userid: string;
  traceparent?: string;
  idempotencykey?: string;
  requestid?: string;
  /** Set by the api for callers with `integrations:admin`: reads may cross users. */
  useradmin?: boolean;
}
