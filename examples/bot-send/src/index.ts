/** The example as a library: `botSend` is what `dist/main.js` runs with its environment. */
export { botSend, type BotSendOptions, type BotSendResult } from './bot-send';
