export {
  ConfigError,
  EnvReader,
  PORT,
  infrastructure,
  retention,
  retentionDays,
  telegramMode,
  type Infrastructure,
  type PlatformMode,
  type Range,
  type UrlOptions,
} from './config';
export { startServiceBase, type ServiceBase, type ServiceBaseOptions } from './service-base';
