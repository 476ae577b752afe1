export * from './envelope';
export * from './errors';
export * from './generated/routing-keys';
export type * from './generated/types';
export { SCHEMA_BASE, loadSchemas, schemasDir } from './schemas';
export * from './validation';
export * from './topology';
export { asyncApiId, buildAsyncApi, type AsyncApiOptions } from './asyncapi';
