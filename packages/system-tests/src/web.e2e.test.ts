import type { Account, Channel } from '@integrations/contracts';
import { until } from '@integrations/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startStack, type Stack } from './stack';

/**
 * The web UI in Debian's Chromium, against the real stack and the emulator: the built bundle served by
 * `services/web/server.mjs`, which forwards /api to the api. Every screen is photographed, into a temporary
 * folder by default (a test run leaves the tree as it was); `SCREENSHOTS_DIR=docs/screenshots` refreshes the
 * ones a reviewer sees.
 */
const root = path.resolve(__dirname, '../../..');
const shots = path.resolve(
  root,
  process.env.SCREENSHOTS_DIR ?? path.join(tmpdir(), 'integrations-screenshots'),
);

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

jest.setTimeout(90_000);

describe('web UI end to end in Chromium', () => {
  let stack: Stack;
  let web: ChildProcess;
  let webUrl: string;
  let browser: Browser;
  let page: Page;
  let token: string;
  const pageErrors: string[] = [];

  const shoot = (name: string) => page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  /** Through the navigation, as a user would. */
  const go = async (heading: string) => {
    await page
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: heading, exact: true })
      .click();
    await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    stack = await startStack('web', { accounts: true });
    token = await stack.token('marketer');
    const port = await freePort();
    web = spawn(process.execPath, [path.join(root, 'services/web/server.mjs')], {
      env: { ...process.env, WEB_PORT: String(port), API_URL: stack.apiUrl },
      stdio: 'inherit',
    });
    webUrl = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${webUrl}/health/ready`).catch(() => null))?.status === 200);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (web && web.exitCode === null) {
      const exited = new Promise((resolve) => web.once('exit', resolve));
      web.kill('SIGTERM');
      await exited;
    }
    await stack?.close();
  });

  it('signs in with a token, refusing a wrong one with its explanation', async () => {
    await page.goto(webUrl);
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Your sign-in has expired or the token is not valid').waitFor();
    await shoot('01-sign-in-error');
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 2 }).waitFor();
    await page.getByTestId('empty-state').waitFor();
    await page.getByTestId('live-status').getByText('Live').waitFor();
    await shoot('02-accounts-empty');
  });

  it('adds a bot, attaches a channel through it, posts, and shows the post in the emulator and the activity', async () => {
    const created = await stack.control.createBot({ username: 'web_news_bot', firstName: 'Web News' });
    stack.rememberSecret(created.token);
    await stack.control.createChat({
      type: 'channel',
      title: 'Web news',
      username: 'web_news',
      members: [{ botId: created.id, role: 'administrator', canPost: true }],
    });

    await go('Bots');
    await page.getByRole('textbox', { name: 'Bot token' }).fill('123:not-a-real-token');
    await page.getByRole('button', { name: 'Add bot' }).click();
    await page.getByRole('alert').getByText('Telegram does not know this bot token').waitFor();
    await shoot('03-bots-token-invalid');
    await page.getByRole('textbox', { name: 'Bot token' }).fill(created.token);
    await page.getByRole('button', { name: 'Add bot' }).click();
    await page.getByRole('table', { name: 'Telegram bots' }).getByText('@web_news_bot').waitFor();
    await shoot('04-bots');

    await go('Channels and groups');
    await page.getByLabel('Channel or group').fill('@web_news');
    await page.getByRole('combobox', { name: 'Post through' }).click();
    await page.getByRole('option', { name: 'Bot @web_news_bot' }).click();
    await page.getByRole('button', { name: 'Attach' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Web news' });
    await row.getByText('Can post').waitFor();
    await shoot('05-channels');

    await row.getByRole('button', { name: 'Post to Web news' }).click();
    const dialog = page.getByRole('dialog', { name: 'Post to Web news' });
    await dialog.getByLabel('Message').fill('Hello from the web UI');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByRole('status').getByText('Sent').waitFor();
    await shoot('06-channel-send');
    await page.keyboard.press('Escape');

    const channels = await stack.rest<{ items: Channel[] }>(token, 'GET', '/telegram/channels');
    const chatId = channels.body.items[0]!.chatId;
    const posted = await stack.control.messages(chatId);
    expect(posted.map((m) => m.text)).toEqual(['Hello from the web UI']);

    await go('Activity');
    await page.getByRole('table', { name: 'Activity' }).getByText('Message sent').waitFor();
    await page.getByRole('table', { name: 'Activity' }).getByText('Attached').waitFor();
    await shoot('07-activity');
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Error' }).click();
    await page.getByTestId('empty-state').waitFor();

    await go('Statistics');
    await until(async () => (await page.getByTestId('figure-Sent').textContent()) === '1');
    await page.getByText('Session health').waitFor();
    await shoot('08-statistics');
  });

  it('connects an account by QR, scanned through the emulator, with the QR shown as an image', async () => {
    const phone = '+15558000001';
    await stack.control.createUser({ phone, username: 'qr_person', firstName: 'Quinn' });
    await go('Accounts');
    await page.getByRole('link', { name: 'Connect account' }).click();
    await page.getByRole('button', { name: 'Show QR code' }).click();
    const qr = page.getByRole('img', { name: 'QR code to scan with Telegram on your phone' });
    await qr.waitFor();
    await page.getByText(/renews itself in \d+ s/).waitFor();
    await shoot('09-connect-qr');
    const url = await page.getByTestId('qr-link').getAttribute('href');
    expect(url).toMatch(/^tg:\/\/login\?token=/);
    expect(await qr.getAttribute('data-login-url')).toBe(url);
    await stack.control.scanQr({ url: url!, phone });
    await page.getByRole('status').getByText('Account connected').waitFor();
    await page.getByRole('link', { name: 'Go to accounts' }).click();
    await page.getByRole('table', { name: 'Telegram accounts' }).getByText('Quinn @qr_person').waitFor();
  });

  it('connects an account by phone, code and 2FA password, explaining a wrong code in words', async () => {
    const phone = '+15558000002';
    await stack.control.createUser({
      phone,
      username: 'code_person',
      firstName: 'Cody',
      password: 'correct horse',
    });
    await page.getByRole('link', { name: 'Connect account' }).click();
    // The segmented control's radio inputs are visually hidden; a user clicks its label.
    await page.getByText('Phone number', { exact: true }).click();
    await page.getByRole('textbox', { name: 'Phone number' }).fill('+19999999999');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByRole('alert').getByText('Use the international format').waitFor();
    await page.getByRole('textbox', { name: 'Phone number' }).fill(phone);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByLabel('Login code').waitFor();
    await page.getByText('Telegram sent the code to your Telegram app').waitFor();

    const code = (await stack.control.loginCode(phone))!;
    await page.getByLabel('Login code').fill(code === '11111' ? '22222' : '11111');
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByRole('alert').getByText('That code is not right').waitFor();
    await shoot('10-connect-code-wrong');
    await page.getByLabel('Login code').fill(code);
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByLabel('Two-step verification password').fill('correct horse');
    await shoot('11-connect-password');
    await page.getByRole('button', { name: 'Confirm password' }).click();
    await page.getByRole('status').getByText('Account connected').waitFor();
    await page.getByRole('link', { name: 'Go to accounts' }).click();
    await page.getByRole('table', { name: 'Telegram accounts' }).getByText('Cody @code_person').waitFor();
    await shoot('12-accounts');
  });

  it('sends as an account, and raises a live notification when the reply comes in', async () => {
    const accounts = await stack.rest<{ items: Account[] }>(token, 'GET', '/telegram/accounts');
    const cody = accounts.body.items.find((a) => a.username === 'code_person')!;
    const fan = await stack.control.createUser({
      phone: '+15558000003',
      username: 'a_fan',
      firstName: 'Fan',
    });

    const row = page.getByRole('row').filter({ hasText: 'Cody @code_person' });
    await row.getByRole('button', { name: 'Send as Cody @code_person' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send as Cody @code_person' });
    await dialog.getByRole('textbox', { name: 'To' }).fill('@a_fan');
    await dialog.getByLabel('Message').fill('Thanks for following us!');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByRole('status').getByText('Sent').waitFor();
    await page.keyboard.press('Escape');
    const chat = await stack.control.messages(Number(cody.telegramUserId));
    expect(chat.map((m) => m.text)).toEqual(['Thanks for following us!']);

    await stack.control.postMessage(Number(cody.telegramUserId), {
      fromUserId: fan.id,
      text: 'Loved the campaign!',
    });
    await page.getByText(`Telegram user ${fan.id}: Loved the campaign!`).waitFor();
    await shoot('13-notification');
  });

  it('fits a phone screen, with the menu behind a button', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole('button', { name: 'Open the menu' }).click();
    await page.getByRole('link', { name: 'Statistics' }).click();
    await page.getByRole('heading', { name: 'Statistics', level: 2 }).waitFor();
    await shoot('14-phone-statistics');
    await page.getByRole('button', { name: 'Open the menu' }).click();
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByRole('table', { name: 'Telegram accounts' }).waitFor();
    await shoot('15-phone-accounts');
    expect(pageErrors).toEqual([]);
  });
});
