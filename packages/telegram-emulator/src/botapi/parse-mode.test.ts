import { BotApiError } from './errors';
import { parseFormatted } from './parse-mode';

const errorOf = (text: string, mode: string): string => {
  try {
    parseFormatted(text, mode);
  } catch (error) {
    if (error instanceof BotApiError) return error.description;
    throw error;
  }
  return 'parsed';
};

describe('parse modes', () => {
  it('leaves text alone without a parse mode and rejects unknown modes', () => {
    expect(parseFormatted('<b>*x*</b>', undefined)).toEqual({ text: '<b>*x*</b>', entities: [] });
    expect(errorOf('x', 'BBCode')).toBe('Bad Request: unsupported parse_mode');
  });

  describe('HTML', () => {
    it('turns tags into entities with UTF-16 offsets and decodes entities', () => {
      const parsed = parseFormatted('😀 <i>it <b>bold</b></i> &lt;x&gt; <code>c</code>', 'HTML');
      expect(parsed.text).toBe('😀 it bold <x> c');
      expect(parsed.entities).toEqual([
        { type: 'italic', offset: 3, length: 7 },
        { type: 'bold', offset: 6, length: 4 },
        { type: 'code', offset: 15, length: 1 },
      ]);
    });

    it('knows spoilers, links, pre with a language and blockquotes', () => {
      const parsed = parseFormatted(
        '<span class="tg-spoiler">s</span><a href=\'tg://user?id=1\'>u</a><pre><code class="language-ts">x</code></pre><blockquote expandable>q</blockquote>',
        'HTML',
      );
      expect(parsed.entities.map((e) => e.type)).toEqual([
        'spoiler',
        'text_link',
        'pre',
        'code',
        'expandable_blockquote',
      ]);
      expect(parsed.entities[2]).toMatchObject({ language: 'ts' });
    });

    it("answers Telegram's errors for broken markup", () => {
      const prefix = "Bad Request: can't parse entities: ";
      expect(errorOf('<b>x', 'HTML')).toBe(`${prefix}Can't find end tag corresponding to start tag "b"`);
      expect(errorOf('ü</b>', 'HTML')).toBe(`${prefix}Unexpected end tag at byte offset 2`);
      expect(errorOf('<b><i>x</b></i>', 'HTML')).toBe(
        `${prefix}Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`,
      );
      expect(errorOf('<div>x</div>', 'HTML')).toBe(`${prefix}Unsupported start tag "div" at byte offset 0`);
      expect(errorOf('a <b', 'HTML')).toBe(`${prefix}Unclosed start tag at byte offset 2`);
      expect(errorOf('<span>x</span>', 'HTML')).toBe(`${prefix}Tag "span" must have class "tg-spoiler"`);
    });
  });

  describe('MarkdownV2', () => {
    it('parses nested styles, links, code and escapes', () => {
      const parsed = parseFormatted(
        '*bold _italic_* __u__ ~s~ ||sp|| [l](https://x.y/\\)) `c\\`` \\!',
        'MarkdownV2',
      );
      expect(parsed.text).toBe('bold italic u s sp l c` !');
      expect(parsed.entities).toEqual([
        { type: 'bold', offset: 0, length: 11 },
        { type: 'italic', offset: 5, length: 6 },
        { type: 'underline', offset: 12, length: 1 },
        { type: 'strikethrough', offset: 14, length: 1 },
        { type: 'spoiler', offset: 16, length: 2 },
        { type: 'text_link', offset: 19, length: 1, url: 'https://x.y/)' },
        { type: 'code', offset: 21, length: 2 },
      ]);
    });

    it('takes a pre block with a language', () => {
      expect(parseFormatted('```python\nprint(1)\n```', 'MarkdownV2')).toEqual({
        text: 'print(1)\n',
        entities: [{ type: 'pre', offset: 0, length: 9, language: 'python' }],
      });
    });

    it('rejects unescaped reserved characters and unclosed entities', () => {
      const prefix = "Bad Request: can't parse entities: ";
      expect(errorOf('a-b', 'MarkdownV2')).toBe(
        `${prefix}Character '-' is reserved and must be escaped with the preceding '\\'`,
      );
      expect(errorOf('x *bold', 'MarkdownV2')).toBe(
        `${prefix}Can't find end of Bold entity at byte offset 2`,
      );
      expect(errorOf('`code', 'MarkdownV2')).toBe(`${prefix}Can't find end of Code entity at byte offset 0`);
    });
  });

  describe('Markdown (legacy)', () => {
    it('parses the four styles and reports unclosed ones', () => {
      expect(parseFormatted('*b* _i_ `c` [t](http://u)', 'Markdown')).toEqual({
        text: 'b i c t',
        entities: [
          { type: 'bold', offset: 0, length: 1 },
          { type: 'italic', offset: 2, length: 1 },
          { type: 'code', offset: 4, length: 1 },
          { type: 'text_link', offset: 6, length: 1, url: 'http://u' },
        ],
      });
      expect(errorOf('a *b', 'Markdown')).toBe(
        "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 2",
      );
    });
  });
});

describe('MarkdownV2 quotes', () => {
  it('merges consecutive quoted lines into one blockquote', () => {
    expect(parseFormatted('>one *b*\n>two\nafter', 'MarkdownV2')).toEqual({
      text: 'one b\ntwo\nafter',
      entities: [
        { type: 'blockquote', offset: 0, length: 9 },
        { type: 'bold', offset: 4, length: 1 },
      ],
    });
  });
});
