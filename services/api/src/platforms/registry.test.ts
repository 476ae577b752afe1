import { COMMAND_TYPES, DEPRECATED_COMMANDS } from '@integrations/contracts';
import { CONNECTORS, CONNECTOR_NAMES, deployed, isConnectorName } from './registry';

describe('platform registry', () => {
  it('declares every connector with symmetric, current command keys: <platform>.<resource>.<verb>', () => {
    const deprecated = new Set<string>(Object.keys(DEPRECATED_COMMANDS));
    for (const name of CONNECTOR_NAMES) {
      const { platform, resource, commands } = CONNECTORS[name];
      const prefix = `${platform}.${resource}.`;
      const keys = [commands.messageGet, commands.keys.rotate, ...Object.values(commands.channel)];
      for (const key of keys) {
        expect(COMMAND_TYPES).toContain(key);
        expect(deprecated.has(key)).toBe(false);
        expect(key.startsWith(prefix)).toBe(true);
      }
      for (const [verb, key] of Object.entries(commands.channel))
        expect(key).toBe(`${prefix}channel.${verb}`);
    }
  });

  it('names connectors as channel `via` types do, and keeps registry order for merged lists', () => {
    expect(CONNECTOR_NAMES).toEqual(['bot', 'account']);
    expect(isConnectorName('account')).toBe(true);
    expect(isConnectorName('toString')).toBe(false);
    expect(deployed(new Set(['account', 'bot'] as const))).toEqual(['bot', 'account']);
  });
});
