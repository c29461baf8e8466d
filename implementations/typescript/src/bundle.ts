// Builds the workflow bundle once, at build time (build.sh), so that neither
// process runs webpack when it starts and both callee workers share one bundle.
import * as fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { BUNDLE_PATH, WORKFLOWS_PATH } from './temporal';

async function main(): Promise<void> {
  const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH });
  fs.writeFileSync(BUNDLE_PATH, code);
  console.log(`workflow bundle: ${BUNDLE_PATH}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
