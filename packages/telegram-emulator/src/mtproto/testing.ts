/** For tests with the real GramJS client: the RPC error a call fails with (fails itself when the call succeeds). */
export async function rpcError(
  promise: Promise<unknown>,
): Promise<{ code?: number; errorMessage?: string; seconds?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: number; errorMessage?: string; seconds?: number };
  }
  throw new Error('expected an RPC error');
}
