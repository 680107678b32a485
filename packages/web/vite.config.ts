import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import { tanstackRouter } from '@tanstack/router-plugin/vite';

const src = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// `npm run dev`: Vite on 5173 with hot reload, the API proxied to the dev server (`npm run dev` at the root).
const apiTarget = process.env.SYNCTRAIL_DEV_API ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [
    tanstackRouter({ target: 'react', autoCodeSplitting: true, quoteStyle: 'single' }),
    react(),
    tailwindcss(),
  ],
  resolve: {
    alias: {
      '@/': src('./src/'),
      // Only the enumerations are needed at run time; the schemas stay on the server.
      '@synctrail/types/enums': src('../types/src/enums.ts'),
    },
  },
  server: {
    port: 5173,
    proxy: { '/api': { target: apiTarget, changeOrigin: false } },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 600 },
});
