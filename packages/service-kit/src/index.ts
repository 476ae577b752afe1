export { retentionDays, startServiceBase, type ServiceBase, type ServiceBaseOptions } from './service-base';
