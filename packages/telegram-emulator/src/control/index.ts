export { handleControl, type ControlContext, type MtprotoInfo } from './routes';
