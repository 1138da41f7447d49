// www/next-host/app/layout.tsx: root layout of the nextjs host (no web fonts, the shared /style.css).
import type { ReactNode } from 'react';

export const metadata = { title: 'wasm budgets — nextjs host' };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <head>
        {/* The site-wide stylesheet lives outside this app's basePath, on the same origin. */}
        <link rel="stylesheet" href="/style.css" />
      </head>
      <body>{children}</body>
    </html>
  );
}
