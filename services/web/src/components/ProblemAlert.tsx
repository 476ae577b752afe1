import { Alert, List, Text } from '@mantine/core';
import { ApiError } from '../api/client';
import { explain, waitText } from '../api/problems';

/** An error as the user should read it: what it means, the server's own `detail`, and the failing fields. */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const problem =
    error instanceof ApiError
      ? error
      : new ApiError({
          status: 0,
          code: 'INTERNAL',
          detail: error instanceof Error ? error.message : String(error),
        });
  const wait = waitText(problem.retryAfter);
  const explanation = explain(problem.code);
  // The server's detail is shown when it says more than our explanation already does.
  const detail = problem.detail.trim();
  const detailAddsSomething =
    detail !== '' && !explanation.toLowerCase().includes(detail.replace(/\.$/, '').toLowerCase());
  return (
    <Alert color="red" variant="light" title={title ?? explanation} role="alert">
      {title && <Text size="sm">{explanation}</Text>}
      {detailAddsSomething && (
        <Text size="sm" data-testid="problem-detail">
          {detail}
        </Text>
      )}
      {wait && <Text size="sm">{wait}</Text>}
      {problem.errors.length > 0 && (
        <List size="sm" mt="xs">
          {problem.errors.map((field) => (
            <List.Item key={`${field.path}:${field.message}`}>
              <code>{field.path || 'body'}</code> {field.message}
            </List.Item>
          ))}
        </List>
      )}
      <Text size="xs" c="dimmed" mt={4}>
        {problem.code}
        {problem.status ? ` · HTTP ${problem.status}` : ''}
      </Text>
    </Alert>
  );
}
