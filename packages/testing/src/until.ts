/**
 * Waits until a condition holds, checking every `everyMs`. No deadline of its own: Jest's test timeout is the
 * one limit, so a slow shared machine makes a test slower, never flaky.
 */
export async function until(check: () => boolean | Promise<boolean>, everyMs = 25): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, everyMs));
}
