import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Inject } from '@nestjs/common';
import { DomainError, type ErrorCode, isErrorCode } from '@integrations/contracts';
import type { Logger } from '@integrations/observability';
import type { Request, Response } from 'express';
import { TOKENS } from '../tokens';
import { sendProblem } from './problem';

const BY_STATUS: Record<number, ErrorCode> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'NOT_FOUND',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  422: 'VALIDATION_FAILED',
  429: 'RATE_LIMITED',
};

/** Every error leaves as problem+json with a stable code; unexpected ones say nothing about internals. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(@Inject(TOKENS.logger) private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request & { requestId?: string }>();
    const res = http.getResponse<Response>();
    sendProblem(res, this.toDomainError(exception, req), req.originalUrl?.split('?')[0]);
  }

  private toDomainError(exception: unknown, req: Request & { requestId?: string }): DomainError {
    if (exception instanceof DomainError) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = BY_STATUS[status];
      if (code) {
        const detail = code === 'NOT_FOUND' ? `No route ${req.method} ${req.path}.` : exception.message;
        return new DomainError(code, detail);
      }
    }
    const code = (exception as { code?: unknown })?.code;
    if (isErrorCode(code) && code !== 'INTERNAL') return new DomainError(code, 'The request failed.');
    this.logger.error('unhandled error', { error: exception, requestId: req.requestId, path: req.path });
    return new DomainError(
      'INTERNAL',
      `Something went wrong on our side (request ${req.requestId ?? 'unknown'}).`,
    );
  }
}
