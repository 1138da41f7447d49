// www/next-host/next.config.mjs: Next.js config of the nextjs host: a static export served by the collector at /dist/hosts/nextjs/.
/** @type {import('next').NextConfig} */
const nextConfig = {
  output: 'export',
  basePath: '/dist/hosts/nextjs',
  trailingSlash: true,
  images: { unoptimized: true },
  eslint: { ignoreDuringBuilds: true },
  poweredByHeader: false,
  reactStrictMode: true,
  // The shared React hook and view are TypeScript source in the workspace.
  transpilePackages: ['@wasm-budgets/react-ui'],
};

export default nextConfig;
