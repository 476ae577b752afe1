export * from './infra';
export * from './fake-vault';
export * from './jwt';
export * from './until';
export * from './tcp-proxy';
export * from './daemon';
export * from './redis-monitor';
export * from './lost-connection';
