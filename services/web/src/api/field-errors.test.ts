import { describeFieldErrors } from './field-errors';

describe('describeFieldErrors', () => {
  it('never shows raw schema words: one plain sentence per field', () => {
    const problems = describeFieldErrors([
      { path: '', message: 'must match exactly one schema in oneOf' },
      { path: '/method', message: 'must be equal to constant' },
      { path: '/phone', message: 'must match pattern "^\\+[1-9][0-9]{6,14}$"' },
      { path: '/phone', message: 'must be string' },
    ]);
    expect(problems).toEqual([
      { field: '/method', sentence: 'Method is not valid.' },
      {
        field: '/phone',
        sentence:
          'Phone number is not valid. Use the international format with the country code, e.g. +4915112345678.',
      },
    ]);
    expect(JSON.stringify(problems)).not.toMatch(/oneOf|constant|pattern|\^/);
  });

  it('says what is missing or too long, and falls back to a general sentence for the body alone', () => {
    expect(describeFieldErrors([{ path: '', message: "must have required property 'text'" }])).toEqual([
      { field: '/text', sentence: 'Message is missing. Write between 1 and 4,096 characters.' },
    ]);
    expect(
      describeFieldErrors([{ path: '/text', message: 'must NOT have more than 4096 characters' }])[0]
        ?.sentence,
    ).toBe('Message is too long. Write between 1 and 4,096 characters.');
    expect(describeFieldErrors([{ path: '', message: 'must match exactly one schema in oneOf' }])).toEqual([
      { field: '', sentence: 'Some of what was sent is not valid. Check the form and try again.' },
    ]);
  });
});
