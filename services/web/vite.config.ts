import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// In development the api is proxied, so the browser talks to one origin just as it does behind the gateway.
const api = process.env.API_URL ?? `http://127.0.0.1:${process.env.API_PORT ?? 8080}`;

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.WEB_PORT ?? 8081),
    proxy: { '/api': { target: api, changeOrigin: false } },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    chunkSizeWarningLimit: 900,
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    css: false,
    // Component tests drive whole screens; on a busy shared machine a few take longer than Vitest's 5 s.
    testTimeout: 20_000,
  },
});
