import { Controller, Get, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type AuthedRequest, RequireScope } from '../auth/auth.guard';
import { SCOPES } from '../auth/token-verifier';
import { problem } from '../http/docs';
import { EventStream } from './event-stream';

const HEARTBEAT_MS = 15_000;

@Controller('api/integrations/events')
export class EventsController {
  constructor(private readonly stream: EventStream) {}

  @Get()
  @RequireScope(SCOPES.read)
  @ApiTags('events')
  @ApiBearerAuth()
  @ApiProduces('text/event-stream')
  @ApiOperation({ summary: "Server-Sent Events: the caller's own events as they happen" })
  @ApiResponse({ status: 200, description: 'An event stream: one `data:` line per event envelope' })
  @problem(401, 'Missing or invalid token')
  @problem(403, 'Missing scope')
  open(@Req() req: AuthedRequest, @Res() res: Response): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies must not buffer the stream.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: 3000\n: connected\n\n`);
    const unsubscribe = this.stream.subscribe(req.principal.sub, res);
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
