import { COMMAND_TYPES, DEPRECATED_COMMANDS } from '@integrations/contracts';
import { CONNECTORS, CONNECTOR_NAMES, deployed, hasChannels, hasKeys, isConnectorName } from './registry';

describe('platform registry', () => {
  it('declares every connector with symmetric, current command keys: <platform>.<resource>.<verb>', () => {
    const deprecated = new Set<string>(Object.keys(DEPRECATED_COMMANDS));
    for (const name of CONNECTOR_NAMES) {
      const { platform, resource, commands } = CONNECTORS[name];
      const prefix = `${platform}.${resource}.`;
      const channel: Record<string, string> = 'channel' in commands ? commands.channel : {};
      const own: string[] = [
        ...('keys' in commands ? [commands.keys.rotate] : []),
        ...Object.values(commands.own),
        ...Object.values(channel),
      ];
      for (const key of [commands.messageGet, ...own]) {
        expect(COMMAND_TYPES).toContain(key);
        expect(deprecated.has(key)).toBe(false);
      }
      // A message is the resource's, or the platform's when the connector is the platform's only one.
      expect(
        commands.messageGet.startsWith(prefix) || commands.messageGet === `${platform}.message.get`,
      ).toBe(true);
      for (const key of own) expect(key.startsWith(prefix)).toBe(true);
      for (const [verb, key] of Object.entries(commands.own)) expect(key).toBe(`${prefix}${verb}`);
      for (const [verb, key] of Object.entries(channel)) expect(key).toBe(`${prefix}channel.${verb}`);
    }
  });

  it('names connectors as channel `via` types do, and keeps registry order for merged lists', () => {
    expect(CONNECTOR_NAMES).toEqual(['bot', 'account', 'whatsapp']);
    expect(isConnectorName('account')).toBe(true);
    expect(isConnectorName('toString')).toBe(false);
    expect(deployed(new Set(['whatsapp', 'account', 'bot'] as const))).toEqual([
      'bot',
      'account',
      'whatsapp',
    ]);
  });

  it('knows which connectors have channels and rotatable keys (WhatsApp numbers have neither)', () => {
    expect(CONNECTOR_NAMES.filter(hasChannels)).toEqual(['bot', 'account']);
    expect(CONNECTOR_NAMES.filter(hasKeys)).toEqual(['bot', 'account']);
    expect(CONNECTORS.whatsapp).toMatchObject({
      platform: 'whatsapp',
      resource: 'number',
    });
  });
});
