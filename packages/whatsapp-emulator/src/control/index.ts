export * from './client';
export { handleControl, type ControlContext } from './routes';
