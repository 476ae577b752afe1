import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { Agent, request } from 'undici';
import { attemptError, parseRetrySchedule } from './dispatcher';
import { topicMatches } from './patterns';
import { newSecret, signatureHeaders } from './signature';
import { checkWebhookUrl, guardedLookup } from './url-guard';

const production = { allowPrivate: false, allowHttp: false };

describe('topic patterns', () => {
  it.each([
    ['telegram.message.*', 'telegram.message.sent', true],
    ['telegram.message.*', 'telegram.message', false],
    ['telegram.#', 'telegram.message.sent', true],
    ['telegram.#', 'telegram', true],
    ['#', 'security.key.rotated', true],
    ['*.bot.*', 'telegram.bot.connected', true],
    ['*.bot.*', 'telegram.channel.attached', false],
    ['telegram.#.sent', 'telegram.message.sent', true],
    ['telegram.#.sent', 'telegram.sent', true],
    ['telegram.message.sent', 'telegram.message.failed', false],
  ])('%s against %s is %s', (pattern, key, expected) => {
    expect(topicMatches(pattern, key)).toBe(expected);
  });

  it('matches every key by itself and by #', () => {
    const word = fc.stringMatching(/^[a-z_]{1,8}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
        const key = words.join('.');
        return topicMatches(key, key) && topicMatches('#', key) && topicMatches(`${words[0]}.#`, key);
      }),
    );
  });
});

describe('signatures', () => {
  it('are accepted by the Standard Webhooks reference library, and only for the same bytes and secret', () => {
    const secret = newSecret();
    const body = JSON.stringify({
      type: 'telegram.message.sent',
      timestamp: new Date().toISOString(),
      data: {},
    });
    const headers = signatureHeaders(secret, 'msg_1', body);
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(secret).verify(body.replace('sent', 'fail'), headers)).toThrow();
    expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow();
    // A replay outside the library's tolerance is refused: the timestamp is signed.
    const old = signatureHeaders(secret, 'msg_1', body, new Date(Date.now() - 3_600_000));
    expect(() => new Webhook(secret).verify(body, old)).toThrow();
  });
});

describe('webhook URL policy', () => {
  it.each([
    'http://example.com/hook',
    'https://127.0.0.1/hook',
    'https://10.1.2.3/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[fd00::1]/hook',
    'https://localhost/hook',
    'https://rabbitmq.internal/hook',
    'https://user:secret@example.com/hook',
    'not a url',
  ])('refuses %s in production', (url) => {
    expect(() => checkWebhookUrl(url, production)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });

  it('allows public https URLs in production and loopback in development', () => {
    expect(checkWebhookUrl('https://hooks.example.com/in', production).hostname).toBe('hooks.example.com');
    expect(checkWebhookUrl('https://93.184.216.34/in', production).hostname).toBe('93.184.216.34');
    expect(checkWebhookUrl('http://127.0.0.1:3000/in', { allowPrivate: true, allowHttp: true }).port).toBe(
      '3000',
    );
  });

  it('refuses at connect time a name that resolves to a private address', async () => {
    const lookup = guardedLookup(production);
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup('localhost', {}, (err) => resolve(err)),
    );
    expect(error?.code).toBe('EWEBHOOKADDRESS');
    const allowed = await new Promise<string | unknown[]>((resolve, reject) =>
      guardedLookup({ allowPrivate: true, allowHttp: true })('localhost', {}, (err, address) =>
        err ? reject(err) : resolve(address),
      ),
    );
    expect(allowed).toMatch(/^(127\.0\.0\.1|::1)$/);
  });
});

describe('attempt errors shown to subscribers', () => {
  /** What a real attempt through the guarded connection reports for a URL. */
  const attempt = async (url: string): Promise<string> => {
    const agent = new Agent({ connect: { lookup: guardedLookup(production), timeout: 5000 } });
    try {
      await request(url, { method: 'POST', dispatcher: agent, body: '{}' });
      return 'answered';
    } catch (error) {
      return attemptError(error);
    } finally {
      await agent.close();
    }
  };

  it('read the same for a name that does not resolve and one that resolves to a refused internal address', async () => {
    const unknown = await attempt('https://no-such-host.invalid/hook');
    const internal = await attempt('https://localhost/hook');
    expect(internal).toBe(unknown);
    expect(internal).toBe('Could not connect to the receiver.');
  });
});

describe('retry schedule', () => {
  it('reads durations and defaults to the Standard Webhooks schedule', () => {
    expect(parseRetrySchedule('500ms, 5s,2m,1h')).toEqual([500, 5000, 120_000, 3_600_000]);
    expect(parseRetrySchedule(undefined)).toHaveLength(7);
    expect(() => parseRetrySchedule('5 minutes')).toThrow(/WEBHOOK_RETRY_SCHEDULE/);
  });
});
