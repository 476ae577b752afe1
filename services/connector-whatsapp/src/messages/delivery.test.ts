import { advances, publicStatus } from './delivery';

describe('delivery states', () => {
  it('only moves forward; failed ends a message not yet delivered', () => {
    expect(advances('accepted', 'sent')).toBe(true);
    expect(advances('sent', 'read')).toBe(true);
    expect(advances('read', 'delivered')).toBe(false);
    expect(advances('delivered', 'delivered')).toBe(false);
    expect(advances('sent', 'failed')).toBe(true);
    expect(advances('delivered', 'failed')).toBe(false);
    expect(advances('failed', 'read')).toBe(false);
  });

  it("shows the ledger's state until Meta accepted the message, then Meta's", () => {
    expect(publicStatus({ status: 'queued', delivery: null })).toBe('queued');
    expect(publicStatus({ status: 'sending', delivery: null })).toBe('queued');
    expect(publicStatus({ status: 'sent', delivery: null })).toBe('accepted');
    expect(publicStatus({ status: 'sent', delivery: 'read' })).toBe('read');
    expect(publicStatus({ status: 'failed', delivery: 'failed' })).toBe('failed');
  });
});
