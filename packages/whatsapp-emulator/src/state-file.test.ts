import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readState, restoreInto, snapshotOf, writeState } from './state-file';
import { World } from './world';

describe('the WhatsApp emulator state file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wa-state-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('brings a number back after a restart: its token, templates, webhook, open windows and messages', () => {
    const before = new World();
    const number = before.createNumber({});
    before.addTemplate(number, { name: 'welcome', language: 'en', body: 'Hello {{1}}' });
    number.webhook = { url: 'http://127.0.0.1:9105/whatsapp/webhooks/n-1', verifyToken: 'v' };
    before.inbound(number, { from: '15550001111', text: 'hi' });
    before.send(number, '15550001111', { type: 'text', text: 'hello' });
    const file = path.join(dir, 'state.json');
    writeState(file, snapshotOf(before));

    const after = new World();
    const state = readState(file, () => undefined);
    expect(state).toBeDefined();
    restoreInto(after, state!);
    const back = after.byAccessToken(number.accessToken);
    expect(back).toMatchObject({
      phoneNumberId: number.phoneNumberId,
      appSecret: number.appSecret,
      templates: [{ name: 'welcome', language: 'en', params: 1 }],
      webhook: number.webhook,
      messages: [{ to: '15550001111', text: 'hello' }],
    });
    expect(after.isWindowOpen(back!, '15550001111')).toBe(true);
    expect(after.isWindowOpen(back!, '15550002222')).toBe(false);
  });

  it('keeps a revoked token refused', () => {
    const before = new World();
    const number = before.createNumber({});
    before.revoke(number);
    const after = new World();
    restoreInto(after, JSON.parse(JSON.stringify(snapshotOf(before))));
    expect(after.byAccessToken(number.accessToken)).toBeUndefined();
    expect(after.getNumber(number.phoneNumberId)?.revoked).toBe(true);
  });

  it('moves an unreadable file aside and starts empty, saying so', () => {
    const file = path.join(dir, 'state.json');
    writeFileSync(file, '{"version": 7}');
    const warnings: string[] = [];
    expect(readState(file, (message) => warnings.push(message))).toBeUndefined();
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).some((name) => name.startsWith('state.json.unreadable-'))).toBe(true);
    expect(warnings).toEqual([expect.stringContaining('could not be read')]);
  });
});
