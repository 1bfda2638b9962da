export default {
  globs: ['src/**/*.ts'],
  exclude: ['src/**/*.styles.ts', 'src/state/**', 'src/session/**', 'src/services/**'],
  outdir: '.',
  litelement: true,
};
