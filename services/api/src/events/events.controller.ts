import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { DomainError } from '@integrations/contracts';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type AuthedRequest, RequireScope } from '../auth/auth.guard';
import { SCOPES } from '../auth/token-verifier';
import type { ApiConfig } from '../config';
import { problem } from '../http/docs';
import { TOKENS } from '../tokens';
import { EventStream } from './event-stream';

const HEARTBEAT_MS = 15_000;
/** setTimeout's limit (about 24.8 days); a longer-lived token's stream is closed then and reopened. */
const MAX_TIMER_MS = 2 ** 31 - 1;

@Controller('api/integrations/events')
export class EventsController {
  constructor(
    private readonly stream: EventStream,
    @Inject(TOKENS.config) private readonly config: ApiConfig,
  ) {}

  @Get()
  @RequireScope(SCOPES.read)
  @ApiTags('events')
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: "Server-Sent Events: the caller's own events as they happen" })
  @ApiResponse({ status: 200, description: 'An event stream: one `data:` line per event envelope' })
  @problem(401, 'Missing or invalid token')
  @problem(403, 'Missing scope')
  @problem(429, 'Too many open event streams for this user')
  async open(@Req() req: AuthedRequest, @Res() res: Response): Promise<void> {
    const { sub, expiresAt } = req.principal;
    // Within the verifier's clock tolerance a token past its `exp` still passes; a stream would end at once.
    if (expiresAt <= Date.now()) throw new DomainError('UNAUTHORIZED', 'The token has expired.');
    if (this.stream.openFor(sub) >= this.config.sseMaxPerUser) {
      throw new DomainError(
        'RATE_LIMITED',
        `At most ${this.config.sseMaxPerUser} open event streams per user.`,
        {
          retryAfter: 30,
        },
      );
    }
    let closed = false;
    const onClose: (() => void)[] = [];
    req.on('close', () => {
      closed = true;
      for (const done of onClose) done();
    });
    // Answered only once the events are routed here: a client that acts as soon as the stream is open sees
    // what follows.
    onClose.push(await this.stream.hold());
    if (closed) {
      onClose.forEach((done) => done());
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies must not buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 3000\n: connected\n\n`);
    const unsubscribe = this.stream.subscribe(sub, res);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    // The token was checked once, at the start: the stream ends when it expires, and the client reconnects
    // with a fresh one (a closed stream is re-checked like any request).
    const expiry = setTimeout(
      () => {
        // A comment, not an event: clients see the stream end and reconnect, and the expired token gets a 401.
        res.write(': token expired\n\n');
        res.end();
      },
      Math.max(0, Math.min(expiresAt - Date.now(), MAX_TIMER_MS)),
    );
    onClose.push(
      () => clearInterval(heartbeat),
      () => clearTimeout(expiry),
      unsubscribe,
    );
  }
}
