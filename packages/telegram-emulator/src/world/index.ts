export * from './types';
export * from './errors';
export * from './ids';
export { FaultRegistry, type FaultInput } from './faults';
export { FloodCounter } from './flood';
export * from './world';
