import type { MessageEntity } from '../world';
import { badRequest, type BotApiError } from './errors';

/**
 * Telegram's formatting modes: the text is parsed into plain text plus entities (UTF-16 offsets), and broken
 * markup answers 400 "can't parse entities: ..." with Telegram's wording and UTF-8 byte offsets.
 */
export interface Parsed {
  text: string;
  entities: MessageEntity[];
}

const parseError = (detail: string): BotApiError => badRequest(`can't parse entities: ${detail}`);
const byteOffset = (source: string, index: number): number =>
  Buffer.byteLength(source.slice(0, index), 'utf8');

function finish(text: string, entities: MessageEntity[]): Parsed {
  const kept = entities.filter((e) => e.length > 0);
  kept.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities: kept };
}

export function parseFormatted(text: string, parseMode: string | undefined): Parsed {
  if (parseMode === undefined || parseMode === '') return { text, entities: [] };
  switch (parseMode.toLowerCase()) {
    case 'html':
      return parseHtml(text);
    case 'markdownv2':
      return parseMarkdownV2(text);
    case 'markdown':
      return parseMarkdown(text);
    default:
      throw badRequest('unsupported parse_mode');
  }
}

// ---- HTML ----

const HTML_ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

const SIMPLE_TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
};

interface OpenTag {
  name: string;
  entity: MessageEntity;
}

function decodeHtmlEntities(raw: string): string {
  return raw.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X'))
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(parseInt(name.slice(1), 10));
    return HTML_ENTITY[name.toLowerCase()] ?? whole;
  });
}

function parseAttributes(source: string, raw: string, at: number): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /\s*([a-zA-Z_:-][a-zA-Z0-9_:.-]*)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/y;
  let pos = 0;
  while (pos < raw.length) {
    if (/^\s*$/.test(raw.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(raw);
    if (m === null || m[0].length === 0) {
      throw parseError(
        `Expected equal sign in declaration of an attribute of a tag at byte offset ${byteOffset(source, at)}`,
      );
    }
    attrs[m[1]!.toLowerCase()] = decodeHtmlEntities(m[2] ?? m[3] ?? m[4] ?? '');
    pos = re.lastIndex;
  }
  return attrs;
}

function parseHtml(source: string): Parsed {
  let out = '';
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '&') {
      const m = /^&(#x[0-9a-f]+|#\d+|[a-z]+);/i.exec(source.slice(i, i + 12));
      if (m !== null) {
        out += decodeHtmlEntities(m[0]);
        i += m[0].length;
        continue;
      }
      out += ch;
      i += 1;
      continue;
    }
    if (ch !== '<') {
      out += ch;
      i += 1;
      continue;
    }
    const close = source.indexOf('>', i);
    if (close === -1) throw parseError(`Unclosed start tag at byte offset ${byteOffset(source, i)}`);
    const inner = source.slice(i + 1, close);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (open === undefined) throw parseError(`Unexpected end tag at byte offset ${byteOffset(source, i)}`);
      if (name !== open.name) {
        throw parseError(
          `Unmatched end tag at byte offset ${byteOffset(source, i)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      open.entity.length = out.length - open.entity.offset;
      i = close + 1;
      continue;
    }
    const nameMatch = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(inner);
    if (nameMatch === null)
      throw parseError(`Unsupported start tag "" at byte offset ${byteOffset(source, i)}`);
    const name = nameMatch[0].toLowerCase();
    const attrs = parseAttributes(source, inner.slice(nameMatch[0].length).replace(/\/\s*$/, ''), i);
    const entity = htmlEntity(source, name, attrs, out.length, i, stack);
    entities.push(entity);
    stack.push({ name, entity });
    i = close + 1;
  }
  const open = stack[stack.length - 1];
  if (open !== undefined) throw parseError(`Can't find end tag corresponding to start tag "${open.name}"`);
  return finish(out, entities);
}

function htmlEntity(
  source: string,
  name: string,
  attrs: Record<string, string>,
  offset: number,
  at: number,
  stack: OpenTag[],
): MessageEntity {
  const simple = SIMPLE_TAGS[name];
  if (name === 'code' && stack[stack.length - 1]?.name === 'pre') {
    // <pre><code class="language-x"> sets the language of the enclosing pre block.
    const language = /^language-(.+)$/.exec(attrs.class ?? '')?.[1];
    const pre = stack[stack.length - 1]!.entity;
    if (language !== undefined) pre.language = language;
    return { type: 'code', offset, length: 0 };
  }
  if (simple !== undefined) return { type: simple, offset, length: 0 };
  if (name === 'span') {
    if (attrs.class !== 'tg-spoiler') throw parseError('Tag "span" must have class "tg-spoiler"');
    return { type: 'spoiler', offset, length: 0 };
  }
  if (name === 'a') {
    const href = attrs.href ?? '';
    return { type: 'text_link', offset, length: 0, url: href };
  }
  if (name === 'blockquote') {
    return { type: 'expandable' in attrs ? 'expandable_blockquote' : 'blockquote', offset, length: 0 };
  }
  if (name === 'tg-emoji') {
    if (attrs['emoji-id'] === undefined)
      throw parseError('Custom emoji entity must contain a tg://emoji URL');
    return { type: 'custom_emoji', offset, length: 0 };
  }
  throw parseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(source, at)}`);
}

// ---- MarkdownV2 ----

const MDV2_RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));
const MDV2_NAMES: Record<string, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  code: 'Code',
  pre: 'Pre',
  text_link: 'TextUrl',
};

interface OpenMark {
  type: string;
  offset: number;
  at: number;
}

function parseMarkdownV2(source: string): Parsed {
  let out = '';
  const entities: MessageEntity[] = [];
  const stack: OpenMark[] = [];
  let quoteOffset: number | undefined;
  const toggle = (type: string, at: number): void => {
    const index = stack.findIndex((m) => m.type === type);
    if (index === -1) {
      stack.push({ type, offset: out.length, at });
      return;
    }
    const [open] = stack.splice(index, 1);
    entities.push({ type, offset: open!.offset, length: out.length - open!.offset });
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    const next = source[i + 1];
    if (ch === '\\') {
      if (next !== undefined && next.charCodeAt(0) <= 126) {
        out += next;
        i += 2;
      } else {
        out += ch;
        i += 1;
      }
      continue;
    }
    if (ch === '`') {
      const fence = source.startsWith('```', i);
      const marker = fence ? '```' : '`';
      let j = i + marker.length;
      let body = '';
      let closed = false;
      while (j < source.length) {
        if (source[j] === '\\' && j + 1 < source.length) {
          body += source[j + 1];
          j += 2;
          continue;
        }
        if (source.startsWith(marker, j)) {
          closed = true;
          break;
        }
        body += source[j];
        j += 1;
      }
      if (!closed) {
        throw parseError(
          `Can't find end of ${fence ? 'Pre' : 'Code'} entity at byte offset ${byteOffset(source, i)}`,
        );
      }
      const entity: MessageEntity = { type: fence ? 'pre' : 'code', offset: out.length, length: 0 };
      if (fence) {
        const newline = body.indexOf('\n');
        const firstLine = newline === -1 ? '' : body.slice(0, newline);
        if (newline !== -1 && /^[^\s`]+$/.test(firstLine)) {
          entity.language = firstLine;
          body = body.slice(newline + 1);
        } else if (newline === 0) {
          body = body.slice(1);
        }
      }
      out += body;
      entity.length = body.length;
      entities.push(entity);
      i = j + marker.length;
      continue;
    }
    if (ch === '*') {
      toggle('bold', i);
      i += 1;
      continue;
    }
    if (ch === '_') {
      if (next === '_') {
        toggle('underline', i);
        i += 2;
      } else {
        toggle('italic', i);
        i += 1;
      }
      continue;
    }
    if (ch === '~') {
      toggle('strikethrough', i);
      i += 1;
      continue;
    }
    if (ch === '|' && next === '|') {
      toggle('spoiler', i);
      i += 2;
      continue;
    }
    if (ch === '[') {
      stack.push({ type: 'text_link', offset: out.length, at: i });
      i += 1;
      continue;
    }
    if (ch === ']') {
      const index = stack.map((m) => m.type).lastIndexOf('text_link');
      if (index === -1) throw reserved(ch);
      if (next !== '(') throw reserved(ch);
      let j = i + 2;
      let url = '';
      while (j < source.length && source[j] !== ')') {
        if (source[j] === '\\' && j + 1 < source.length) {
          url += source[j + 1];
          j += 2;
          continue;
        }
        url += source[j];
        j += 1;
      }
      if (j >= source.length)
        throw parseError(`Can't find end of a URL at byte offset ${byteOffset(source, i + 1)}`);
      const [open] = stack.splice(index, 1);
      entities.push({ type: 'text_link', offset: open!.offset, length: out.length - open!.offset, url });
      i = j + 1;
      continue;
    }
    if (ch === '>' && (i === 0 || source[i - 1] === '\n')) {
      // A quote runs to the end of its line; consecutive quoted lines make one entity.
      quoteOffset ??= out.length;
      i += 1;
      continue;
    }
    if (ch === '\n' && quoteOffset !== undefined && source[i + 1] !== '>') {
      entities.push({ type: 'blockquote', offset: quoteOffset, length: out.length - quoteOffset });
      quoteOffset = undefined;
    }
    if (MDV2_RESERVED.has(ch)) throw reserved(ch);
    out += ch;
    i += 1;
  }
  const open = stack[0];
  if (open !== undefined) {
    throw parseError(
      `Can't find end of ${MDV2_NAMES[open.type] ?? open.type} entity at byte offset ${byteOffset(source, open.at)}`,
    );
  }
  return finish(out, entities);
}

function reserved(ch: string): BotApiError {
  return parseError(`Character '${ch}' is reserved and must be escaped with the preceding '\\'`);
}

// ---- Markdown (legacy) ----

function parseMarkdown(source: string): Parsed {
  let out = '';
  const entities: MessageEntity[] = [];
  let i = 0;
  const unclosed = (at: number): BotApiError =>
    parseError(`Can't find end of the entity starting at byte offset ${byteOffset(source, at)}`);
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\' && i + 1 < source.length && '_*`['.includes(source[i + 1]!)) {
      out += source[i + 1];
      i += 2;
      continue;
    }
    if (ch === '*' || ch === '_') {
      const end = source.indexOf(ch, i + 1);
      if (end === -1) throw unclosed(i);
      const body = source.slice(i + 1, end);
      entities.push({ type: ch === '*' ? 'bold' : 'italic', offset: out.length, length: body.length });
      out += body;
      i = end + 1;
      continue;
    }
    if (ch === '`') {
      const fence = source.startsWith('```', i);
      const marker = fence ? '```' : '`';
      const end = source.indexOf(marker, i + marker.length);
      if (end === -1) throw unclosed(i);
      let body = source.slice(i + marker.length, end);
      const entity: MessageEntity = { type: fence ? 'pre' : 'code', offset: out.length, length: 0 };
      if (fence) {
        const newline = body.indexOf('\n');
        if (newline > 0 && /^[^\s`]+$/.test(body.slice(0, newline))) {
          entity.language = body.slice(0, newline);
          body = body.slice(newline + 1);
        }
      }
      entity.length = body.length;
      entities.push(entity);
      out += body;
      i = end + marker.length;
      continue;
    }
    if (ch === '[') {
      const m = /^\[([^\]]*)\]\(([^)]*)\)/.exec(source.slice(i));
      if (m === null) throw unclosed(i);
      entities.push({ type: 'text_link', offset: out.length, length: m[1]!.length, url: m[2]! });
      out += m[1];
      i += m[0].length;
      continue;
    }
    out += ch;
    i += 1;
  }
  return finish(out, entities);
}
