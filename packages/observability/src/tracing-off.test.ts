import { inSpan } from './index';

// No tracer provider is registered in this file: what a service runs without an exporter.
describe('spans without a tracer provider', () => {
  it('cost nothing: the attributes are not even read, the result and errors pass through', async () => {
    let reads = 0;
    const attributes = {
      get 'messaging.message.id'() {
        reads += 1;
        return 'm1';
      },
    };
    await expect(
      inSpan('work', attributes, async (span) => (span.isRecording() ? 'recorded' : 'done')),
    ).resolves.toBe('done');
    await expect(
      inSpan('failing work', attributes, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(reads).toBe(0);
  });
});
