import { createLogger } from '@integrations/observability';
import { PassThrough } from 'node:stream';
import { read } from './files';

describe('ELK', () => {
  const template = JSON.parse(read('monitoring/elk/index-template.json')) as {
    index_patterns: string[];
    template: { mappings: { properties: Record<string, { properties?: Record<string, unknown> }> } };
  };
  const pipeline = JSON.parse(read('monitoring/elk/ingest-pipeline.json')) as {
    processors: Record<string, unknown>[];
  };

  it('maps every ECS field the logger writes, on the index the transport writes to', () => {
    const stream = new PassThrough();
    const lines: Record<string, unknown>[] = [];
    stream.on('data', (chunk: Buffer) => lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>));
    createLogger({ service: 'elk-test', stream, elasticsearchUrl: '' }).error('failed', {
      error: new Error('x'),
    });
    const mapped = (dotted: string) => {
      const [head, ...rest] = dotted.split('.');
      let node: { properties?: Record<string, unknown> } | undefined =
        template.template.mappings.properties[head!];
      for (const part of rest)
        node = node?.properties?.[part] as { properties?: Record<string, unknown> } | undefined;
      return node !== undefined;
    };
    const fields = Object.keys(lines[0] ?? {});
    expect(fields).toEqual(
      expect.arrayContaining([
        '@timestamp',
        'log.level',
        'message',
        'service.name',
        'ecs.version',
        'error.message',
      ]),
    );
    for (const field of fields) expect([field, mapped(field)]).toEqual([field, true]);
    expect(template.index_patterns).toEqual(['logs-integrations-*']);
  });

  it('expands dotted keys and redacts bot tokens again at ingest', () => {
    expect(pipeline.processors[0]).toHaveProperty('dot_expander');
    const gsub = pipeline.processors.find((p) => 'gsub' in p) as { gsub: { pattern: string } };
    // Shaped like a bot token and built here, so no token-like literal is committed.
    const botToken = `123456789:${'fake_test_token_'.repeat(3).slice(0, 35)}`;
    expect(new RegExp(gsub.gsub.pattern).test(`token ${botToken}`)).toBe(true);
    expect(new RegExp(gsub.gsub.pattern).test('token 123456789:short')).toBe(false);
  });
});
