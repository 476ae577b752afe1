import { type CSSVariablesResolver, createTheme } from '@mantine/core';

/**
 * Colours that pass WCAG 2.2 AA (4.5:1 for text) in both schemes; the browser tests run axe on every screen to
 * keep it so. Mantine's defaults do not: its green, orange, yellow and teal text is 2.7-3.9:1 on white, filled
 * blue 6 under white text 3.5:1, and its dimmed grey on the dark background 4.0:1.
 */
export const theme = createTheme({
  primaryColor: 'blue',
  // Shade 8 carries white text at 5:1 (7 was 4.2:1), in the dark scheme too.
  primaryShade: { light: 8, dark: 8 },
  components: {
    // A link inside text is told apart by more than its colour (WCAG 1.4.1).
    Anchor: { defaultProps: { underline: 'always' } },
  },
});

const TONES = ['green', 'teal', 'orange', 'yellow', 'red', 'blue', 'cyan', 'grape', 'gray'];

/** Text in a colour (`c="green"`, light and outline variants) is that colour's 9th shade darkened by a third. */
const darkText = (color: string) => `color-mix(in srgb, var(--mantine-color-${color}-9) 70%, black)`;

export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
    ...Object.fromEntries(
      TONES.flatMap((color) => [
        [`--mantine-color-${color}-text`, darkText(color)],
        [`--mantine-color-${color}-light-color`, darkText(color)],
        [`--mantine-color-${color}-outline`, darkText(color)],
      ]),
    ),
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
  },
});
