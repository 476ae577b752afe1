import { screen } from '@testing-library/react';
import { ApiError } from '../api/client';
import { renderWithApp } from '../test/render';
import { ProblemAlert } from './ProblemAlert';

describe('ProblemAlert', () => {
  it('explains the code in words, adds the server detail and the failing fields', () => {
    renderWithApp(
      <ProblemAlert
        error={
          new ApiError({
            status: 422,
            code: 'VALIDATION_FAILED',
            detail: 'The request does not match its schema.',
            errors: [{ path: '/text', message: 'must NOT have more than 4096 characters' }],
          })
        }
      />,
    );
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent('Some fields are not filled in correctly.');
    expect(alert).toHaveTextContent('Message is too long. Write between 1 and 4,096 characters.');
    expect(alert).not.toHaveTextContent('must NOT have');
    expect(alert).not.toHaveTextContent('The request does not match its schema.');
    expect(alert).toHaveTextContent('VALIDATION_FAILED · HTTP 422');
  });

  it('says how long to wait after a flood wait, and leaves out a detail that repeats the explanation', () => {
    renderWithApp(
      <ProblemAlert
        error={
          new ApiError({
            status: 429,
            code: 'TELEGRAM_FLOOD_WAIT',
            detail: 'Telegram asks to slow down.',
            retryAfter: 42,
          } as never)
        }
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent('Try again in 42 s.');
    expect(screen.queryByTestId('problem-detail')).toBeNull();
  });

  it('takes the wait from Retry-After when the body has none', () => {
    const error = new ApiError({ status: 503, code: 'TELEGRAM_UNAVAILABLE', detail: 'Breaker open.' }, '180');
    renderWithApp(<ProblemAlert error={error} />);
    expect(screen.getByRole('alert')).toHaveTextContent('Try again in 3 min.');
    expect(screen.getByTestId('problem-detail')).toHaveTextContent('Breaker open.');
  });

  it('renders nothing without an error', () => {
    renderWithApp(<ProblemAlert error={null} />);
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
