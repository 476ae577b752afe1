import { Alert, List, Text } from '@mantine/core';
import { ApiError } from '../api/client';
import { describeFieldErrors } from '../api/field-errors';
import { explain, waitText } from '../api/problems';
import { sentence } from '../live/notify';

/**
 * An error as the user should read it: what it means, the server's own `detail` when it adds something, and a
 * plain sentence per failing field (never the schema's own words).
 */
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
  const fields = describeFieldErrors(problem.errors);
  // The server's detail is shown when it says more than our explanation does; with field errors, those say it.
  const detail = sentence(problem.detail);
  const detailAddsSomething =
    detail !== '' &&
    fields.length === 0 &&
    problem.code !== 'VALIDATION_FAILED' &&
    problem.code !== 'INTERNAL' &&
    !explanation.toLowerCase().includes(detail.toLowerCase());
  return (
    <Alert color="red" variant="light" title={title ?? explanation} role="alert">
      {title && <Text size="sm">{explanation}</Text>}
      {detailAddsSomething && (
        <Text size="sm" data-testid="problem-detail">
          {detail}.
        </Text>
      )}
      {wait && <Text size="sm">{wait}</Text>}
      {fields.length > 0 && (
        <List size="sm" mt="xs">
          {fields.map((field) => (
            <List.Item key={field.field}>{field.sentence}</List.Item>
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
