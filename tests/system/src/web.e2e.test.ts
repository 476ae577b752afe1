import { AxeBuilder } from '@axe-core/playwright';
import type { Account, Channel } from '@integrations/contracts';
import { until } from '@integrations/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStack, type Stack } from './stack';

/**
 * The web UI in Debian's Chromium, against the real stack and the emulator: the built bundle served by
 * `services/web/server.mjs`, which forwards /api to the api. Every screen is checked with axe-core against
 * WCAG 2.2 AA (light and dark, desktop and phone width) and photographed, into a temporary folder by default (a
 * test run leaves the tree as it was); `SCREENSHOTS_DIR=docs/screenshots` refreshes the ones a reviewer sees.
 */
const root = path.resolve(__dirname, '../../..');
const shots = path.resolve(
  root,
  process.env.SCREENSHOTS_DIR ?? path.join(tmpdir(), 'integrations-screenshots'),
);
const WCAG_22_AA = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

jest.setTimeout(120_000);

describe('web UI end to end in Chromium', () => {
  let stack: Stack;
  let web: ChildProcess;
  let webUrl: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let token: string;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: string[] = [];
  const pageErrors: string[] = [];
  const streams: string[] = [];
  /** The emulator's Telegram user who writes to the account (a member of its private chat from then on). */
  let fanId = 0;
  let codyUserId = 0;

  /** Every WCAG 2.2 A/AA rule axe-core knows, on what the page shows now; fails naming each violation. */
  const checkA11y = async (screen: string, on: Page = page) => {
    // Contrast is measured on what settles: a dialog fading in is not yet at full opacity. Waited for: three
    // animation frames in a row with nothing animating (a transition may start a frame after the element appears,
    // which once let axe measure a confirm dialog's button mid-fade), at most two seconds (a countdown or a
    // spinner never settles).
    await on.evaluate(`new Promise((resolve) => {
      const deadline = performance.now() + 2000;
      let quiet = 0;
      const tick = () => {
        const moving = document.getAnimations().some((a) => a.playState === 'running' || a.pending);
        quiet = moving ? 0 : quiet + 1;
        if (quiet >= 3 || performance.now() > deadline) resolve(true);
        else requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    })`);
    const { violations } = await new AxeBuilder({ page: on }).withTags(WCAG_22_AA).analyze();
    const found = violations.map(
      (v) =>
        `${screen}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(', ')}${v.nodes.length > 3 ? ` and ${v.nodes.length - 3} more` : ''}`,
    );
    expect(found).toEqual([]);
  };
  const shoot = async (name: string, on: Page = page) => {
    await on.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
  };
  /** Through the navigation, as a user would (behind the menu button on a phone). */
  const go = async (heading: string, on: Page = page) => {
    const menu = on.getByRole('button', { name: 'Open the menu' });
    if ((await menu.isVisible()) && (await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
    await on
      .getByRole('navigation', { name: 'Main' })
      .getByRole('link', { name: heading, exact: true })
      .click();
    await on.getByRole('heading', { name: heading, level: 2 }).waitFor();
  };
  const signedInPage = async (): Promise<Page> => {
    const tab = await context.newPage();
    tab.on('pageerror', (error) => pageErrors.push(error.message));
    tab.on('request', (request) => {
      if (request.url().endsWith('/api/integrations/events')) streams.push(request.url());
    });
    return tab;
  };

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    stack = await startStack('web', { accounts: true, whatsapp: true });
    token = await stack.token('marketer');
    const port = await freePort();
    web = spawn(process.execPath, [path.join(root, 'services/web/server.mjs')], {
      env: { ...process.env, WEB_PORT: String(port), API_URL: stack.apiUrl },
      stdio: 'inherit',
    });
    webUrl = `http://127.0.0.1:${port}`;
    await until(async () => (await fetch(`${webUrl}/health/ready`).catch(() => null))?.status === 200);
    // The marketer's own endpoint for outgoing webhooks.
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light' });
    page = await signedInPage();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (web && web.exitCode === null) {
      const exited = new Promise((resolve) => web.once('exit', resolve));
      web.kill('SIGTERM');
      await exited;
    }
    await new Promise((resolve) => receiver?.close(resolve));
    await stack?.close();
  });

  it('signs in with a token, refusing a wrong one with its explanation', async () => {
    await page.goto(webUrl);
    await page.getByLabel('Access token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('Your sign-in has expired or the token is not valid').waitFor();
    await checkA11y('sign-in');
    await shoot('01-sign-in-error');
    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Accounts', level: 2 }).waitFor();
    await page.getByTestId('empty-state').waitFor();
    await page.getByTestId('live-status').getByText('Live').waitFor();
    await checkA11y('accounts, empty');
    await shoot('02-accounts-empty');
  });

  it('adds a bot (a malformed token is refused in words first), attaches a channel, posts from its page and shows the history', async () => {
    const created = await stack.control.createBot({ username: 'web_news_bot', firstName: 'Web News' });
    stack.rememberSecret(created.token);
    await stack.control.createChat({
      type: 'channel',
      title: 'Web news',
      username: 'web_news',
      members: [{ botId: created.id, role: 'administrator', canPost: true }],
    });

    await go('Bots');
    await page.getByLabel('Bot token').fill('123:not-a-real-token');
    await page.getByRole('button', { name: 'Add bot' }).click();
    await page.getByText('This is not a bot token').waitFor();
    await checkA11y('bots, malformed token');
    await shoot('03-bots-token-invalid');
    await page.getByLabel('Bot token').fill(created.token);
    await page.getByRole('button', { name: 'Add bot' }).click();
    await page.getByRole('table', { name: 'Telegram bots' }).getByText('@web_news_bot').waitFor();
    await checkA11y('bots');
    await shoot('04-bots');

    await go('Channels and groups');
    await page.getByLabel('Channel or group').fill('@web_news');
    await page.getByRole('combobox', { name: 'Post through' }).click();
    await page.getByRole('option', { name: 'Bot @web_news_bot' }).click();
    await page.getByRole('button', { name: 'Attach' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Web news' });
    await row.getByText('Can post').waitFor();
    await checkA11y('channels');
    await shoot('05-channels');

    await row.getByRole('link', { name: 'Web news' }).click();
    await page.getByRole('heading', { name: 'Web news', level: 2 }).waitFor();
    await page.getByLabel('Message').fill('Hello from the web UI');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.getByRole('status').getByText('Sent').waitFor();
    const history = page.getByRole('table', { name: 'Posts' });
    await history.getByText('Hello from the web UI').waitFor();
    await history.getByText('marketer, through Bot @web_news_bot').waitFor();
    await checkA11y('channel page');
    await shoot('06-channel-history');

    const channels = await stack.rest<{ items: Channel[] }>(token, 'GET', '/telegram/channels');
    const posted = await stack.control.messages(channels.body.items[0]!.chatId);
    expect(posted.map((m) => m.text)).toEqual(['Hello from the web UI']);
  });

  it('shows the activity by chat name, with its filters in the URL, and statistics per integration linking to it', async () => {
    await go('Activity');
    const activity = page.getByRole('table', { name: 'Activity' });
    await activity.getByText('Message sent').waitFor();
    await activity.getByText(/Web news · via|Web news · “Hello from the web UI”/).waitFor();
    expect(await activity.textContent()).not.toMatch(/chat -100\d+/);
    await checkA11y('activity');
    await shoot('07-activity');
    await page.getByRole('combobox', { name: 'Status' }).click();
    await page.getByRole('option', { name: 'Error' }).click();
    await page.getByTestId('empty-state').waitFor();
    expect(new URL(page.url()).searchParams.get('status')).toBe('error');
    await page.reload();
    await page.getByTestId('empty-state').waitFor();
    expect(await page.getByRole('combobox', { name: 'Status' }).inputValue()).toBe('Error');

    await go('Statistics');
    await until(async () => (await page.getByTestId('figure-Sent').textContent()) === '1');
    await page.getByText('Session health').waitFor();
    await checkA11y('statistics');
    await shoot('08-statistics');
    await page.getByRole('link', { name: /Channel Web news.*1 sent/ }).click();
    await page.getByRole('heading', { name: 'Activity', level: 2 }).waitFor();
    await page.getByText('Only Web news').waitFor();
    await page.getByRole('table', { name: 'Activity' }).getByText('Message sent').waitFor();
    expect(new URL(page.url()).searchParams.get('resourceId')).toBe(
      (await stack.rest<{ items: Channel[] }>(token, 'GET', '/telegram/channels')).body.items[0]!.id,
    );
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
    await checkA11y('connect, QR');
    await shoot('09-connect-qr');
    // The token renews every ~2 s here (the emulator's 7 s life, renewed 5 s before its end): the link and the
    // image are read in one go, from one render, so a renewal between two reads cannot tell them apart.
    const [url, shown] = await page.evaluate<[string | null, string | null]>(`[
      document.querySelector('[data-testid="qr-link"]')?.getAttribute('href') ?? null,
      document.querySelector('img[data-login-url]')?.getAttribute('data-login-url') ?? null,
    ]`);
    expect(url).toMatch(/^tg:\/\/login\?token=/);
    expect(shown).toBe(url);
    await stack.control.scanQr({ url: url!, phone });
    await page.getByRole('status').getByText('Account connected').waitFor();
    await page.getByRole('link', { name: 'Go to accounts' }).click();
    await page.getByRole('table', { name: 'Telegram accounts' }).getByText('Quinn @qr_person').waitFor();
  });

  it('connects by phone: checks the format, survives a reload at the code step, sends the code again, then 2FA', async () => {
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
    await page.getByRole('textbox', { name: 'Phone number' }).fill('0151 1234 5678');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByText('Use the international format').waitFor();
    await page.getByRole('textbox', { name: 'Phone number' }).fill('+19999999999');
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByRole('alert').getByText('Telegram does not accept this phone number').waitFor();
    await page.getByRole('textbox', { name: 'Phone number' }).fill(phone);
    await page.getByRole('button', { name: 'Send me a code' }).click();
    await page.getByLabel('Login code').waitFor();
    const flowId = new URL(page.url()).searchParams.get('flow');
    expect(flowId).toBeTruthy();

    // A reload (or the same link in another tab) picks the flow up where it was.
    await page.reload();
    await page.getByLabel('Login code').waitFor();
    await page.getByText('Telegram sent the code to your Telegram app').waitFor();
    await page
      .getByTestId('code-expiry')
      .getByText(/The code works for \d:\d\d more/)
      .waitFor();
    const first = (await stack.control.loginCode(phone))!;
    await page.getByRole('button', { name: 'Send the code again' }).click();
    await page.getByText('A new code is on its way by SMS').waitFor();
    const code = (await stack.control.loginCode(phone))!;
    expect(code).not.toBe(first);

    await page.getByLabel('Login code').fill(code === '11111' ? '22222' : '11111');
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByRole('alert').getByText('That code is not right').waitFor();
    await checkA11y('connect, wrong code');
    await shoot('10-connect-code-wrong');
    await page.getByLabel('Login code').fill(code);
    await page.getByRole('button', { name: 'Confirm code' }).click();
    await page.getByLabel('Two-step verification password').fill('correct horse');
    await checkA11y('connect, password');
    await shoot('11-connect-password');
    await page.getByRole('button', { name: 'Confirm password' }).click();
    await page.getByRole('status').getByText('Account connected').waitFor();
    await page.getByRole('link', { name: 'Go to accounts' }).click();
    await page.getByRole('table', { name: 'Telegram accounts' }).getByText('Cody @code_person').waitFor();
    await checkA11y('accounts');
    await shoot('12-accounts');
  });

  it('sends as an account: an unknown @username is explained, a known one is sent, and replies raise one grouped notice', async () => {
    const accounts = await stack.rest<{ items: Account[] }>(token, 'GET', '/telegram/accounts');
    const cody = accounts.body.items.find((a) => a.username === 'code_person')!;
    const fan = await stack.control.createUser({
      phone: '+15558000003',
      username: 'a_fan',
      firstName: 'Fan',
    });
    fanId = fan.id;
    codyUserId = Number(cody.telegramUserId);

    const row = page.getByRole('row').filter({ hasText: 'Cody @code_person' });
    await row.getByRole('button', { name: 'Send as Cody @code_person' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send as Cody @code_person' });
    await dialog.getByRole('combobox', { name: 'To' }).fill('@nobody_has_this');
    await dialog.getByLabel('Message').fill('Thanks for following us!');
    await dialog.getByLabel('Message').focus();
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByRole('alert').getByText('Telegram cannot find this recipient').waitFor();
    await checkA11y('send dialog, unknown recipient');
    await dialog.getByRole('combobox', { name: 'To' }).fill('@a_fan');
    // Leaves the recipient field, closing its suggestions, as a user tabbing on would.
    await dialog.getByLabel('Message').focus();
    await dialog.getByRole('button', { name: 'Send' }).click();
    await dialog.getByRole('status').getByText('Sent').waitFor();
    await dialog.getByRole('button', { name: 'Close this dialog' }).click();
    const chat = await stack.control.messages(Number(cody.telegramUserId));
    expect(chat.map((m) => m.text)).toEqual(['Thanks for following us!']);

    for (let i = 0; i < 2; i += 1)
      await stack.control.postMessage(Number(cody.telegramUserId), { fromUserId: fan.id, text: 'Loved it!' });
    const notice = page.getByRole('alert').filter({ hasText: `Telegram user ${fan.id}: Loved it!` });
    await notice.getByText('New message (2 times)').waitFor();
    await notice.getByRole('button', { name: 'Dismiss this notice' }).waitFor();
    await checkA11y('notification');
    await shoot('13-notification');
    // It needs nothing from the user: it goes by itself.
    await notice.waitFor({ state: 'detached', timeout: 15_000 });

    // The account picker offers the recent chat by name.
    await row.getByRole('button', { name: 'Send as Cody @code_person' }).click();
    await dialog.getByRole('combobox', { name: 'To' }).pressSequentially('@a_f');
    await page
      .getByRole('option', { name: /@a_fan/ })
      .first()
      .waitFor();
    await page.keyboard.press('Escape');
    await dialog.getByRole('button', { name: 'Close this dialog' }).click();
  });

  it('manages an outgoing webhook: the secret shown once, deliveries with their attempts, and a resend', async () => {
    await go('Webhooks');
    await page.getByLabel('Endpoint URL').fill(receiverUrl);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    const secretDialog = page.getByRole('dialog', { name: 'Your signing secret' });
    const secret = (await secretDialog.getByTestId('webhook-secret').textContent())!;
    stack.rememberSecret(secret);
    expect(secret).toMatch(/^whsec_/);
    await checkA11y('webhook secret');
    await shoot('14-webhook-secret');
    await secretDialog.getByRole('button', { name: 'I have kept it' }).click();
    expect(await page.getByText(secret).count()).toBe(0);

    await stack.control.postMessage(codyUserId, { fromUserId: fanId, text: 'Hook me' });
    await until(() => received.some((body) => body.includes('Hook me')));
    // The message raises a notice too. Dismissed here, as a user would: left to expire on its own (8 s), it
    // fades out over a later test's accessibility check, and axe reads the fading text as too faint.
    const hookNotice = page.getByRole('alert').filter({ hasText: 'Hook me' });
    await hookNotice.getByRole('button', { name: 'Dismiss this notice' }).click();
    await hookNotice.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Show deliveries' }).click();
    const deliveries = page.getByRole('table', { name: `Deliveries to ${receiverUrl}` });
    await deliveries
      .getByText(/#1: HTTP 200/)
      .first()
      .waitFor();
    const before = received.length;
    await deliveries.getByRole('button', { name: 'Send again: telegram.message.received' }).first().click();
    await until(() => received.length > before);
    await checkA11y('webhooks');
    await shoot('15-webhooks');
  });

  it('connects a WhatsApp number, sends a template and a text, and follows their delivery states live', async () => {
    const control = stack.whatsapp!.control;
    const meta = await control.createNumber({
      displayPhoneNumber: '+1 555 730 0100',
      verifiedName: 'Web Shop',
    });
    await control.addTemplate(meta.phoneNumberId, {
      name: 'order_ready',
      language: 'en_US',
      body: 'Your order {{1}} is ready.',
    });
    await go('WhatsApp');
    await page.getByLabel('Phone number id').fill(meta.phoneNumberId);
    await page.getByLabel('Access token').fill(meta.accessToken);
    await page.getByLabel('App secret').fill(meta.appSecret);
    await page.getByRole('button', { name: 'Connect number' }).click();
    const row = page
      .getByRole('table', { name: 'WhatsApp numbers' })
      .getByRole('row')
      .filter({ hasText: 'Web Shop' });
    await row.getByText('Subscribed').waitFor();
    await checkA11y('whatsapp');
    await shoot('24-whatsapp');

    await row.getByRole('button', { name: 'Send from +1 555 730 0100' }).click();
    const dialog = page.getByRole('dialog', { name: 'Send from +1 555 730 0100' });
    await dialog.getByLabel('Customer’s WhatsApp number').fill('+15557300101');
    await dialog.getByLabel('Template name').fill('order_ready');
    await dialog.getByLabel('Parameters').fill('A-17');
    const answered = page.waitForResponse((res) => res.url().endsWith('/send'));
    await dialog.getByRole('button', { name: 'Send' }).click();
    const { id: sentId } = (await (await answered).json()) as { id: string };
    const delivery = dialog.getByRole('status', { name: 'Delivery' });
    /** Waits for the dialog to show `state`; if it never does, says what the dialog and Meta had instead. */
    const shows = (state: string) =>
      delivery
        .getByText(state)
        .waitFor()
        .catch(async (error: unknown) => {
          const shown = await dialog.textContent({ timeout: 1_000 }).catch(() => '(nothing)');
          const atMeta = (await control.messages(meta.phoneNumberId)).map((m) => [m.type, m.status]);
          const atApi = (await stack.rest<{ status: string }>(token, 'GET', `/messages/${sentId}`)).body;
          // Closed, so that the next test does not fail under the dialog left open.
          await page.keyboard.press('Escape');
          throw new Error(
            `${String(error)}\nthe dialog shows: ${shown}\nMeta has: ${JSON.stringify(atMeta)}` +
              `\nthe api has the first message ${JSON.stringify(atApi)}`,
          );
        });
    // Accepted at once; Meta's status webhooks then move it on, and the dialog follows through the live stream.
    await shows('Delivered');
    // The customer reads it later: only the live stream can tell the open dialog.
    const [template] = await control.messages(meta.phoneNumberId);
    await control.read(meta.phoneNumberId, template!.id);
    await shows('Read');
    await checkA11y('whatsapp, template read');
    await shoot('25-whatsapp-template-read');

    // A free-form text to someone who never wrote: Meta fails it by status webhook, and the dialog says why.
    await dialog.getByText('Free-form text').click();
    await dialog.getByRole('textbox', { name: /^Message/ }).fill('Are you still there?');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await shows('Failed');
    await dialog.getByText('only an approved template can reach them now').waitFor();
    await checkA11y('whatsapp, window closed');
    await shoot('26-whatsapp-window-closed');
    await page.keyboard.press('Escape');
    const sent = await control.messages(meta.phoneNumberId);
    expect(sent.map((m) => [m.type, m.status])).toEqual([
      ['template', 'read'],
      ['text', 'failed'],
    ]);
  });

  it('removing a bot removes its channels from the list at once, and says so first', async () => {
    await go('Bots');
    await page.getByRole('button', { name: 'Remove @web_news_bot' }).click();
    const confirm = page.getByRole('dialog', { name: 'Are you sure?' });
    await confirm.getByText('the channels and groups attached through it are removed').waitFor();
    await checkA11y('confirm dialog');
    await confirm.getByRole('button', { name: 'Remove bot' }).click();
    await page.getByTestId('empty-state').waitFor();
    await go('Channels and groups');
    await page.getByTestId('empty-state').waitFor();
    expect(await page.getByText('Web news').count()).toBe(0);
  });

  it('shares one live stream among many tabs: the seventh tab loads, every tab is live, and a tab takes over', async () => {
    await context.addInitScript(`sessionStorage.setItem('integrations.token', ${JSON.stringify(token)})`);
    const before = streams.length;
    const tabs: Page[] = [];
    for (let i = 0; i < 7; i += 1) {
      const tab = await signedInPage();
      await tab.goto(`${webUrl}/accounts`);
      await tab.getByRole('table', { name: 'Telegram accounts' }).getByText('Cody @code_person').waitFor();
      await tab.getByTestId('live-status').getByText('Live').waitFor();
      tabs.push(tab);
    }
    // The first tab leads; the seven others opened no stream of their own.
    expect(streams.length).toBe(before);
    await page.close();
    await until(async () => streams.length === before + 1);
    for (const tab of tabs) await tab.getByTestId('live-status').getByText('Live').waitFor();
    page = tabs[0]!;
    await Promise.all(tabs.slice(1).map((tab) => tab.close()));
  });

  it('passes WCAG 2.2 AA on every screen in the dark theme', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await go('Accounts');
    await checkA11y('accounts, dark');
    await shoot('16-dark-accounts');
    await page.getByRole('link', { name: 'Connect account' }).click();
    await checkA11y('connect, dark');
    for (const [screen, shot] of [
      ['Bots', null],
      ['Channels and groups', '17-dark-channels'],
      ['Activity', '18-dark-activity'],
      ['Statistics', '19-dark-statistics'],
      ['WhatsApp', null],
      ['Webhooks', null],
    ] as const) {
      await go(screen);
      await checkA11y(`${screen}, dark`);
      if (shot) await shoot(shot);
    }
    await page.emulateMedia({ colorScheme: 'light' });
  }, 240_000);

  it('fits a phone: the menu behind a button, lists as cards, no violations in either theme', async () => {
    await page.setViewportSize(PHONE);
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      await go('Accounts');
      const cards = page.getByRole('list', { name: 'Telegram accounts' });
      await cards.getByText('Cody @code_person').waitFor();
      expect(await page.getByRole('table', { name: 'Telegram accounts' }).count()).toBe(0);
      await checkA11y(`accounts, phone, ${scheme}`);
      if (scheme === 'light') await shoot('20-phone-accounts');
      await go('Activity');
      await page.getByRole('list', { name: 'Activity' }).waitFor();
      await checkA11y(`activity, phone, ${scheme}`);
      if (scheme === 'light') await shoot('21-phone-activity');
      for (const screen of ['Bots', 'Channels and groups', 'Statistics', 'WhatsApp', 'Webhooks']) {
        await go(screen);
        await checkA11y(`${screen}, phone, ${scheme}`);
      }
      if (scheme === 'light') await shoot('22-phone-webhooks');
      const menu = page.getByRole('button', { name: 'Open the menu' });
      await menu.click();
      await checkA11y(`menu, phone, ${scheme}`);
      if (scheme === 'dark') await shoot('23-phone-menu-dark');
      await menu.click();
    }
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(DESKTOP);
    expect(pageErrors).toEqual([]);
    // Sixteen axe scans of whole screens: minutes on a busy machine.
  }, 300_000);
});
