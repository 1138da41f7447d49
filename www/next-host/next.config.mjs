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
};

export default nextConfig;
