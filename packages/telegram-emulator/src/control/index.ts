export { handleControl, type ControlContext, type MtprotoInfo } from './routes';
export * from './client';
