/**
 * Waits until a condition holds, checking every `everyMs`. No deadline of its own: Jest's test timeout is the
 * one limit, so a slow shared machine makes a test slower, never flaky.
 */
export async function until(check: () => boolean | Promise<boolean>, everyMs = 25): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, everyMs));
}

/**
 * Waits until a condition holds, with a deadline: past `withinMs` it fails naming what it waited for, instead
 * of hanging until Jest's timeout with no word on what never happened.
 */
export async function waitFor(
  what: string,
  check: () => boolean | Promise<boolean>,
  withinMs = 20_000,
  everyMs = 25,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Waited ${withinMs} ms for ${what}; it did not happen`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
