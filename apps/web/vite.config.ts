import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Workspace packages (@acc/contracts' zod schemas) are bundled from source; the server is imported for its
// types only (AppRouter), so nothing of it can reach the bundle: scripts/size.mjs checks that too.
export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@acc/source'] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      '/trpc': 'http://127.0.0.1:8080',
      '/accounting-system': 'http://127.0.0.1:8080',
      '/ui-config.json': 'http://127.0.0.1:8080',
      '/dev': 'http://127.0.0.1:8080',
    },
  },
});
