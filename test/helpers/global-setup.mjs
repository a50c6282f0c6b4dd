// jest loads globalSetup outside its module transform, so the TypeScript setup is loaded
// through tsx's loader instead.
import { tsImport } from 'tsx/esm/api';

export default async function globalSetup() {
  const { default: setup } = await tsImport('./global-setup.ts', import.meta.url);
  await setup();
}
