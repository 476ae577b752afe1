import type { WhatsAppEmulator } from './emulator';

/** A Graph API call as a Cloud API client makes it (bearer token, JSON); for this package's tests. */
export async function graph(
  emu: WhatsAppEmulator,
  token: string | undefined,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers: Record<string, string> = {};
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${emu.url}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** `POST /v21.0/{id}/messages` with a text body. */
export function sendText(
  emu: WhatsAppEmulator,
  token: string,
  phoneNumberId: string,
  to: string,
  text: string,
) {
  return graph(emu, token, 'POST', `/v21.0/${phoneNumberId}/messages`, {
    messaging_product: 'whatsapp',
    recipient_type: 'individual',
    to,
    type: 'text',
    text: { body: text },
  });
}

/** The `error` object of a Graph error answer. */
export function errorOf(json: Record<string, unknown>): Record<string, unknown> {
  return json.error as Record<string, unknown>;
}

/** The first status of a status webhook body. */
export function statusOf(body: unknown): Record<string, unknown> {
  const value = (body as { entry: { changes: { value: { statuses: Record<string, unknown>[] } }[] }[] })
    .entry[0]!.changes[0]!.value;
  return value.statuses[0]!;
}
