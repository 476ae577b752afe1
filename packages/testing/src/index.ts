export * from './infra';
export * from './fake-vault';
