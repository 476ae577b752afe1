import { Image, Skeleton } from '@mantine/core';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** The login url as a QR code, drawn as SVG (no canvas needed, crisp at any size). */
export function QrImage({ url, size = 240 }: { url: string; size?: number }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    void QRCode.toString(url, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then((markup) => {
      if (current) setSvg(markup);
    });
    return () => {
      current = false;
    };
  }, [url]);
  if (!svg) return <Skeleton width={size} height={size} />;
  return (
    <Image
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      alt="QR code to scan with Telegram on your phone"
      w={size}
      h={size}
      bg="white"
      p={4}
      radius="sm"
      data-login-url={url}
    />
  );
}
